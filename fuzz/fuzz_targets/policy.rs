//! `cargo fuzz run policy`: the policy files an operator writes (routing, escalation, alerts,
//! taxonomy, statistics, organisation) are parsed from arbitrary text without panicking; mistakes become
//! problems with a file and line, never a crash.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use safehold::keyring::Keyring;
use safehold::policy::routing::Routing;
use safehold::policy::statistics::StatisticsPolicy;
use safehold::policy::taxonomy::Taxonomy;
use safehold::policy::{AlertPolicy, EscalationPolicy, Organisation};

/// The repository's DEMO keys, loaded once: routing and escalation name people in them.
fn keyring() -> &'static Keyring {
    static KEYRING: OnceLock<Keyring> = OnceLock::new();
    KEYRING.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../keys/DEMO");
        Keyring::load(&dir).expect("the DEMO keys load")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    let path = Path::new("fuzzed.toml");
    let no_env = |_: &str| None;
    match which % 6 {
        0 => drop(Routing::parse(text, path, keyring())),
        1 => drop(EscalationPolicy::parse(text, path, keyring(), &[])),
        2 => drop(AlertPolicy::parse(text, path, Path::new("."), &no_env)),
        3 => drop(Taxonomy::parse(text, path)),
        4 => drop(StatisticsPolicy::parse(text, path)),
        _ => drop(Organisation::parse(text, path)),
    }
});
