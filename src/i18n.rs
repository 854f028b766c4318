//! The message catalogue of the reporter pages.
//!
//! Every string a reporter reads comes from `locales/<tag>/safehold.ftl` (Fluent), compiled into
//! the binary. Adding a language means adding one file. The language comes from the page's
//! selector (`?lang=`, carried by every link and form of the pages), else from the first
//! language of `Accept-Language` that has a catalogue (by weight), else English. A request for
//! a regional or script variant gets the catalogue of its language (`zh-CN` and `zh-Hans` get
//! `zh`). A language's writing direction (`dir="rtl"` for Arabic) comes from the language
//! itself, never from a template.

use std::borrow::Cow;
use std::collections::HashMap;
use std::str::FromStr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};
use unic_langid::CharacterDirection;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: they would end up in codephrases
        // and ids that reporters copy by hand. Pages isolate such values with markup instead.
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
        let available: Vec<LanguageIdentifier> = LOCALES.locales().cloned().collect();
        negotiate_among(&available, choice, accept_language)
            .cloned()
            .map(Lang)
            .unwrap_or_default()
    }

    /// The BCP 47 tag, as recorded in the envelope and sent as `Content-Language`.
    pub fn tag(&self) -> String {
        self.0.to_string()
    }

    /// The writing direction, for `<html dir>`: `rtl` for Arabic and other right-to-left
    /// languages and scripts, else `ltr`.
    pub fn dir(&self) -> &'static str {
        match self.0.character_direction() {
            CharacterDirection::RTL => "rtl",
            _ => "ltr",
        }
    }

    /// A link to `path` (no query of its own) that keeps this language: the choice made with
    /// the selector lasts through every page without a cookie.
    pub fn href(&self, path: &str) -> String {
        format!("{path}?lang={}", self.tag())
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

    /// Every available language, for the language selector.
    pub fn choices() -> Vec<LanguageChoice> {
        let mut all: Vec<LanguageChoice> = LOCALES
            .locales()
            .map(|l| {
                let lang = Lang(l.clone());
                LanguageChoice {
                    tag: lang.tag(),
                    name: lang.t("language-name"),
                    dir: lang.dir(),
                }
            })
            .collect();
        all.sort_by(|a, b| a.tag.cmp(&b.tag));
        all
    }
}

/// One language of the selector: its tag and its name in its own language and script, which
/// the option is marked up in (`lang`, `dir`), so that a screen reader says it right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageChoice {
    /// BCP 47 tag, the selector's value.
    pub tag: String,
    /// The language's own name for itself (`language-name` of its catalogue).
    pub name: String,
    /// Its writing direction.
    pub dir: &'static str,
}

/// The first language of `available` asked for: the explicit choice, else the entries of an
/// `Accept-Language` header by weight (equal weights in the client's order; weight 0 and
/// unparsable entries ignored). `None`: nothing asked for is available.
fn negotiate_among<'a>(
    available: &'a [LanguageIdentifier],
    choice: Option<&str>,
    accept_language: Option<&str>,
) -> Option<&'a LanguageIdentifier> {
    if let Some(lang) = choice.and_then(|tag| best_match(available, tag)) {
        return Some(lang);
    }
    let mut wanted: Vec<(f32, &str)> = accept_language
        .unwrap_or("")
        .split(',')
        .filter_map(|item| {
            let mut parts = item.trim().split(';');
            let tag = parts.next()?.trim();
            let q = match parts.find_map(|p| p.trim().strip_prefix("q=")) {
                Some(q) => q
                    .trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))?,
                None => 1.0,
            };
            (!tag.is_empty() && q > 0.0).then_some((q, tag))
        })
        .collect();
    // Stable sort: equal weights keep the client's order.
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
    wanted
        .into_iter()
        .find_map(|(_, tag)| best_match(available, tag))
}

