//! What the reporter consented to, per purpose. The reporter's client puts the record inside
//! the encrypted report (`envelope`) and sends the same flags beside it; the server keeps the
//! current record (`store::consent`), which only the reporter can change and a caseworker can
//! only narrow, and which decides what may be escalated and counted.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::string_enum;

/// A use of the report the reporter can allow or refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Purpose {
    /// Share with OHCHR's reprisals team.
    OhchrReprisalsTeam,
    /// Share with the UN mechanism the reporter engaged with.
    NamedMechanism,
    /// Name the case in the Secretary-General's annual reprisals report.
    SgReportNamed,
    /// Include the case anonymously in the Secretary-General's report.
    SgReportAnonymous,
    /// Count the coded incident in published statistics.
    Statistics,
}

string_enum!(Purpose, "consent purpose", {
    OhchrReprisalsTeam => "ohchr_reprisals_team",
    NamedMechanism => "named_mechanism",
    SgReportNamed => "sg_report_named",
    SgReportAnonymous => "sg_report_anonymous",
    Statistics => "statistics",
});

/// Every purpose's name, in one place: what the reporter pages call it (the form's
/// `consent_<name>` box, the catalogue's `consent-<name>` message with `-` for `_`), and what
/// every command takes (`submit --consent`, `case code --revoke`) and prints. The stored name
/// ([`Purpose::as_str`]) stays in the database, the JSON API and packages.
const NAMES: [(Purpose, &str); 5] = [
    (Purpose::OhchrReprisalsTeam, "ohchr"),
    (Purpose::NamedMechanism, "mechanism"),
    (Purpose::SgReportNamed, "sg_named"),
    (Purpose::SgReportAnonymous, "sg_anonymous"),
    (Purpose::Statistics, "statistics"),
];

impl Purpose {
    /// The name people read and type (see [`NAMES`]).
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(p, _)| *p == self)
            .map_or(self.as_str(), |(_, name)| name)
    }

    /// The reporter pages' checkbox for this purpose: `consent_<name>`.
    pub fn form_field(self) -> String {
        format!("consent_{}", self.name())
    }

    /// The catalogue message that words this purpose for the reporter: `consent-<name>`.
    pub fn message_id(self) -> String {
        format!("consent-{}", self.name().replace('_', "-"))
    }

    /// The purpose a person typed: its name in any letter case, `-` or `_`, or the stored
    /// name (older scripts used it).
    pub fn from_name(typed: &str) -> Option<Purpose> {
        let typed = typed.trim().to_ascii_lowercase().replace('-', "_");
        NAMES
            .iter()
            .find(|(p, name)| *name == typed || p.as_str() == typed)
            .map(|(p, _)| *p)
    }

    /// Every name, in order, for messages that list them.
    pub fn names() -> String {
        NAMES.map(|(_, name)| name).join(", ")
    }

    /// The purposes that can cover sending an escalation package to someone.
    pub const ESCALATION: &'static [Purpose] =
        &[Purpose::NamedMechanism, Purpose::OhchrReprisalsTeam];

    /// Whether consent to this purpose can cover an escalation package.
    pub fn covers_packages(self) -> bool {
        Self::ESCALATION.contains(&self)
    }
}

/// Consent per purpose; everything defaults to `false`, i.e. no consent.
/// Column names in the `consent` table are the field names.
#[derive(
    Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default, Zeroize, sqlx::FromRow,
)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// Share with OHCHR's reprisals team.
    pub ohchr_reprisals_team: bool,
    /// Share with the UN mechanism the reporter engaged with.
    pub named_mechanism: bool,
    /// Name the case in the Secretary-General's annual reprisals report.
    pub sg_report_named: bool,
    /// Include the case anonymously in the Secretary-General's report.
    pub sg_report_anonymous: bool,
    /// Count the coded incident in published statistics.
    pub statistics: bool,
}

impl Consent {
    /// The record as five characters `0`/`1`, one per purpose in [`Purpose::ALL`] order: the
    /// form clients send beside a report, fixed-length so the request's size does not depend
    /// on the answers.
    pub fn flags(&self) -> String {
        Purpose::ALL
            .iter()
            .map(|p| if self.allows(*p) { '1' } else { '0' })
            .collect()
    }

    /// Parses [`Consent::flags`]: exactly one `0` or `1` per purpose.
    pub fn from_flags(flags: &str) -> Option<Consent> {
        if flags.len() != Purpose::ALL.len() {
            return None;
        }
        let mut consent = Consent::default();
        for (purpose, c) in Purpose::ALL.iter().zip(flags.chars()) {
            *consent.slot_mut(*purpose) = match c {
                '1' => true,
                '0' => false,
                _ => return None,
            };
        }
        Some(consent)
    }

    /// The purposes `self` allows that `before` did not: what a change would widen.
    pub fn widened_from(&self, before: &Consent) -> Vec<Purpose> {
        Purpose::ALL
            .iter()
            .copied()
            .filter(|p| self.allows(*p) && !before.allows(*p))
            .collect()
    }

