//! The message catalogues in `locales/`, read as Fluent: each parses, has exactly the English
//! catalogue's messages (the server silently falls back to English for a missing one, so only
//! this test notices), and uses only variables the English message is given. Every message the
//! templates, the server and the browser code ask for exists in English.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

use crate::common::repo;

/// A catalogue's messages (and terms, as `-name`), each with the variables it uses.
type Messages = BTreeMap<String, BTreeSet<String>>;

fn catalogues() -> Vec<(String, PathBuf)> {
    let mut all: Vec<(String, PathBuf)> = std::fs::read_dir(repo().join("locales"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| {
            (
                e.file_name().into_string().unwrap(),
                e.path().join("safehold.ftl"),
            )
        })
        .collect();
    all.sort();
    all
}

/// Parses one catalogue; a syntax error is a failure that names the file and the line.
fn read(path: &Path) -> Result<Messages, String> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let resource = fluent_syntax::parser::parse(source.as_str()).map_err(|(_, errors)| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| {
                let line = source[..e.pos.start.min(source.len())].lines().count();
                format!("line {line}: {:?}", e.kind)
            })
            .collect();
        format!("{} does not parse: {}", path.display(), lines.join("; "))
    })?;
    let mut messages = Messages::new();
    for entry in resource.body {
        let (id, patterns): (String, Vec<Pattern<&str>>) = match entry {
            Entry::Message(m) => (
                m.id.name.to_owned(),
                m.value
                    .into_iter()
                    .chain(m.attributes.into_iter().map(|a| a.value))
                    .collect(),
            ),
            Entry::Term(t) => (
                format!("-{}", t.id.name),
                std::iter::once(t.value)
                    .chain(t.attributes.into_iter().map(|a| a.value))
                    .collect(),
            ),
            Entry::Junk { content } => {
                return Err(format!("{}: unreadable: {content}", path.display()));
            }
            _ => continue,
        };
        let mut variables = BTreeSet::new();
        for pattern in &patterns {
            pattern_variables(pattern, &mut variables);
        }
        if messages.insert(id.clone(), variables).is_some() {
            return Err(format!("{}: {id} is defined twice", path.display()));
        }
    }
    Ok(messages)
}

fn pattern_variables(pattern: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for variant in variants {
                pattern_variables(&variant.value, out);
            }
        }
        Expression::Inline(inline) => inline_variables(inline, out),
    }
}

fn inline_variables(inline: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_variables(argument, out);
            }
            for argument in &arguments.named {
                inline_variables(&argument.value, out);
            }
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, out),
        _ => {}
    }
}

/// What one catalogue gets wrong against English.
fn differences(english: &Messages, other: &Messages) -> Vec<String> {
    let mut problems = Vec::new();
    for id in english.keys().filter(|id| !other.contains_key(*id)) {
        problems.push(format!("missing {id}"));
    }
    for id in other.keys().filter(|id| !english.contains_key(*id)) {
        problems.push(format!("not in English: {id}"));
    }
    for (id, variables) in other {
        if let Some(given) = english.get(id) {
            for variable in variables.difference(given) {
                problems.push(format!("{id} uses ${variable}, which English does not"));
            }
        }
    }
    problems
}

#[test]
fn every_catalogue_parses_and_has_exactly_the_english_messages_and_variables() {
    let english = read(&repo().join("locales/en/safehold.ftl")).unwrap();
    assert!(
        english.len() > 100,
        "English has {} messages",
        english.len()
    );
    let all = catalogues();
    let mut problems = Vec::new();
    for (tag, path) in &all {
        match read(path) {
            Ok(messages) => problems.extend(
                differences(&english, &messages)
                    .into_iter()
                    .map(|p| format!("{tag}: {p}")),
            ),
            Err(e) => problems.push(e),
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // The server offers exactly these languages, each under its own name.
    let offered = safehold::i18n::Lang::choices();
    assert_eq!(
        offered.iter().map(|c| c.tag.as_str()).collect::<Vec<_>>(),
        all.iter().map(|(tag, _)| tag.as_str()).collect::<Vec<_>>()
    );
    for choice in offered.iter().filter(|c| c.tag != "en") {
        assert_ne!(choice.name, "English", "{}: its own name", choice.tag);
    }
}

/// The check itself: a catalogue with a message missing, one added, one variable English does
/// not have, and one syntax error is refused, each named.
#[test]
fn the_check_names_what_a_catalogue_gets_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let english = dir.path().join("en.ftl");
    std::fs::write(
        &english,
        "a = One { $count ->\n    [one] thing\n   *[other] things\n}\nb = Two { $name }\n-brand = Safehold\n",
    )
    .unwrap();
    let other = dir.path().join("xx.ftl");
    std::fs::write(
        &other,
        "a = Un { $count ->\n    [one] { $what }\n   *[other] choses\n}\nc = Trois\n-brand = Safehold\n",
    )
    .unwrap();
    let problems = differences(&read(&english).unwrap(), &read(&other).unwrap());
    assert_eq!(
        problems,
        [
            "missing b",
            "not in English: c",
            "a uses $what, which English does not"
        ]
    );
    let broken = dir.path().join("broken.ftl");
    std::fs::write(&broken, "a = fine\nb = { $unclosed\n").unwrap();
    let error = read(&broken).unwrap_err();
    assert!(
        error.contains("does not parse") && error.contains("line 2"),
        "{error}"
    );
}

/// Message ids written in the templates and the server's page code all exist in English: a
/// misspelt id would show "Unknown localization" on a page (the browser gate also looks for
/// that on every page it visits).
#[test]
fn every_message_asked_for_exists_in_english() {
    let english = read(&repo().join("locales/en/safehold.ftl")).unwrap();
    let mut asked = BTreeSet::new();
    let mut files = Vec::new();
    for dir in ["templates", "src/http", "src/http/plaintext"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap().flatten() {
            if entry.file_type().unwrap().is_file() {
                files.push(entry.path());
            }
        }
    }
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for call in [".t(\"", ".t_with(\"", ".t_counted(\""] {
            for (at, _) in text.match_indices(call) {
                let rest = &text[at + call.len()..];
                let id: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                // Ids built at run time (`status-{}`) end at the brace; they are checked below.
                if !id.is_empty() && !rest[id.len()..].starts_with('{') {
                    asked.insert(id);
                }
            }
        }
        // Error pages name their message as the literal after the status and language.
        for (at, _) in text.match_indices("PageError::new(") {
            let call: String = text[at..].chars().take(200).collect();
            if let Some(id) = call.split('"').nth(1) {
                asked.insert(id.to_owned());
            }
        }
    }
    for status in [
        "received",
        "under_assessment",
        "credible",
        "not_substantiated",
        "referred",
        "closed",
        "unreadable",
    ] {
        asked.insert(format!("status-{status}"));
    }
    // The routing questions' choices are labelled `mechanism-<code>` and `region-<code>`.
    for code in safehold::policy::questions::MECHANISMS {
        asked.insert(format!("mechanism-{code}"));
    }
    for code in safehold::policy::questions::REGIONS {
        asked.insert(format!("region-{code}"));
    }
    let missing: Vec<&String> = asked
        .iter()
        .filter(|id| !english.contains_key(*id))
        .collect();
    assert!(asked.len() > 100, "found {} ids", asked.len());
    assert!(
        missing.is_empty(),
        "asked for but not in English: {missing:?}"
    );
}
