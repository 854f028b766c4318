//! Staff sessions: bound to the key that answered the login challenge, ended at once when the
//! keys reload (SIGHUP, or a change on disk) without that key, and revoked on the server by
//! `safehold case logout`. The real server process and the real CLI binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{
    Backend, TestServer, demo_identity_file, fresh_database, on_both_backends, repo, run,
};
use crate::process::{ServerProcess, SpawnOptions};

/// A copy of the demo keys (public keys only) that the test may change.
fn copy_demo_keys(to: &Path) {
    for role in ["caseworkers", "rapporteurs"] {
        std::fs::create_dir_all(to.join(role)).unwrap();
        for entry in std::fs::read_dir(repo().join("keys/DEMO").join(role)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, to.join(role).join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// The staff CLI against `url` as `who` with the demo identity `identity`, on the machine
/// `machine` (its own session cache and audit head under `dir`).
fn staff(
    dir: &Path,
    url: &str,
    machine: &str,
    who: &str,
    identity: &str,
    args: &[&str],
) -> (bool, String, String) {
    let home = dir.join(format!("machine-{machine}"));
    std::fs::create_dir_all(&home).unwrap();
    run(Command::new(env!("CARGO_BIN_EXE_safehold"))
        .args(args)
        .args(["--server", url, "--as", who])
        .arg("--identity")
        .arg(demo_identity_file(identity))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .current_dir(&home))
}

/// Waits until the server's log holds `needle` `count` times.
fn wait_for_log(log: &Path, needle: &str, count: usize) {
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if text.matches(needle).count() >= count {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the log never said `{needle}` {count} time(s):\n{text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn assert_session_ended(run: &(bool, String, String)) {
    let (ok, out, err) = run;
    assert!(!ok, "the session must be refused: {out}{err}");
    assert!(
        err.contains("no longer in the server's keyring") && err.contains("log in again"),
        "{err}"
    );
}

async fn reloaded_keys_end_the_sessions_of_removed_or_rotated_keys(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(backend, dir.path()).await;
    let keys = dir.path().join("keys");
    copy_demo_keys(&keys);
    let server_dir = dir.path().join("server");
    std::fs::create_dir_all(&server_dir).unwrap();
    // Only SIGHUP reloads this server: no periodic check.
    let options = SpawnOptions {
        keys: Some(keys.clone()),
        args: vec!["--keys-poll-seconds".into(), "0".into()],
        ..SpawnOptions::default()
    };
    let mut server = ServerProcess::spawn_with(&server_dir, &url, &options);
    let cli = |machine: &str, who: &str, identity: &str, args: &[&str]| {
        staff(dir.path(), &server.url, machine, who, identity, args)
    };
    let amina = |args: &[&str]| cli("amina", "caseworker/amina", "amina", args);
    let laptop = |args: &[&str]| cli("bruno-laptop", "caseworker/bruno", "bruno", args);
    let phone = |args: &[&str]| cli("bruno-phone", "caseworker/bruno", "bruno-phone", args);
    for run in [
        amina(&["case", "login"]),
        amina(&["case", "list"]),
        laptop(&["case", "login"]),
        laptop(&["case", "list"]),
        phone(&["case", "login"]),
        phone(&["case", "list"]),
    ] {
        assert!(run.0, "{}{}", run.1, run.2);
    }

    // Rotate amina's key under the same name, and take bruno's phone out of his file.
    let rotated = age::x25519::Identity::generate().to_public();
    std::fs::write(keys.join("caseworkers/amina.pub"), format!("{rotated}\n")).unwrap();
    let bruno_file = std::fs::read_to_string(keys.join("caseworkers/bruno.pub")).unwrap();
    let laptop_key = bruno_file
        .lines()
        .find(|l| l.starts_with("age1"))
        .unwrap()
        .to_owned();
    std::fs::write(
        keys.join("caseworkers/bruno.pub"),
        format!("{laptop_key}\n"),
    )
    .unwrap();
    // Nothing changes until the server is told.
    assert!(amina(&["case", "list"]).0, "no reload without SIGHUP here");
    server.hangup();
    wait_for_log(&server.stderr, "keyring reloaded: sessions", 1);

    // Sessions are bound to keys, not names: the rotated key's and the phone's end at once,
    // the laptop's goes on.
    assert_session_ended(&amina(&["case", "list"]));
    assert_session_ended(&phone(&["case", "list"]));
    let (ok, out, err) = laptop(&["case", "list"]);
    assert!(ok, "{out}{err}");
    let (ok, _, err) = amina(&["case", "login"]);
    assert!(
        !ok && err.contains("cannot open the server's challenge"),
        "{err}"
    );

    // A keyring that does not load is refused: the old one stays, and the log says why.
    let chen = keys.join("caseworkers/chen.pub");
    let chen_file = std::fs::read_to_string(&chen).unwrap();
    std::fs::write(&chen, "this is not a key\n").unwrap();
    server.hangup();
    wait_for_log(&server.stderr, "keyring NOT reloaded", 1);
    let (ok, out, err) = laptop(&["case", "list"]);
    assert!(ok, "{out}{err}");
    assert_session_ended(&amina(&["case", "list"]));
    std::fs::write(&chen, &chen_file).unwrap();
    server.terminate();

    // With the periodic check on, a change on disk is enough.
    let options = SpawnOptions {
        keys: Some(keys.clone()),
        args: vec!["--keys-poll-seconds".into(), "1".into()],
        ..SpawnOptions::default()
    };
    let server = ServerProcess::spawn_with(&server_dir, &url, &options);
    let laptop = |args: &[&str]| {
        staff(
            dir.path(),
            &server.url,
            "bruno-laptop",
            "caseworker/bruno",
            "bruno",
            args,
        )
    };
    // (A new port is a new server URL to the CLI: log in there.)
    for run in [laptop(&["case", "login"]), laptop(&["case", "list"])] {
        assert!(run.0, "{}{}", run.1, run.2);
    }
    // Removing the only caseworker of a route is refused: its reports could not be read.
    std::fs::remove_file(&chen).unwrap();
    wait_for_log(&server.stderr, "keyring NOT reloaded", 1);
    let log = std::fs::read_to_string(&server.stderr).unwrap();
    assert!(
        log.contains("no caseworker of route(s) treaty-bodies"),
        "{log}"
    );
    assert!(!log.contains("keyring reloaded: sessions"), "{log}");
    std::fs::write(&chen, &chen_file).unwrap();
    // Removing bruno's file ends his last session.
    std::fs::remove_file(keys.join("caseworkers/bruno.pub")).unwrap();
    wait_for_log(&server.stderr, "keyring reloaded: sessions", 1);
    assert_session_ended(&laptop(&["case", "list"]));
}
on_both_backends!(reloaded_keys_end_the_sessions_of_removed_or_rotated_keys);

/// The session token file the CLI keeps on `server`'s default staff machine.
fn session_file(server: &TestServer) -> PathBuf {
    let dir = server.cli_home().join("cache/safehold");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("session-")
        })
        .expect("a session file")
}

async fn logout_revokes_the_session_on_the_server(backend: Backend) {
    let server = TestServer::start(backend).await;
    let amina = |args: &[&str]| server.cli("caseworker/amina", args);
    let (ok, out, err) = amina(&["case", "login"]);
    assert!(ok, "{out}{err}");
    let file = session_file(&server);
    let token = std::fs::read_to_string(&file).unwrap();
    let (status, _) = server.get_as("/api/v1/cases", token.trim()).await;
    assert_eq!(status, 200);

    let (ok, out, err) = amina(&["case", "logout"]);
    assert!(ok && out.contains("Logged out"), "{out}{err}");
    assert!(!file.exists(), "the token is deleted here");
    // The server refuses the token itself, not only this machine.
    let (status, body) = server.get_as("/api/v1/cases", token.trim()).await;
    assert_eq!(status, 401, "{body}");
    let log = server.store.audit_log().await.unwrap();
    let last = log.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.action.as_str()),
        ("caseworker/amina", "logout")
    );
    let (ok, _, err) = amina(&["case", "list"]);
    assert!(!ok && err.contains("not logged in"), "{err}");
    let (ok, out, err) = amina(&["case", "logout"]);
    assert!(ok && out.contains("No session to end"), "{out}{err}");
    server.stop().await;
}
on_both_backends!(logout_revokes_the_session_on_the_server);
