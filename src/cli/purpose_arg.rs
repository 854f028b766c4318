//! Consent purposes on the command line: `submit --consent` and `case code --revoke` take the
//! names the reporter pages use ([`Purpose::name`]), and `--help` shows each with the pages'
//! own words for it, from the catalogue, so a caseworker and a reporter mean the same thing.

use std::ffi::OsStr;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;

use crate::domain::Purpose;
use crate::i18n::Lang;

/// Parses a purpose's name (any letter case, `-` or `_`; the stored name is accepted too).
#[derive(Debug, Clone, Copy)]
pub struct PurposeArg;

impl TypedValueParser for PurposeArg {
    type Value = Purpose;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Purpose, clap::Error> {
        let typed = value.to_string_lossy();
        Purpose::from_name(&typed).ok_or_else(|| {
            let flag = arg.map_or(String::new(), |a| format!("{a} "));
            clap::Error::raw(
                ErrorKind::InvalidValue,
                format!(
                    "{flag}{typed}: not a consent purpose; use one of: {}\n",
                    Purpose::names()
                ),
            )
            .with_cmd(cmd)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let words = Lang::default();
        Some(Box::new(Purpose::ALL.iter().map(move |p| {
            PossibleValue::new(p.name()).help(words.t(&p.message_id()))
        })))
    }
}
