// Migrations are embedded with `sqlx::migrate!`; rebuild when they change. The browser bundle
// is compressed here, once per build, so the server sends it as gzip or Brotli without
// compressing anything per request (src/http/assets.rs).
// Cargo reads its instructions from this script's standard output.
#[allow(clippy::disallowed_macros)]
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=static/safehold-bundle.js");
    // The PostgreSQL half of each storage test runs only against a server named here; without
    // one it is compiled as `#[ignore]`, so the summary counts it as ignored, never as passed.
    println!("cargo::rustc-check-cfg=cfg(safehold_postgres_tests)");
    println!("cargo:rerun-if-env-changed=SAFEHOLD_TEST_POSTGRES_URL");
    if std::env::var("SAFEHOLD_TEST_POSTGRES_URL").is_ok_and(|url| !url.is_empty()) {
        println!("cargo:rustc-cfg=safehold_postgres_tests");
    }
    probe_test_suites();
    compress_bundle();
}

/// The browser and e-mail suites need programs outside Cargo (Chromium, Node and the npm
/// packages; aiosmtpd). Without them those tests are compiled as `#[ignore]` with the reason,
/// so the summary counts them as ignored, never as passed. `.ci/run` installs everything first.
#[allow(clippy::disallowed_macros)]
fn probe_test_suites() {
    println!("cargo::rustc-check-cfg=cfg(safehold_browser_tests)");
    println!("cargo::rustc-check-cfg=cfg(safehold_smtp_tests)");
    // Only paths that exist: a missing one would rerun this script on every build.
    for path in [
        "web/package-lock.json",
        "web/node_modules/.package-lock.json",
        "/usr/bin/chromium",
    ] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    let runs = |program: &str, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if std::path::Path::new("/usr/bin/chromium").exists()
        && std::path::Path::new("web/node_modules/playwright-core").exists()
        && runs("node", &["--version"])
    {
        println!("cargo:rustc-cfg=safehold_browser_tests");
    }
    if runs("python3", &["-c", "import aiosmtpd"]) {
        println!("cargo:rustc-cfg=safehold_smtp_tests");
    }
}

/// Writes `$OUT_DIR/safehold-bundle.js.gz` and `.br`: the highest settings of each, since this
/// runs once per build and every phone on a slow link gains from it.
fn compress_bundle() {
    use std::io::Write;

    let bundle = std::fs::read("static/safehold-bundle.js").expect("static/safehold-bundle.js");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));

    // mtime 0 and no file name: the same bundle gives the same bytes.
    let mut gzip = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    gzip.write_all(&bundle).expect("gzip");
    let gzip = gzip.finish().expect("gzip");
    std::fs::write(out.join("safehold-bundle.js.gz"), gzip).expect("write the gzip bundle");

    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        mode: brotli::enc::backward_references::BrotliEncoderMode::BROTLI_MODE_TEXT,
        size_hint: bundle.len(),
        ..Default::default()
    };
    let mut brotli = Vec::new();
    brotli::BrotliCompress(&mut bundle.as_slice(), &mut brotli, &params).expect("brotli");
    std::fs::write(out.join("safehold-bundle.js.br"), brotli).expect("write the Brotli bundle");
}
