//! `safehold agent`: a passphrase-protected identity is unlocked once and commands stop
//! asking, for a bounded time; the key stays in the agent process, in a private folder, and
//! only its own user is answered. The real binary, a real server, no terminal (`setsid`), so
//! a command that needed the passphrase fails instead of waiting for it.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{Backend, CliOutput, FormReport, TestServer, demo_identity_file, run};

const PASSPHRASE: &str = "correct horse battery staple";

/// amina's demo identity, protected with [`PASSPHRASE`], as `keygen` writes one.
fn protected_identity(dir: &Path) -> PathBuf {
    let text = std::fs::read(demo_identity_file("amina")).unwrap();
    let encryptor = age::Encryptor::with_user_passphrase(age::secrecy::SecretString::from(
        PASSPHRASE.to_owned(),
    ));
    let mut out = Vec::new();
    let mut writer = encryptor.wrap_output(&mut out).unwrap();
    writer.write_all(&text).unwrap();
    writer.finish().unwrap();
    let path = dir.join("amina-protected.age");
    std::fs::write(&path, out).unwrap();
    path
}

/// `safehold ARGS` as amina with `identity`, on the test's staff machine, with no terminal
/// (a new session): a passphrase prompt fails at once.
fn without_terminal(server: &TestServer, identity: &Path, args: &[&str]) -> CliOutput {
    let inner = server.cli_command("caseworker/amina", identity, args);
    let mut command = Command::new("setsid");
    command
        .arg("-w")
        .arg(inner.get_program())
        .args(inner.get_args());
    server.on_staff_machine(&mut command);
    run(&mut command)
}

