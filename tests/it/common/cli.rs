//! The real `safehold` binary against a [`TestServer`]: the staff CLI as a demo caseworker or
//! rapporteur, and `safehold admin` on the server's database.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::demo_identity_file;
use super::server::TestServer;

/// What a run of the binary gave: (exit status was success, stdout, stderr).
pub type CliOutput = (bool, String, String);

/// The `safehold` binary this test build made.
pub fn safehold_command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_safehold"))
}

/// Runs `command` to the end.
pub fn run(command: &mut Command) -> CliOutput {
    let output = command.output().expect("run safehold");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs `command` to the end with `input` on its standard input.
pub fn run_with_input(command: &mut Command, input: &str) -> CliOutput {
    use std::io::Write;
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run safehold");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().expect("run safehold");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `command` run by `wrapper` (`setsid -w`: no terminal to ask on; `script -q -e -c`: a real
/// pseudo-terminal), with the same environment and folder; for `script`, the command line is
/// passed as one string for `sh -c`.
pub fn wrapped(wrapper: &[&str], command: &Command) -> Command {
    let as_shell_text = wrapper[0] == "script";
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
    let mut outer = Command::new(wrapper[0]);
    outer.args(&wrapper[1..]);
    if as_shell_text {
        let line: Vec<String> = words
            .iter()
            .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
            .collect();
        outer.arg(line.join(" ")).arg("/dev/null");
    } else {
        outer.args(&words);
    }
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => outer.env(key, value),
            None => outer.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        outer.current_dir(dir);
    }
    outer
}

impl TestServer {
    /// `safehold stats ARGS` against the server's database, keys and policy.
    pub fn stats_command(&self, args: &[&str]) -> Command {
        self.operator_command("stats", args)
    }

    /// `safehold SUBCOMMAND ARGS` as the operator runs it on the server's machine: with the
    /// server's database, keys and policy.
    fn operator_command(&self, subcommand: &str, args: &[&str]) -> Command {
        let mut command = safehold_command();
        command
            .arg(subcommand)
            .args(args)
            .args(["--database-url", &self.config.database_url])
            .arg("--keys")
            .arg(&self.config.keys)
            .arg("--policy")
            .arg(&self.config.policy)
            .arg("--demo");
        command
    }

    /// The staff machine's home for the CLI runs of this test (its cache keeps the sessions,
    /// its state the audit head seen);
    /// also the CLI's working directory.
    pub fn cli_home(&self) -> PathBuf {
        let home = self.dir.path().join("cli-home");
        std::fs::create_dir_all(&home).unwrap();
        home
    }

    /// `safehold ARGS --server URL --as WHO --identity FILE` in [`TestServer::cli_home`].
    pub fn cli_command(&self, who: &str, identity: &Path, args: &[&str]) -> Command {
        self.cli_command_at(&self.url, who, identity, args)
    }

    /// [`TestServer::cli_command`] with another server URL (a proxy in front of this one).
    pub fn cli_command_at(&self, url: &str, who: &str, identity: &Path, args: &[&str]) -> Command {
        let mut command = safehold_command();
        command
            .args(args)
            .args(["--server", url, "--as", who])
            .arg("--identity")
            .arg(identity);
        self.on_staff_machine(&mut command);
        command
    }

    /// Runs `command` on this test's staff machine: its home, cache, config, state and
    /// runtime folder (where `safehold agent` puts its socket), never the developer's.
    pub fn on_staff_machine(&self, command: &mut Command) {
        let home = self.cli_home();
        let runtime = home.join("run");
        std::fs::create_dir_all(&runtime).unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        command
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_RUNTIME_DIR", runtime)
            .env_remove("SAFEHOLD_AGENT_SOCK")
            .env_remove("SAFEHOLD_IDENTITY_PASSPHRASE")
            .current_dir(&home);
    }

    /// `safehold ARGS` on this test's staff machine (its home, cache, config and state), with
    /// no identity: `submit`, `keyring`.
    pub fn cli_anonymous(&self, args: &[&str]) -> CliOutput {
        let mut command = safehold_command();
        command.args(args);
        self.on_staff_machine(&mut command);
        run(&mut command)
    }

    /// Runs the staff CLI as `who` (`caseworker/amina`, `rapporteur/sr-defenders`, …) with the
    /// demo identity of that name.
    pub fn cli(&self, who: &str, args: &[&str]) -> CliOutput {
        let name = who.rsplit('/').next().unwrap();
        run(&mut self.cli_command(who, &demo_identity_file(name), args))
    }

    /// Runs the staff CLI as `who` with its demo identity, against `url` instead of the server.
    pub fn cli_via(&self, url: &str, who: &str, args: &[&str]) -> CliOutput {
        let name = who.rsplit('/').next().unwrap();
        run(&mut self.cli_command_at(url, who, &demo_identity_file(name), args))
    }

    /// `case escalate --yes ID --to TO [EXTRA] --json` as `who`, which must succeed; the new
    /// package's id.
    pub fn escalate(&self, who: &str, id: &str, to: &str, extra: &[&str]) -> String {
        let mut args = vec!["case", "escalate", "--yes", id, "--to", to];
        args.extend_from_slice(extra);
        args.push("--json");
        let (ok, out, err) = self.cli(who, &args);
        assert!(ok, "{out}{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Like [`TestServer::cli`], with `input` on standard input (a reply's text).
    pub fn cli_with_input(&self, who: &str, args: &[&str], input: &str) -> CliOutput {
        let name = who.rsplit('/').next().unwrap();
        let mut command = self.cli_command(who, &demo_identity_file(name), args);
        run_with_input(&mut command, input)
    }

    /// `safehold admin ARGS` with the server's database, keys and policy.
    pub fn admin_command(&self, args: &[&str]) -> Command {
        self.operator_command("admin", args)
    }

    /// Runs `safehold admin ARGS` against the server's database, keys and policy.
    pub fn admin(&self, args: &[&str]) -> CliOutput {
        run(&mut self.admin_command(args))
    }
}
