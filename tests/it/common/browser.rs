//! Debian's Chromium driven by playwright-core (`tests/browser/*.mjs`): whether it is here,
//! where screenshots go, and running a driver script that prints JSON.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::repo;

/// Whether Chromium, Node and `web/node_modules` are here. With SAFEHOLD_REQUIRE_BROWSER set
/// (`.ci/run` sets it) a missing one fails the test instead of skipping it.
pub fn browser_ready() -> bool {
    let ready = Path::new("/usr/bin/chromium").exists()
        && repo().join("web/node_modules/playwright-core").exists()
        && repo().join("web/node_modules/axe-core").exists()
        && std::process::Command::new("node")
            .arg("--version")
            .output()
            .is_ok();
    if !ready {
        assert!(
            std::env::var_os("SAFEHOLD_REQUIRE_BROWSER").is_none(),
            "SAFEHOLD_REQUIRE_BROWSER is set but Chromium or web/node_modules is missing"
        );
        eprintln!(
            "Chromium or web/node_modules missing: browser test skipped (run .ci/run to install)"
        );
    }
    ready
}

/// Where the browser tests leave their screenshots (a test artifact).
pub fn screenshots() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots")
}

/// Runs `tests/browser/<script>` with `spec` and returns the JSON it prints.
pub async fn drive_script(script: &str, spec: Value) -> Value {
    let output = tokio::process::Command::new("node")
        .arg(repo().join("tests/browser").join(script))
        .arg(spec.to_string())
        .output()
        .await
        .expect("node runs");
    assert!(
        output.status.success(),
        "browser driver {script} failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    serde_json::from_slice(&output.stdout).expect("driver prints JSON")
}
