//! Unit tests of the keyring: loading, problems and DEMO-key detection (the fingerprint's are
//! in `published.rs`).

use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::x25519::Recipient;

use super::demo::{DEMO_PUB_FILES, DEMO_RECIPIENTS};
use super::folder::{is_valid_name, sorted_entries};
use super::*;

fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn recipient(s: &str) -> Recipient {
    match Recipient::from_str(s) {
        Ok(r) => r,
        Err(e) => panic!("test recipient {s}: {e}"),
    }
}

const AMINA: &str = "age1q7k65ntkkg2e68lhvq0pn8fja7zv70gwdv9dq5rqrcuamnwaje5qk4myp8";
const BRUNO_LAPTOP: &str = "age1d9t6v4wz5j64x8yzvnag5yx2236zqanh35f2a8zsfprzxqfa2gqqtn9vac";
const BRUNO_PHONE: &str = "age1ulygr3q2fr3a0kca7lumsyl79shh5jvmedtsq04730h2rr0duc9qpefsxk";
const CHEN: &str = "age16rgz8hr2ykwmwzyq8esufde4nu5m9wanxszysg6k0cc90flvxv2q44m6fq";
/// Not a demo key (generated once with age-keygen, private half discarded).
const OTHER: &str = "age1wr3ntkr2hkgphntgkk4n44aeyyqpha3gkmz8pr0gvl74ssc3uvjqsxdhgf";

