//! The agent process: reads the unlocked identity from its standard input, listens on the
//! socket, decrypts for its own user until its lifetime ends, a suspend, or `stop`; then
//! drops the key (x25519 secrets are zeroized on drop) and removes the socket.

use std::io::Read;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use zeroize::Zeroizing;

use super::clock::Reading;
use super::protocol::{
    self, DECRYPT, OK, REFUSED, STATUS, STOP, failure_code, read_frame, write_frame,
};
use super::socket::{check_private, my_uid, peer_uid};
use crate::crypto::seal;

/// How often the watchdog looks at the clocks.
const TICK: Duration = Duration::from_secs(2);

/// The X25519 identities in an unlocked identity file. Plugin identities (hardware keys)
/// need their device and its prompts for every file, so the agent refuses them.
pub fn x25519_identities(unlocked: &[u8]) -> anyhow::Result<Vec<age::x25519::Identity>> {
    let text = std::str::from_utf8(unlocked).context("the identity file is not text")?;
    let mut identities = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.starts_with("AGE-SECRET-KEY-1") {
            bail!(
                "the agent keeps age X25519 keys only; this identity file holds another kind (a plugin or hardware key asks its device each time anyway)"
            );
        }
        identities.push(
            line.parse::<age::x25519::Identity>()
                .map_err(|e| anyhow::anyhow!("the identity file holds a damaged key: {e}"))?,
        );
    }
    if identities.is_empty() {
        bail!("the identity file holds no key");
    }
    Ok(identities)
}

pub fn serve(socket: &Path, identity_path: &Path, lifetime: Duration) -> anyhow::Result<()> {
    // Nobody else's process (a debugger, a core dump) gets at this memory; best effort.
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
    let _ = rustix::mm::mlockall(
        rustix::mm::MlockAllFlags::CURRENT | rustix::mm::MlockAllFlags::FUTURE,
    );
    let mut unlocked = Zeroizing::new(Vec::new());
    std::io::stdin()
        .read_to_end(&mut unlocked)
        .context("cannot read the key")?;
    let identities = x25519_identities(&unlocked)?;
    drop(unlocked);
    let dir = socket.parent().unwrap_or(Path::new("."));
    check_private(dir)?;
    // A socket left by an agent that ended (start checked that nobody answers on it).
    let _ = std::fs::remove_file(socket);
    let listener = UnixListener::bind(socket)
        .with_context(|| format!("cannot listen on {}", socket.display()))?;
    let started = Reading::now();
    let locked = Arc::new(AtomicBool::new(false));
    watchdog(socket, started, lifetime, Arc::clone(&locked));
    // Tell `agent start` it may go; it then closes our standard output.
    crate::cli::terminal_text::say!("{}", protocol::READY);
    let refs: Vec<&dyn age::Identity> =
        identities.iter().map(|i| i as &dyn age::Identity).collect();
    for stream in listener.incoming() {
        if locked.load(Ordering::SeqCst) {
            break;
        }
        let Ok(mut stream) = stream else { continue };
        // Checked again here: a request may come in before the watchdog's next look.
        let now = Reading::now();
        if started.until(&now) >= lifetime || started.slept_before(&now) {
            break;
        }
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        // Only this user's processes are answered at all.
        if peer_uid(&stream).ok() != Some(my_uid()) {
            let _ = write_frame(&mut stream, REFUSED, b"not your agent");
            continue;
        }
        match answer(&mut stream, &refs, identity_path, started, lifetime) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => continue,
        }
    }
    drop(refs);
    drop(identities);
    let _ = std::fs::remove_file(socket);
    Ok(())
}

/// Answers one request; false when it was `STOP`.
fn answer(
    stream: &mut UnixStream,
    identities: &[&dyn age::Identity],
    identity_path: &Path,
    started: Reading,
    lifetime: Duration,
) -> std::io::Result<bool> {
    let (kind, body) = read_frame(stream)?;
    match kind {
        DECRYPT => match seal::decrypt(&body, identities) {
            Ok(plaintext) => write_frame(stream, OK, &plaintext)?,
            Err(e) => write_frame(stream, failure_code(&e), &[])?,
        },
        STATUS => {
            let left = lifetime.saturating_sub(started.until(&Reading::now()));
            let text = format!("{}\n{}", left.as_secs(), identity_path.display());
            write_frame(stream, OK, text.as_bytes())?;
        }
        STOP => {
            write_frame(stream, OK, &[])?;
            return Ok(false);
        }
        _ => write_frame(stream, REFUSED, b"unknown request")?,
    }
    Ok(true)
}

/// Every [`TICK`], checks the lifetime and for a suspend; when either says lock, marks it
/// and wakes the listener (by connecting to it), which then drops the key.
fn watchdog(socket: &Path, started: Reading, lifetime: Duration, locked: Arc<AtomicBool>) {
    let socket = socket.to_path_buf();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(TICK);
            let now = Reading::now();
            if started.until(&now) >= lifetime || started.slept_before(&now) {
                locked.store(true, Ordering::SeqCst);
                let _ = UnixStream::connect(&socket);
                return;
            }
        }
    });
}