/// `safehold agent ARGS` on the test's staff machine, with `env`.
fn agent(server: &TestServer, args: &[&str], env: &[(&str, &str)]) -> CliOutput {
    let mut command = crate::common::safehold_command();
    command.arg("agent").args(args);
    server.on_staff_machine(&mut command);
    command.envs(env.iter().copied());
    run(&mut command)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_unlocks_once_for_a_while_and_only_for_its_user() {
    let server = TestServer::start(Backend::Sqlite).await;
    let id = server
        .submit_form(&FormReport::simple("Unlocked once."))
        .await
        .id;
    let identity = protected_identity(&server.cli_home());
    let identity_arg = identity.to_str().unwrap();
    let _stop = StopAgent({
        let mut stop = crate::common::safehold_command();
        stop.args(["agent", "stop"]);
        server.on_staff_machine(&mut stop);
        stop
    });

    // Without an agent, a protected identity needs its passphrase, and there is no terminal.
    let (ok, _, err) = without_terminal(&server, &identity, &["case", "login"]);
    assert!(!ok && err.contains("passphrase"), "{err}");

    // Unlocked once: the socket sits in a folder only this user can enter.
    let (ok, out, err) = agent(
        &server,
        &["start", "--identity", identity_arg, "--lifetime", "1h"],
        &[("SAFEHOLD_IDENTITY_PASSPHRASE", PASSPHRASE)],
    );
    assert!(ok, "{out}{err}");
    let socket = server.cli_home().join("run/safehold-agent/agent.sock");
    assert!(
        out.contains(&format!("SAFEHOLD_AGENT_SOCK={}", socket.display())),
        "{out}"
    );
    let mode = std::fs::metadata(socket.parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
    let (ok, out, _) = agent(&server, &["status"], &[]);
    assert!(
        ok && out.contains("amina-protected.age") && out.contains("59m"),
        "{out}"
    );
    // A second agent for the same user is refused while one runs.
    let (ok, _, err) = agent(
        &server,
        &["start", "--identity", identity_arg],
        &[("SAFEHOLD_IDENTITY_PASSPHRASE", PASSPHRASE)],
    );
    assert!(!ok && err.contains("already runs"), "{err}");

    // Now commands ask nothing: log in, show the case (the agent opens the challenge and the
    // report, it never hands out the key).
    let (ok, out, err) = without_terminal(&server, &identity, &["case", "login"]);
    assert!(ok, "{out}{err}");
    let started = Instant::now();
    let (ok, out, err) = without_terminal(&server, &identity, &["case", "show", &id]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Unlocked once."), "{out}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "no scrypt per command"
    );
    // Another identity file is not the agent's: that one still asks.
    let other = server.cli_home().join("other.age");
    std::fs::copy(&identity, &other).unwrap();
    let (ok, _, err) = without_terminal(&server, &other, &["case", "show", &id]);
    assert!(!ok && err.contains("passphrase"), "{err}");

    // Another user can neither use this agent nor pass one of theirs off as it.
    if is_root() && Path::new("/usr/bin/setpriv").exists() {
        // As if every folder on the way had been opened to others by mistake.
        let dir = socket.parent().unwrap();
        let opened: Vec<&Path> = dir
            .ancestors()
            .take_while(|d| d.starts_with(server.dir.path()))
            .collect();
        for d in &opened {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o777)).unwrap();
        let as_nobody = |program: &str, args: &[&str]| {
            let output = Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups", program])
                .args(args)
                .env("SAFEHOLD_AGENT_SOCK", &socket)
                .output()
                .unwrap();
            (
                String::from_utf8_lossy(&output.stdout).into_owned(),
                String::from_utf8_lossy(&output.stderr).into_owned(),
            )
        };
        // A command run by someone else refuses an agent that is not theirs.
        let binary = env!("CARGO_BIN_EXE_safehold");
        let (_, err) = as_nobody(binary, &["agent", "status"]);
        assert!(err.contains("belongs to another user"), "{err}");
        // The agent answers nobody else, even on a raw connection.
        if !Path::new("/usr/bin/python3").exists() {
            eprintln!("NOTICE: no /usr/bin/python3: the raw connection was not tried");
        } else {
            let (out, err) = as_nobody(
                "/usr/bin/python3",
                &[
                    "-c",
                    // The agent may refuse and close before the request is written: the
                    // refusal byte is read either way.
                    "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); \
                 exec('try: s.sendall(bytes([2,0,0,0,0]))\\nexcept OSError: pass'); print(s.recv(1)[0])",
                    socket.to_str().unwrap(),
                ],
            );
            assert_eq!(out.trim(), "5", "refused: {out}{err}");
        }
        for d in &opened {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
    } else {
        eprintln!("NOTICE: not root or no setpriv: the other-user checks were not run");
    }

    // Stopped: the key is gone and commands ask again.
    let (ok, out, err) = agent(&server, &["stop"], &[]);
    assert!(ok && out.contains("forgotten"), "{out}{err}");
    assert!(!socket.exists());
    let (ok, _, err) = without_terminal(&server, &identity, &["case", "show", &id]);
    assert!(!ok && err.contains("passphrase"), "{err}");

    // A lifetime ends by itself.
    let (ok, out, err) = agent(
        &server,
        &["start", "--identity", identity_arg, "--lifetime", "2s"],
        &[("SAFEHOLD_IDENTITY_PASSPHRASE", PASSPHRASE)],
    );
    assert!(ok, "{out}{err}");
    let deadline = Instant::now() + Duration::from_secs(15);
    while socket.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(!socket.exists(), "the agent ended with its lifetime");
    let (ok, out, _) = agent(&server, &["status"], &[]);
    assert!(ok && out.contains("No agent runs"), "{out}");

    // A folder someone else could enter is refused, not used.
    std::fs::set_permissions(
        socket.parent().unwrap(),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let (ok, _, err) = agent(
        &server,
        &["start", "--identity", identity_arg],
        &[("SAFEHOLD_IDENTITY_PASSPHRASE", PASSPHRASE)],
    );
    assert!(
        !ok && err.contains("not a directory private to you"),
        "{err}"
    );
    server.stop().await;
}

/// Stops this test's agent however the test ends, so none outlives it.
struct StopAgent(Command);

impl Drop for StopAgent {
    fn drop(&mut self) {
        let _ = self.0.output();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
