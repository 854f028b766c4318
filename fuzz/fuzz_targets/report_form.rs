//! `cargo fuzz run report_form`: the no-JavaScript report form's multipart reader
//! (`http::plaintext::form` and `intake::read_form`) on arbitrary bodies: broken boundaries,
//! truncated parts, huge or non-UTF-8 fields, unknown names, too many files. Every outcome is
//! an accepted form or a 4xx, never a panic or a 5xx (the reader asserts it).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// The boundary the seeds use; a body that ignores it is one more broken form.
const BOUNDARY: &str = "fuzzboundary";

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime")
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = runtime().block_on(safehold::http::read_form_for_fuzzing(
        BOUNDARY,
        data.to_vec(),
    ));
});