    /// The purposes `before` allowed that `self` no longer does.
    pub fn withdrawn_from(&self, before: &Consent) -> Vec<Purpose> {
        before.widened_from(self)
    }

    /// The record that allows exactly `purposes`.
    pub fn allowing(purposes: &[Purpose]) -> Consent {
        let mut consent = Consent::default();
        for purpose in purposes {
            *consent.slot_mut(*purpose) = true;
        }
        consent
    }

    /// Whether the reporter allowed `purpose`.
    pub fn allows(&self, purpose: Purpose) -> bool {
        *self.slot(purpose)
    }

    /// The record on one line, by name, as every command prints it: `ohchr yes, mechanism
    /// no, …`.
    pub fn by_name(&self) -> String {
        Purpose::ALL
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    p.name(),
                    if self.allows(*p) { "yes" } else { "no" }
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Records `purpose` as refused: a caseworker may narrow consent, never widen it.
    pub fn withdraw(&mut self, purpose: Purpose) {
        *self.slot_mut(purpose) = false;
    }

    fn slot(&self, purpose: Purpose) -> &bool {
        match purpose {
            Purpose::OhchrReprisalsTeam => &self.ohchr_reprisals_team,
            Purpose::NamedMechanism => &self.named_mechanism,
            Purpose::SgReportNamed => &self.sg_report_named,
            Purpose::SgReportAnonymous => &self.sg_report_anonymous,
            Purpose::Statistics => &self.statistics,
        }
    }

    fn slot_mut(&mut self, purpose: Purpose) -> &mut bool {
        match purpose {
            Purpose::OhchrReprisalsTeam => &mut self.ohchr_reprisals_team,
            Purpose::NamedMechanism => &mut self.named_mechanism,
            Purpose::SgReportNamed => &mut self.sg_report_named,
            Purpose::SgReportAnonymous => &mut self.sg_report_anonymous,
            Purpose::Statistics => &mut self.statistics,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_purpose_names_its_own_field_of_the_record() {
        for purpose in Purpose::ALL {
            let mut consent = Consent::default();
            *consent.slot_mut(*purpose) = true;
            let json = serde_json::to_value(consent).unwrap();
            assert_eq!(json[purpose.as_str()], true, "{purpose}");
            assert!(consent.allows(*purpose));
            consent.withdraw(*purpose);
            assert_eq!(consent, Consent::default());
        }
    }

    #[test]
    fn flags_are_fixed_length_and_round_trip() {
        for bits in 0u8..32 {
            let mut consent = Consent::default();
            for (i, purpose) in Purpose::ALL.iter().enumerate() {
                *consent.slot_mut(*purpose) = bits & (1 << i) != 0;
            }
            let flags = consent.flags();
            assert_eq!(flags.len(), 5);
            assert_eq!(Consent::from_flags(&flags), Some(consent));
        }
        assert_eq!(Consent::default().flags(), "00000");
        for bad in ["", "0000", "000000", "0000x", "true0", "00 00"] {
            assert_eq!(Consent::from_flags(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn widening_and_withdrawal_are_told_apart() {
        let before = Consent {
            statistics: true,
            named_mechanism: true,
            ..Consent::default()
        };
        let after = Consent {
            statistics: true,
            sg_report_named: true,
            ..Consent::default()
        };
        assert_eq!(after.widened_from(&before), [Purpose::SgReportNamed]);
        assert_eq!(after.withdrawn_from(&before), [Purpose::NamedMechanism]);
        assert!(before.widened_from(&before).is_empty());
    }

    #[test]
    fn only_two_purposes_cover_packages() {
        let covering: Vec<_> = Purpose::ALL
            .iter()
            .filter(|p| p.covers_packages())
            .collect();
        assert_eq!(
            covering,
            [&Purpose::OhchrReprisalsTeam, &Purpose::NamedMechanism]
        );
    }

    #[test]
    fn every_purpose_has_one_name_that_reads_back() {
        for purpose in Purpose::ALL {
            assert_eq!(Purpose::from_name(purpose.name()), Some(*purpose));
            assert_eq!(Purpose::from_name(purpose.as_str()), Some(*purpose));
            let kebab = purpose.name().replace('_', "-").to_uppercase();
            assert_eq!(Purpose::from_name(&kebab), Some(*purpose));
        }
        assert_eq!(Purpose::SgReportNamed.form_field(), "consent_sg_named");
        assert_eq!(Purpose::SgReportNamed.message_id(), "consent-sg-named");
        assert_eq!(Purpose::from_name("named"), None);
        let record = Consent {
            ohchr_reprisals_team: true,
            ..Consent::default()
        };
        assert_eq!(
            record.by_name(),
            "ohchr yes, mechanism no, sg_named no, sg_anonymous no, statistics no"
        );
    }
}
