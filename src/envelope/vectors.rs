//! Checks the committed cross-implementation vectors in `tests/vectors/envelope.json`.
//!
//! They were produced by `tests/vectors/envelope.gen.mjs` (JavaScript's `JSON.stringify`,
//! as the browser will do it), so passing means Rust and JavaScript agree byte for byte.

use sha2::{Digest, Sha256};

use super::{Report, padded_len};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    input: serde_json::Value,
    canonical_json: String,
    canonical_sha256: String,
    padded_len: usize,
}

#[test]
fn envelope_vectors() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("../../tests/vectors/envelope.json")).unwrap();
    assert!(cases.len() >= 6);
    for case in cases {
        let name = &case.name;
        let parsed: Report = serde_json::from_value(case.input).unwrap();
        // Build through the public constructor, which normalises line endings.
        let report = Report::new(
            parsed.language.clone(),
            parsed.channel,
            parsed.routing.clone(),
            parsed.fields.clone(),
            parsed.consent,
            parsed.reply_to.clone(),
            parsed.attachments.clone(),
        );

        let canonical = report.canonical_json().unwrap();
        assert_eq!(
            std::str::from_utf8(&canonical).unwrap(),
            case.canonical_json,
            "{name}: canonical JSON"
        );
        assert_eq!(
            hex::encode(Sha256::digest(&canonical[..])),
            case.canonical_sha256,
            "{name}: sha256"
        );
        assert_eq!(
            padded_len(canonical.len()),
            case.padded_len,
            "{name}: padded_len"
        );

        let padded = report.to_padded_plaintext().unwrap();
        assert_eq!(padded.len(), case.padded_len, "{name}: padded length");
        let back = Report::from_plaintext(&padded).unwrap();
        assert_eq!(back, report, "{name}: round trip");
        // Parsing the canonical form and re-encoding it is the identity.
        assert_eq!(
            back.canonical_json().unwrap(),
            canonical,
            "{name}: idempotent"
        );
    }
}
