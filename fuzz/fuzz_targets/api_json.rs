//! `cargo fuzz run api_json`: every JSON body the API accepts (`src/wire`) is parsed from
//! arbitrary bytes without panicking, and what parses serialises and parses back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safehold::wire::{
    ChallengeRequest, CodeRequest, EscalateRequest, FollowupRequest, ReceiptRequest,
    ReplyRequest, SessionRequest, SubmitRequest,
};

/// Parses `data` as `T`; if it parses, its own JSON parses again.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(data: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(data) {
        let json = serde_json::to_vec(&value).expect("a parsed request serialises");
        serde_json::from_slice::<T>(&json).expect("its JSON parses again");
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the endpoint, so the corpus can grow per shape.
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 8 {
        0 => round_trip::<SubmitRequest>(body),
        1 => round_trip::<ReceiptRequest>(body),
        2 => round_trip::<FollowupRequest>(body),
        3 => round_trip::<ReplyRequest>(body),
        4 => round_trip::<CodeRequest>(body),
        5 => round_trip::<EscalateRequest>(body),
        6 => round_trip::<ChallengeRequest>(body),
        _ => round_trip::<SessionRequest>(body),
    }
});
