//! The command line's own output, pinned: error messages for bad keys, bad policy and bad
//! arguments, and the help of the commands that share flags. Each case in `tests/cmd/` runs
//! the real `safehold` binary in `tests/cmd/fixtures/`; `TRYCMD=overwrite` rewrites the
//! expected output after a deliberate change.

#[test]
fn cli_output_is_pinned() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
