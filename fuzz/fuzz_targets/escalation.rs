//! `cargo +nightly fuzz run escalation`: a decrypted package (v2: communication and JSON; v1:
//! JSON alone) is parsed without panicking, and whatever parses re-encodes to something that
//! parses to the same package and communication.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safehold::envelope::Escalation;

fuzz_target!(|data: &[u8]| {
    if let Ok((package, communication)) = Escalation::open(data) {
        let padded = match &communication {
            Some(text) => package
                .to_padded_plaintext_with(text)
                .expect("a parsed v2 package re-encodes"),
            None => package
                .to_padded_plaintext()
                .expect("a parsed v1 package re-encodes"),
        };
        let (again, text) = Escalation::open(&padded).expect("re-encoded package parses");
        assert_eq!(again, package);
        assert_eq!(
            text.as_ref().map(|t| t.as_str()),
            communication.as_ref().map(|t| t.as_str())
        );
    }
});
