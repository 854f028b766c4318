//! `cargo fuzz run codephrase`: whatever a reporter types into the receipt page is parsed
//! without panicking; what parses is normalised (parsing it again is the identity) and
//! derives keys.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safehold::crypto::codephrase::Codephrase;
use safehold::crypto::receipt::ReceiptKeys;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(codephrase) = Codephrase::parse(text) {
        let again = Codephrase::parse(codephrase.expose()).expect("a normalised phrase parses");
        assert_eq!(again.expose(), codephrase.expose());
        assert!(codephrase.expose().is_ascii());
        ReceiptKeys::derive(&codephrase).expect("every valid codephrase derives keys");
    }
});