/// The catalogue for a requested tag: among those of its language, the one with its script,
/// then its region, then the one with neither (so `zh-CN`, `zh-Hans` and `zh` all get a `zh`
/// catalogue), then any.
fn best_match<'a>(
    available: &'a [LanguageIdentifier],
    tag: &str,
) -> Option<&'a LanguageIdentifier> {
    let wanted = LanguageIdentifier::from_str(tag.trim()).ok()?;
    if wanted.language.is_empty() {
        return None;
    }
    available
        .iter()
        .filter(|l| l.language == wanted.language)
        .max_by_key(|l| {
            (
                wanted.script.is_some() && l.script == wanted.script,
                wanted.region.is_some() && l.region == wanted.region,
                l.script.is_none() && l.region.is_none(),
            )
        })
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

    fn ids(tags: &[&str]) -> Vec<LanguageIdentifier> {
        tags.iter().map(|t| t.parse().unwrap()).collect()
    }

    fn pick(available: &[&str], choice: Option<&str>, accept: &str) -> Option<String> {
        negotiate_among(&ids(available), choice, Some(accept)).map(|l| l.to_string())
    }

    #[test]
    fn english_is_the_fallback_and_messages_resolve() {
        let lang = Lang::negotiate(None, Some("xx-YY, zz;q=0.5"));
        assert_eq!(lang.tag(), "en");
        assert_eq!(lang.dir(), "ltr");
        assert_eq!(lang.t("site-name"), "Safehold");
        assert!(
            lang.t_with("attachments-help", &[("limit", "25 MB".into())])
                .contains("25 MB")
        );
    }

    const SIX: &[&str] = &["ar", "en", "es", "fr", "ru", "zh"];

    #[test]
    fn accept_language_takes_the_first_available_by_weight() {
        assert_eq!(
            pick(SIX, None, "fr;q=0.9, en-GB;q=0.8").as_deref(),
            Some("fr")
        );
        assert_eq!(
            pick(SIX, None, "de, ru;q=0.2, es;q=0.7").as_deref(),
            Some("es")
        );
        // Equal weights: the client's order.
        assert_eq!(pick(SIX, None, "ru, fr").as_deref(), Some("ru"));
        // Weight 0 means "not this one"; a malformed weight drops its entry.
        assert_eq!(
            pick(SIX, None, "ar;q=0, fr;q=abc, es;q=0.1").as_deref(),
            Some("es")
        );
        assert_eq!(pick(SIX, None, "*, de").as_deref(), None);
        assert_eq!(
            pick(&["en"], None, "fr;q=0.9, en-GB;q=0.8").as_deref(),
            Some("en")
        );
        // The selector's choice wins over the header; an unknown choice falls back to it.
        assert_eq!(pick(SIX, Some("ar"), "fr").as_deref(), Some("ar"));
        assert_eq!(pick(SIX, Some("xx"), "fr").as_deref(), Some("fr"));
    }

    #[test]
    fn chinese_requests_get_the_chinese_catalogue() {
        for asked in ["zh", "zh-CN", "zh-Hans", "zh-Hans-CN", "ZH-cn", "zh_CN"] {
            assert_eq!(pick(SIX, None, asked).as_deref(), Some("zh"), "{asked}");
            assert_eq!(pick(SIX, Some(asked), "").as_deref(), Some("zh"), "{asked}");
        }
        // A script or region the catalogue names wins over the plain one.
        let both = &["en", "zh", "zh-Hant"];
        assert_eq!(pick(both, None, "zh-Hant-TW").as_deref(), Some("zh-Hant"));
        assert_eq!(pick(both, None, "zh-CN").as_deref(), Some("zh"));
        // A catalogue named zh-Hans serves every Chinese request too.
        assert_eq!(
            pick(&["en", "zh-Hans"], None, "zh-CN").as_deref(),
            Some("zh-Hans")
        );
    }

    #[test]
    fn direction_comes_from_the_language() {
        let dir = |tag: &str| Lang(tag.parse().unwrap()).dir();
        assert_eq!(dir("ar"), "rtl");
        assert_eq!(dir("ar-EG"), "rtl");
        assert_eq!(dir("fa"), "rtl");
        assert_eq!(dir("he"), "rtl");
        for ltr in ["en", "fr", "es", "ru", "zh", "zh-Hans"] {
            assert_eq!(dir(ltr), "ltr", "{ltr}");
        }
    }

    #[test]
    fn links_keep_the_language() {
        let lang = Lang("ar".parse().unwrap());
        assert_eq!(lang.href("/receipt"), "/receipt?lang=ar");
    }
}
