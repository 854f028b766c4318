//! A reply is shown and confirmed before it goes: at a terminal (a real pseudo-terminal, from
//! `script`) the caseworker writes it in their editor, reads it back and answers; with no
//! terminal to ask on, as in a script, only `--yes` sends it.

use crate::common::{Backend, FormReport, TestServer, demo_identity_file, run_with_input, wrapped};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_is_shown_and_sent_only_once_confirmed() {
    let server = TestServer::start(Backend::Sqlite).await;
    let id = server.submit_form(&FormReport::simple("first")).await.id;
    assert!(server.cli("caseworker/amina", &["case", "login"]).0);
    let amina = demo_identity_file("amina");
    let reply = |args: &[&str]| {
        let mut all = vec!["case", "reply", id.as_str()];
        all.extend_from_slice(args);
        server.cli_command("caseworker/amina", &amina, &all)
    };
    let stored = || async { server.store.messages(&id).await.unwrap().len() };

    // Piped in with no terminal to confirm on (setsid: no controlling terminal): refused.
    let (ok, out, err) = run_with_input(
        &mut wrapped(&["setsid", "-w"], &reply(&[])),
        "We will call you.",
    );
    assert!(!ok, "{out}{err}");
    assert!(
        err.contains("nothing was sent") && err.contains("--yes"),
        "{err}"
    );
    assert_eq!(stored().await, 0);

    // At a terminal: written in $EDITOR, shown, and sent only on "y".
    let editor = server.cli_home().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'Please call us back on Monday.\\n' > \"$1\"\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let at_terminal = |answer: &str| {
        let mut command = reply(&[]);
        command.env("EDITOR", &editor).env_remove("VISUAL");
        run_with_input(
            &mut wrapped(&["script", "-q", "-e", "-c"], &command),
            answer,
        )
    };
    let (ok, out, err) = at_terminal("n\n");
    assert!(!ok, "{out}{err}");
    assert!(out.contains("  Please call us back on Monday."), "{out}");
    assert!(out.contains("Send it? [y/N]"), "{out}");
    assert!(out.contains("nothing was sent"), "{out}");
    assert_eq!(stored().await, 0);
    let (ok, out, err) = at_terminal("y\n");
    assert!(ok, "{out}{err}");
    assert!(out.contains("Reply 1 sent"), "{out}");
    assert_eq!(stored().await, 1);

    // --yes: sent as it is, for scripts.
    let (ok, out, err) = run_with_input(&mut reply(&["--yes"]), "Second.");
    assert!(ok, "{out}{err}");
    assert_eq!(stored().await, 2);
    server.stop().await;
}
