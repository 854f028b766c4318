//! `cargo +nightly fuzz run age_header`: the header validator must never panic, and what it
//! accepts must add up.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let expected = data.first().map_or(1, |b| usize::from(b % 4));
    if let Ok(summary) = safehold::ciphertext::validate(data, expected, 1 << 20) {
        assert_eq!(summary.header_len + summary.payload_len, data.len());
        assert_eq!(summary.x25519_stanzas, expected);
        assert!(summary.grease_stanzas <= 1);
    }
});