#[test]
fn role_order_matches_role_strings() {
    let mut by_str = Role::ALL;
    by_str.sort_by_key(|r| r.as_str());
    assert_eq!(by_str, Role::ALL);
    assert!(Role::ALL.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn loads_the_demo_key_set() {
    let keyring = match Keyring::load(&repo_path("keys/DEMO")) {
        Ok(k) => k,
        Err(e) => panic!("{e}"),
    };
    let names: Vec<String> = keyring
        .people()
        .map(|p| format!("{}/{}", p.role, p.name))
        .collect();
    assert_eq!(
        names,
        [
            "caseworker/amina",
            "caseworker/bruno",
            "caseworker/chen",
            "rapporteur/cat-reprisals",
            "rapporteur/sr-defenders"
        ]
    );
    let bruno = keyring.person(Role::Caseworker, "bruno");
    assert_eq!(
        bruno.map(|p| p.recipients.clone()),
        Some(vec![recipient(BRUNO_LAPTOP), recipient(BRUNO_PHONE)])
    );
    assert!(keyring.person(Role::Rapporteur, "bruno").is_none());
    assert!(keyring.demo_recipients_present());
}

#[test]
fn demo_detection_sees_any_demo_key_and_an_empty_keyring_has_none() {
    let people = vec![
        Person {
            name: "amina".into(),
            role: Role::Caseworker,
            recipients: vec![recipient(BRUNO_PHONE), recipient(BRUNO_LAPTOP)],
        },
        Person {
            name: "zed".into(),
            role: Role::Admin,
            recipients: vec![recipient(OTHER)],
        },
    ];
    let keyring = match Keyring::from_people(people) {
        Ok(k) => k,
        Err(e) => panic!("{e}"),
    };
    assert!(keyring.demo_recipients_present());
    let empty = match Keyring::from_people(vec![]) {
        Ok(k) => k,
        Err(e) => panic!("{e}"),
    };
    assert!(!empty.demo_recipients_present());
}

#[test]
fn embedded_demo_list_covers_every_demo_pub_file() {
    let mut files = 0;
    for role in ["caseworkers", "rapporteurs"] {
        let dir = repo_path(&format!("keys/DEMO/{role}"));
        let entries = match sorted_entries(&dir) {
            Ok(e) => e,
            Err(e) => panic!("{}: {e}", dir.display()),
        };
        for (name, path) in entries {
            if !name.ends_with(".pub") {
                continue;
            }
            files += 1;
            let text = fs::read_to_string(&path).unwrap_or_default();
            assert!(text.starts_with(
                "# DEMO KEY — public in the Safehold repository. Never use for real reports."
            ));
            assert!(
                DEMO_PUB_FILES.contains(&text.as_str()),
                "{name} not embedded"
            );
        }
    }
    assert_eq!(files, DEMO_PUB_FILES.len());
    assert_eq!(DEMO_RECIPIENTS.len(), 6);
}

#[test]
fn production_keys_dir_skips_the_demo_set() {
    // The repository's keys/ holds only README.md and DEMO/: an empty, valid keyring.
    let keyring = Keyring::load(&repo_path("keys"));
    assert!(keyring.is_ok_and(|k| k.people().count() == 0 && !k.demo_recipients_present()));
}

#[test]
fn non_demo_keyring_is_not_demo() {
    let keyring = Keyring::from_people(vec![Person {
        name: "x".into(),
        role: Role::Caseworker,
        recipients: vec![recipient(OTHER)],
    }]);
    assert!(keyring.is_ok_and(|k| !k.demo_recipients_present()));
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    if let Some(parent) = path.parent()
        && let Err(e) = fs::create_dir_all(parent)
    {
        panic!("{e}");
    }
    if let Err(e) = fs::write(&path, text) {
        panic!("{e}");
    }
}

fn load_err(root: &Path) -> String {
    match Keyring::load(root) {
        Ok(_) => panic!("expected the keyring to be refused"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn accepts_comments_blank_lines_and_ignored_files() {
    let Ok(dir) = tempfile::tempdir() else {
        panic!("tempdir")
    };
    let root = dir.path();
    write(
        root,
        "caseworkers/x.pub",
        &format!("\u{feff}# whole-line comment\n\n  {OTHER}   # laptop\r\n"),
    );
    write(root, "caseworkers/README.md", "notes");
    write(root, "caseworkers/.gitkeep", "");
    write(root, "README", "notes");
    write(root, "DEMO/whatever.txt", "ignored");
    let keyring = match Keyring::load(root) {
        Ok(k) => k,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(keyring.people().count(), 1);
    assert!(!keyring.demo_recipients_present());
}

#[test]
fn bad_key_files_are_reported_with_file_line_and_reason() {
    // (relative file, contents, expected line or 0 for the whole file, expected text)
    let cases: &[(&str, String, usize, &str)] = &[
        (
            "caseworkers/a.pub",
            "# header\nAGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n"
                .into(),
            2,
            "PRIVATE key (AGE-SECRET-KEY-1…): remove it from the server now and rotate it",
        ),
        (
            "caseworkers/b.pub",
            format!("{OTHER} # AGE-SECRET-KEY-1abc pasted in a comment\n"),
            1,
            "PRIVATE key",
        ),
        (
            "caseworkers/c.pub",
            "age1pq1qqqqqqqqqqqqqqqqqqqqqqqqqq\n".into(),
            1,
            "age 0.12 cannot decrypt these, so the server cannot serve them",
        ),
        (
            "caseworkers/d.pub",
            "age1tag1qqqqqqqqqqqqqqqqqqqqqq\n".into(),
            1,
            "plugin recipient (age1tag1…): not supported yet",
        ),
        (
            "caseworkers/e.pub",
            "age1yubikey1qqqqqqqqqqqqqqqqqqqqqq\n".into(),
            1,
            "plugin recipient (age1yubikey1…): not supported yet",
        ),
        (
            "caseworkers/f.pub",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsK user@host\n".into(),
            1,
            "SSH public key: not supported",
        ),
        (
            "caseworkers/g.pub",
            "-----BEGIN OPENSSH PRIVATE KEY-----\n".into(),
            1,
            "PRIVATE key (PEM/OpenSSH)",
        ),
        (
            "caseworkers/h.pub",
            "AGE-PLUGIN-YUBIKEY-1QQQQQQ\n".into(),
            1,
            "PRIVATE plugin identity",
        ),
        (
            "caseworkers/i.pub",
            format!("{}x\n", &OTHER[..OTHER.len() - 1]),
            1,
            "not a valid age X25519 recipient",
        ),
        (
            "caseworkers/j.pub",
            format!("{OTHER} {OTHER}\n"),
            1,
            "one recipient per line",
        ),
        ("caseworkers/k.pub", "hello\n".into(), 1, "not an age recipient"),
        (
            "caseworkers/l.pub",
            "# only a comment\n\n".into(),
            0,
            "no recipient in this file",
        ),
        (
            "caseworkers/Bad Name.pub",
            format!("{CHEN}\n"),
            0,
            "`Bad Name` is not a valid person name",
        ),
        ("caseworkers/m.txt", format!("{AMINA}\n"), 0, "not a .pub file"),
        ("caseworkers/sub/n.pub", format!("{AMINA}\n"), 0, "subdirectory"),
        ("auditors/o.pub", format!("{AMINA}\n"), 0, "unknown directory"),
        ("stray.pub", format!("{AMINA}\n"), 0, "file outside a role directory"),
        (
            "rapporteurs/p.pub",
            format!("{BRUNO_LAPTOP}\n# second device\n{BRUNO_LAPTOP}\n"),
            3,
            "duplicate recipient: already listed at ",
        ),
        (
            "rapporteurs/q.pub",
            format!("{BRUNO_PHONE}\n"),
            1,
            "duplicate recipient",
        ),
        ("caseworkers/s.pub", "\u{ff}".into(), 0, "not UTF-8"),
    ];
    for (rel, text, line, expected) in cases {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("tempdir")
        };
        let root = dir.path();
        if *rel == "caseworkers/s.pub" {
            if let Err(e) = fs::create_dir_all(root.join("caseworkers"))
                .and_then(|()| fs::write(root.join(rel), [0xff_u8, 0xfe]))
            {
                panic!("{e}");
            }
        } else {
            write(root, rel, text);
        }
        if rel.starts_with("rapporteurs/q") {
            // Same recipient as a different person: caseworkers/ is read first.
            write(root, "caseworkers/bruno.pub", &format!("{BRUNO_PHONE}\n"));
        }
        let message = load_err(root);
        let file = root.join(rel);
        let located = if *line == 0 {
            format!("{}: ", file.display())
        } else {
            format!("{}:{line}: ", file.display())
        };
        let located = if rel.starts_with("caseworkers/sub/") {
            format!("{}: ", root.join("caseworkers/sub").display())
        } else if rel.starts_with("auditors/") {
            format!("{}: ", root.join("auditors").display())
        } else {
            located
        };
        assert!(
            message
                .lines()
                .any(|l| l.contains(&located) && l.contains(expected)),
            "{rel}: expected `{located}…{expected}` in:\n{message}"
        );
        assert!(
            !message.contains("QQQQQQ") && !message.contains("abc pasted"),
            "{rel}: message repeats the offending text:\n{message}"
        );
    }
}

#[test]
fn all_problems_are_collected() {
    let Ok(dir) = tempfile::tempdir() else {
        panic!("tempdir")
    };
    let root = dir.path();
    write(root, "caseworkers/a.pub", "nonsense\nage1pq1qqqq\n");
    write(root, "rapporteurs/b.pub", "");
    write(root, "identities/amina.age-identity", "x");
    let message = load_err(root);
    assert!(
        message.starts_with("the keyring has 4 problem(s)"),
        "{message}"
    );
    assert!(message.contains("identities: an identities/ directory holds PRIVATE keys"));
}

#[test]
fn same_name_may_share_a_key_across_roles() {
    let Ok(dir) = tempfile::tempdir() else {
        panic!("tempdir")
    };
    let root = dir.path();
    write(root, "admins/x.pub", &format!("{OTHER}\n"));
    write(root, "caseworkers/x.pub", &format!("{OTHER}\n"));
    let keyring = match Keyring::load(root) {
        Ok(k) => k,
        Err(e) => panic!("{e}"),
    };
    assert!(keyring.person(Role::Admin, "x").is_some());
    assert!(keyring.person(Role::Caseworker, "x").is_some());
}

#[test]
fn missing_directory_is_reported() {
    let err = Keyring::load(Path::new("/nonexistent/safehold-keys"));
    assert!(err.is_err_and(|e| {
        e.to_string()
            .starts_with("cannot read the keys directory /nonexistent/safehold-keys")
    }));
}

#[test]
fn from_people_checks_names_duplicates_and_empty() {
    let person = |name: &str, role, recipients: &[&str]| Person {
        name: name.into(),
        role,
        recipients: recipients.iter().map(|r| recipient(r)).collect(),
    };
    let err = Keyring::from_people(vec![
        person("Bad", Role::Caseworker, &[OTHER]),
        person("a", Role::Caseworker, &[AMINA]),
        person("a", Role::Caseworker, &[CHEN]),
        person("b", Role::Rapporteur, &[]),
        person("c", Role::Rapporteur, &[AMINA]),
        person("d", Role::Rapporteur, &[CHEN, CHEN]),
    ]);
    let message = match err {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.to_string(),
    };
    for expected in [
        "caseworker/Bad: `Bad` is not a valid person name",
        "caseworker/a: this person is listed twice",
        "rapporteur/b: no recipient",
        "rapporteur/c: duplicate recipient: already listed at caseworker/a",
        "rapporteur/d: duplicate recipient: already listed at rapporteur/d",
    ] {
        assert!(message.contains(expected), "{expected} not in:\n{message}");
    }
}

#[test]
fn names() {
    for ok in ["a", "0", "sr-defenders", "a.b_c-d", &"a".repeat(64)] {
        assert!(is_valid_name(ok), "{ok}");
    }
    for bad in [
        "",
        "-a",
        ".a",
        "_a",
        "A",
        "a b",
        "é",
        &"a".repeat(65),
        "a/b",
    ] {
        assert!(!is_valid_name(bad), "{bad}");
    }
}
