//! Every file of a case's thread reaches whoever should read it: files a reporter adds later
//! (follow-ups from the receipt page) are listed and saved by `case show` and travel in
//! escalation packages unless `attachments` is redacted; the rapporteur sees each file's name,
//! made safe, and saves them; a caseworker's reply carries files to the reporter; and the
//! command `inbox pull` prints to open a package works from any folder. All through the real
//! binary against a real server.

use std::path::Path;

use serde_json::Value;

use crate::common::{
    Attachment, Backend, Codephrase, FormReport, Message, ReceiptKeys, TestServer, code_args,
    demo_identity_file, marker, open_as, run, seal,
};

/// A name a hostile reporter gives a file: a path out of the folder, a hidden file, a
/// clipboard write and a right-to-left override.
const HOSTILE_NAME: &str = "../../.bashrc\x1b]52;c;ZXZpbA==\x07\u{202e}gpj.exe";

/// The files in `dir`, by name, with their bytes.
fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn assert_inert(output: &str) {
    assert!(
        !output.contains('\x1b') && !output.contains('\u{202e}') && !output.contains('\x07'),
        "a control character reached the terminal: {output:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_a_reporter_adds_later_reach_the_caseworker_the_package_and_the_rapporteur() {
    let server = TestServer::start(Backend::Sqlite).await;
    let canary = marker("files");
    // Special procedures, with consent to share with them: bruno's route, and sr-defenders.
    let mut report = FormReport::simple(&canary)
        .with_mechanism("special_procedures")
        .with_mechanism_consent();
    report.attachments = vec![("statement.pdf".to_owned(), b"report file".to_vec())];
    let submitted = server.submit_form(&report).await;
    let id = submitted.id;

    // Later, from the receipt page without JavaScript: a follow-up with a file; then one
    // whose file name is hostile, byte for byte as a reporter could send it.
    let (status, page) = server
        .send_followup_form(
            &submitted.codephrase,
            "The summons came today.",
            &[("summons.txt", b"follow-up file")],
        )
        .await;
    assert_eq!(status, 201, "{page}");
    let hostile = Attachment::new(
        HOSTILE_NAME,
        "image/jpeg\x1b[2K",
        b"hostile file".to_vec(),
        false,
    );
    server
        .add_followup(&id, &Message::followup("en", "And this.", vec![hostile]))
        .await;

    // The caseworker sees every file of the thread and saves them all, under safe names.
    let bruno = |args: &[&str]| server.cli("caseworker/bruno", args);
    assert!(bruno(&["case", "login"]).0);
    let saved = server.cli_home().join("case-files");
    let (ok, out, err) = bruno(&[
        "case",
        "show",
        &id,
        "--save-attachments",
        saved.to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("summons.txt"), "{out}");
    assert!(out.contains("Attachments of #1: 1"), "{out}");
    assert_inert(&out);
    assert_inert(&err);
    let files = files_in(&saved);
    assert_eq!(files.len(), 3, "{files:?}");
    assert_eq!(
        files[0],
        ("01-statement.pdf".to_owned(), b"report file".to_vec())
    );
    assert_eq!(
        files[1],
        ("msg1-01-summons.txt".to_owned(), b"follow-up file".to_vec())
    );
    let (name, bytes) = &files[2];
    assert!(
        name.starts_with("msg2-01-") && !name.contains('/'),
        "{name}"
    );
    assert!(
        !name.contains('\x1b') && !name.contains('\u{202e}'),
        "{name}"
    );
    assert_eq!(bytes, b"hostile file");
    assert!(!server.cli_home().join(".bashrc").exists());

    // Packages carry them, unless attachments are redacted.
    let (ok, out, err) = bruno(&code_args(&id, &[]));
    assert!(ok, "{out}{err}");
    let whole = server.escalate(
        "caseworker/bruno",
        &id,
        "sr-defenders",
        &["--no-ohchr-copy"],
    );
    let redacted = server.escalate(
        "caseworker/bruno",
        &id,
        "sr-defenders",
        &["--no-ohchr-copy", "--redact", "attachments"],
    );

    // The rapporteur sees each file's name (inert), where it came from and the name it is
    // saved under, and how to save them.
    let rapporteur = |args: &[&str]| server.cli("rapporteur/sr-defenders", args);
    assert!(rapporteur(&["inbox", "login"]).0);
    let (ok, out, err) = rapporteur(&["inbox", "pull", &whole, "--show"]);
    assert!(ok, "{out}{err}");
    assert_inert(&out);
    assert!(out.contains("Files in this package: 3"), "{out}");
    assert!(
        out.contains("summons.txt  (application/octet-stream, 14 bytes, with the message #1; saved as msg1-01-summons.txt)"),
        "{out}"
    );
    assert!(
        out.contains("with the report; saved as 01-statement.pdf"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "safehold inbox pull {whole} --show --save-attachments DIR"
        )),
        "{out}"
    );
    let unpacked = server.cli_home().join("package-files");
    let (ok, out, err) = rapporteur(&[
        "inbox",
        "pull",
        &whole,
        "--show",
        "--save-attachments",
        unpacked.to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    assert_eq!(files_in(&unpacked), files);
    let (ok, out, err) = rapporteur(&["inbox", "pull", &whole, "--show", "--json"]);
    assert!(ok, "{err}");
    let package: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        package["thread"][0]["attachments"][0]["name"],
        "summons.txt"
    );
    let (ok, out, err) = rapporteur(&["inbox", "pull", &redacted, "--show", "--json"]);
    assert!(ok, "{err}");
    let package: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(package["attachments"], serde_json::json!([]));
    for entry in package["thread"].as_array().unwrap() {
        assert!(entry.get("attachments").is_none(), "{entry}");
    }

    // The command printed to open a saved package names the identity and the file by
    // absolute paths (quoted), so it works in the folder the package was saved in.
    let home = server.cli_home();
    std::fs::create_dir_all(home.join("ids")).unwrap();
    std::fs::copy(
        demo_identity_file("sr-defenders"),
        home.join("ids/sr.age-identity"),
    )
    .unwrap();
    let (ok, out, err) = run(&mut server.cli_command(
        "rapporteur/sr-defenders",
        Path::new("ids/sr.age-identity"),
        &["inbox", "pull", &whole, "--output", "saved/package one.age"],
    ));
    assert!(ok, "{out}{err}");
    let command = out
        .lines()
        .skip_while(|l| !l.ends_with("Open it with:"))
        .nth(1)
        .expect("the command to open it")
        .trim()
        .to_owned();
    let identity = home.join("ids/sr.age-identity");
    assert!(
        command.starts_with(&format!("age -d -i {} ", identity.display())),
        "{command}"
    );
    assert!(command.ends_with("/saved/package one.age'"), "{command}");
    if std::process::Command::new("age")
        .arg("--version")
        .output()
        .is_ok()
    {
        let opened = std::process::Command::new("sh")
            .arg("-c")
            .arg(&command)
            .current_dir(home.join("saved"))
            .output()
            .unwrap();
        assert!(
            opened.status.success(),
            "{}",
            String::from_utf8_lossy(&opened.stderr)
        );
        assert!(String::from_utf8_lossy(&opened.stdout).contains(&canary));
    } else {
        eprintln!("NOTICE: the age CLI is not installed: the printed command was not run");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_carries_files_to_the_reporter() {
    let server = TestServer::start(Backend::Sqlite).await;
    let submitted = server
        .submit_form(&FormReport::simple("They took my passport."))
        .await;
    let id = submitted.id;
    let amina = |args: &[&str]| server.cli("caseworker/amina", args);
    assert!(amina(&["case", "login"]).0);
    let form = server.cli_home().join("relocation form.pdf");
    std::fs::write(&form, b"%PDF relocation form").unwrap();
    let (ok, out, err) = server.cli_with_input(
        "caseworker/amina",
        &[
            "case",
            "reply",
            &id,
            "--yes",
            "--attach",
            form.to_str().unwrap(),
        ],
        "Please fill in the attached form.",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("with 1 attachment(s)"), "{out}");

    // The reply opens with the reporter's own keys, file included.
    let codephrase = Codephrase::parse(&submitted.codephrase).unwrap();
    let keys = ReceiptKeys::derive(&codephrase).unwrap();
    let stored = server.store.messages(&id).await.unwrap();
    let plaintext = seal::decrypt(
        &stored[0].ciphertext,
        &[keys.identity() as &dyn age::Identity],
    )
    .unwrap();
    let reply = Message::from_plaintext(&plaintext, "safehold.reply.v1").unwrap();
    assert_eq!(reply.attachments.len(), 1);
    assert_eq!(reply.attachments[0].name, "relocation form.pdf");
    assert_eq!(reply.attachments[0].data, b"%PDF relocation form");
    // The route's caseworkers see it in the thread too.
    assert!(open_as(&stored[0].ciphertext, "amina").is_some());
    let (ok, out, err) = amina(&["case", "show", &id]);
    assert!(ok, "{err}");
    assert!(out.contains("relocation form.pdf"), "{out}");

    // The receipt page without JavaScript hands the file over itself: a link that saves it.
    let (status, page, _) = server.receipt_lookup(&submitted.codephrase).await;
    assert_eq!(status, 200);
    let link = r#"<a download="relocation form.pdf" href="data:application/octet-stream;base64,"#;
    let at = page
        .find(link)
        .unwrap_or_else(|| panic!("no download link: {page}"));
    let data = &page[at + link.len()..];
    let data = &data[..data.find('"').unwrap()];
    use base64::Engine;
    let saved = base64::engine::general_purpose::STANDARD
        .decode(
            data.replace("&#43;", "+")
                .replace("&#x2B;", "+")
                .replace("&#61;", "=")
                .replace("&#x3D;", "=")
                .replace("&#47;", "/")
                .replace("&#x2F;", "/"),
        )
        .unwrap();
    assert_eq!(saved, b"%PDF relocation form");

    // A file that cannot be read stops the reply before anything is sent.
    let (ok, _, err) = server.cli_with_input(
        "caseworker/amina",
        &[
            "case",
            "reply",
            &id,
            "--yes",
            "--attach",
            "no-such-file.pdf",
        ],
        "Second reply.",
    );
    assert!(!ok && err.contains("no-such-file.pdf"), "{err}");
    assert_eq!(server.store.messages(&id).await.unwrap().len(), 1);
    server.stop().await;
}
