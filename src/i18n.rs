//! The message catalogue of the reporter pages.
//!
//! Every string a reporter reads comes from `locales/<tag>/safehold.ftl` (Fluent), compiled into
//! the binary. Adding a language means adding one file. The language comes from the page's
//! selector (`?lang=`), else from `Accept-Language`, else English.

use std::borrow::Cow;
use std::collections::HashMap;
use std::str::FromStr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: they would end up in codephrases
        // and ids that reporters copy by hand.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The language a page is rendered in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lang(LanguageIdentifier);

impl Default for Lang {
    fn default() -> Self {
        Lang(fallback())
    }
}

fn fallback() -> LanguageIdentifier {
    LanguageIdentifier::from_str("en").unwrap_or_default()
}

impl Lang {
    /// Picks the first available language from an explicit choice, then `Accept-Language`.
    pub fn negotiate(choice: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = choice.and_then(available) {
            return Lang(lang);
        }
        let mut wanted: Vec<(f32, &str)> = accept_language
            .unwrap_or("")
            .split(',')
            .filter_map(|item| {
                let mut parts = item.trim().split(';');
                let tag = parts.next()?.trim();
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (!tag.is_empty() && q > 0.0).then_some((q, tag))
            })
            .collect();
        // Stable sort: equal weights keep the client's order.
        wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
        wanted
            .into_iter()
            .find_map(|(_, tag)| available(tag))
            .map(Lang)
            .unwrap_or_default()
    }

    /// The BCP 47 tag, as recorded in the envelope.
    pub fn tag(&self) -> String {
        self.0.to_string()
    }

    /// Translates a message that has no arguments.
    pub fn t(&self, id: &str) -> String {
        LOCALES.lookup(&self.0, id)
    }

    /// Translates a message with named arguments.
    pub fn t_with(&self, id: &str, args: &[(&str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            // A number stays a number, so plural variants ("1 second", "5 seconds") select.
            .map(|(k, v)| {
                (
                    Cow::Owned((*k).to_owned()),
                    FluentValue::try_number(v.as_str()),
                )
            })
            .collect();
        LOCALES.lookup_with_args(&self.0, id, &args)
    }

    /// Translates a message with a number that chooses its plural form (`count`), and named
    /// text arguments.
    pub fn t_counted(&self, id: &str, count: (&str, u64), args: &[(&str, String)]) -> String {
        let mut all: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned((*k).to_owned()), FluentValue::from(v.clone())))
            .collect();
        all.insert(Cow::Owned(count.0.to_owned()), FluentValue::from(count.1));
        LOCALES.lookup_with_args(&self.0, id, &all)
    }

    /// Every available language as (tag, its own name), for the language selector.
    pub fn choices() -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = LOCALES
            .locales()
            .map(|l| (l.to_string(), LOCALES.lookup(l, "language-name")))
            .collect();
        all.sort();
        all
    }
}

/// Matches a requested tag against the catalogue, by full tag and then by primary language.
fn available(tag: &str) -> Option<LanguageIdentifier> {
    let wanted = LanguageIdentifier::from_str(tag).ok()?;
    let locales: Vec<&LanguageIdentifier> = LOCALES.locales().collect();
    locales
        .iter()
        .find(|l| ***l == wanted)
        .or_else(|| locales.iter().find(|l| l.language == wanted.language))
        .map(|l| (*l).clone())
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::of_request(&parts.uri, &parts.headers))
    }
}

impl Lang {
    /// The language of a request: its `?lang=` choice, else its `Accept-Language`.
    pub fn of_request(uri: &axum::http::Uri, headers: &axum::http::HeaderMap) -> Lang {
        let choice = uri
            .query()
            .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("lang=")));
        let accept = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        Lang::negotiate(choice, accept)
    }
}

/// Formats a byte count for people: "25 MB".
pub fn human_size(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    if bytes >= MB {
        format!("{} MB", bytes.div_ceil(MB))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_the_fallback_and_messages_resolve() {
        let lang = Lang::negotiate(None, Some("xx-YY, zz;q=0.5"));
        assert_eq!(lang.tag(), "en");
        assert_eq!(lang.t("site-name"), "Safehold");
        assert!(
            lang.t_with("attachments-help", &[("limit", "25 MB".into())])
                .contains("25 MB")
        );
    }

    #[test]
    fn accept_language_picks_by_primary_language() {
        assert_eq!(
            Lang::negotiate(None, Some("de, fr;q=0.9, en-GB;q=0.8")).tag(),
            "fr"
        );
        for (asked, got) in [
            ("ar-EG", "ar"),
            ("zh-CN", "zh"),
            ("es-419", "es"),
            ("ru-RU", "ru"),
        ] {
            assert_eq!(Lang::negotiate(None, Some(asked)).tag(), got);
        }
        assert_eq!(Lang::negotiate(None, Some("de")).tag(), "en");
        assert_eq!(Lang::negotiate(Some("en"), Some("fr")).tag(), "en");
    }

    /// Message ids defined in one catalogue file.
    fn message_ids(path: &std::path::Path) -> std::collections::BTreeSet<String> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with(['#', ' ', '.']) && l.contains(" = "))
            .filter_map(|l| l.split(" = ").next().map(str::to_owned))
            .collect()
    }

    #[test]
    fn every_language_has_every_message() {
        // The loader silently falls back to English, so compare the files themselves.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let english = message_ids(&root.join("en/safehold.ftl"));
        assert!(english.len() > 50);
        for dir in catalogue_dirs(&root) {
            let ids = message_ids(&dir.join("safehold.ftl"));
            let missing: Vec<_> = english.difference(&ids).collect();
            let extra: Vec<_> = ids.difference(&english).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{dir:?}: missing {missing:?}, unknown {extra:?}"
            );
        }
        assert_eq!(Lang::choices().len(), catalogue_dirs(&root).len());
    }

    /// One directory per language; `locales/README.md` and the glossaries are not catalogues.
    fn catalogue_dirs(root: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut dirs: Vec<_> = std::fs::read_dir(root)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        dirs
    }
}
