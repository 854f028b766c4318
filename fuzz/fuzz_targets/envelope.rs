//! `cargo +nightly fuzz run envelope`: decrypted plaintext is parsed without panicking, and
//! whatever parses re-encodes to something that parses to the same report.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safehold::envelope::Report;

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = Report::from_plaintext(data) {
        let padded = report
            .to_padded_plaintext()
            .expect("a parsed report re-encodes");
        let again = Report::from_plaintext(&padded).expect("re-encoded report parses");
        assert_eq!(again, report);
    }
});
