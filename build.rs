// Migrations are embedded with `sqlx::migrate!`; rebuild when they change.
// Cargo reads its instructions from this script's standard output.
#[allow(clippy::disallowed_macros)]
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=templates");
}
