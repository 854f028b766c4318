// Migrations are embedded with `sqlx::migrate!`; rebuild when they change.
// Cargo reads its instructions from this script's standard output.
#[allow(clippy::disallowed_macros)]
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=templates");
    // The PostgreSQL half of each storage test runs only against a server named here; without
    // one it is compiled as `#[ignore]`, so the summary counts it as ignored, never as passed.
    println!("cargo::rustc-check-cfg=cfg(safehold_postgres_tests)");
    println!("cargo:rerun-if-env-changed=SAFEHOLD_TEST_POSTGRES_URL");
    if std::env::var("SAFEHOLD_TEST_POSTGRES_URL").is_ok_and(|url| !url.is_empty()) {
        println!("cargo:rustc-cfg=safehold_postgres_tests");
    }
}
