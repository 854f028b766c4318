//! Where the agent's socket lives, and who may be at either end of it.

use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// `SAFEHOLD_AGENT_SOCK` if set, else `$XDG_RUNTIME_DIR/safehold-agent/agent.sock` (memory,
/// the user's own), else `safehold-agent-<uid>/agent.sock` in the temporary directory.
pub fn socket_path() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("SAFEHOLD_AGENT_SOCK").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let dir = std::env::var_os("XDG_RUNTIME_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
        .map(|d| d.join("safehold-agent"))
        .unwrap_or_else(|| std::env::temp_dir().join(format!("safehold-agent-{}", my_uid())));
    Ok(dir.join("agent.sock"))
}

/// This process's real user id.
pub fn my_uid() -> u32 {
    rustix::process::getuid().as_raw()
}

/// Creates `dir` (0700) if needed, and checks that it is a real directory (not a symlink)
/// owned by this user that nobody else can enter: in a shared temporary directory, someone
/// else could have made it first.
pub fn private_dir(dir: &Path) -> anyhow::Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", dir.display())),
    }
    check_private(dir)
}

/// `dir` is a directory of this user's that no one else can enter.
pub fn check_private(dir: &Path) -> anyhow::Result<()> {
    let meta =
        std::fs::symlink_metadata(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    if !meta.is_dir() || meta.uid() != my_uid() || meta.permissions().mode() & 0o077 != 0 {
        bail!(
            "{} is not a directory private to you (owner {}, mode {:o}); remove it, or set SAFEHOLD_AGENT_SOCK to a socket in one",
            dir.display(),
            meta.uid(),
            meta.permissions().mode() & 0o7777
        );
    }
    Ok(())
}

/// The user id of the process at the other end of `stream` (`SO_PEERCRED`).
pub fn peer_uid(stream: &UnixStream) -> anyhow::Result<u32> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let credentials = rustix::net::sockopt::socket_peercred(stream)
            .context("cannot tell who is at the other end of the agent's socket")?;
        Ok(credentials.uid.as_raw())
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = stream;
        bail!("the agent needs Linux, which says who is at the other end of a socket")
    }
}
