//! The translated catalogues, read as a reader meets them: every message of every language
//! formats, in that language's own plural rules, for every count a page can pass (an error
//! would show English instead, silently); keeps every variable of the English message (a
//! dropped `{ $days }` would tell a reporter nothing); is not left in English; and the
//! honeypot error names the field as the form labels it. `catalogues.rs` checks ids and syntax.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::str::FromStr;

use fluent_templates::LanguageIdentifier;
use fluent_templates::fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};

fn locales() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("locales")
}

/// Every catalogue as (tag, source); `README.md` and the glossaries are not catalogues.
fn catalogues() -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = std::fs::read_dir(locales())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| {
            let source = std::fs::read_to_string(e.path().join("safehold.ftl")).unwrap();
            (e.file_name().into_string().unwrap(), source)
        })
        .collect();
    all.sort();
    all
}

/// The variables (`$name`) each message uses, by id, from the file's text: a message is a line
/// `id = …` and the lines after it that start with a space or close a select (`}`).
fn variables(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut all: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        if !line.starts_with(['#', ' ', '.', '}']) && line.contains(" = ") {
            current = line.split(" = ").next().map(str::to_owned);
        } else if !line.starts_with([' ', '}']) {
            current = None;
        }
        let Some(id) = &current else { continue };
        let used = all.entry(id.clone()).or_default();
        for part in line.split('$').skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            used.insert(name);
        }
    }
    all
}

/// A bundle as the server builds one: the language's plural rules, no isolation marks.
fn bundle(tag: &str, source: &str) -> FluentBundle<FluentResource> {
    let lang = LanguageIdentifier::from_str(tag).unwrap();
    let mut bundle = FluentBundle::new(vec![lang]);
    bundle.set_use_isolating(false);
    let resource = FluentResource::try_new(source.to_owned())
        .unwrap_or_else(|(_, errors)| panic!("{tag} does not parse: {errors:?}"));
    bundle
        .add_resource(resource)
        .unwrap_or_else(|errors| panic!("{tag}: {errors:?}"));
    bundle
}

/// Formats one message with every variable set to `value`; errors are failures.
fn format(
    bundle: &FluentBundle<FluentResource>,
    tag: &str,
    id: &str,
    names: &BTreeSet<String>,
    value: &str,
) -> String {
    let message = bundle
        .get_message(id)
        .unwrap_or_else(|| panic!("{tag}: no message {id}"));
    let pattern = message
        .value()
        .unwrap_or_else(|| panic!("{tag}: {id} has no value"));
    let mut args = FluentArgs::new();
    for name in names {
        // As the server passes them: a number stays a number, so plural variants select.
        args.set(name.clone(), FluentValue::try_number(value));
    }
    let mut errors = Vec::new();
    let text = bundle
        .format_pattern(pattern, Some(&args), &mut errors)
        .into_owned();
    assert!(errors.is_empty(), "{tag}: {id} with {value}: {errors:?}");
    assert!(!text.trim().is_empty(), "{tag}: {id} is empty");
    text
}

#[test]
fn every_translation_formats_in_every_plural_form_keeps_its_variables_and_is_translated() {
    let english_source = std::fs::read_to_string(locales().join("en/safehold.ftl")).unwrap();
    let english_vars = variables(&english_source);
    let english = bundle("en", &english_source);
    let all = catalogues();
    assert!(all.len() >= 6, "only {} catalogues", all.len());
    // Arabic's six plural categories (0, 1, 2, 3–10, 11–99, 100+), Russian's 21 and fractions,
    // and text where a page passes a placeholder such as "{found}" for the script to fill.
    let values = ["0", "1", "2", "3", "5", "11", "21", "100", "1.5", "{found}"];
    for (tag, source) in &all {
        let vars = variables(source);
        let bundle = bundle(tag, source);
        for (id, wanted) in &english_vars {
            assert_eq!(
                vars.get(id),
                Some(wanted),
                "{tag}: {id} must use exactly the variables of the English message"
            );
            for value in values {
                let text = format(&bundle, tag, id, wanted, value);
                if tag != "en" && text.split_whitespace().count() >= 3 {
                    let english_text = format(&english, "en", id, wanted, value);
                    assert_ne!(text, english_text, "{tag}: {id} is still in English");
                }
            }
        }
        let name = format(&bundle, tag, "language-name", &BTreeSet::new(), "");
        assert!(
            tag == "en" || name != "English",
            "{tag}: language-name must be the language's own name"
        );
        let label = format(&bundle, tag, "honeypot-label", &BTreeSet::new(), "");
        let error = format(&bundle, tag, "error-honeypot", &BTreeSet::new(), "");
        assert!(
            error.contains(&label),
            "{tag}: error-honeypot must quote the field's label {label:?}: {error}"
        );
    }
}
