//! What a command and the agent say over the socket: one request, one answer, then the
//! connection ends. A frame is one byte (what, or how it went), a 4-byte big-endian length
//! and that many bytes.
//!
//! - `DECRYPT` an age file: the answer is its plaintext, or which way it failed (the same
//!   failures `seal::decrypt` tells apart, so "addressed to you but does not open" still
//!   reads as such);
//! - `STATUS`: the identity file the agent holds and the seconds it has left;
//! - `STOP`: the agent forgets the key and ends.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use zeroize::Zeroizing;

use super::socket::{my_uid, peer_uid};
use crate::crypto::seal::SealError;

/// The line the agent prints when it listens.
pub const READY: &str = "safehold-agent-ready";

/// Requests.
pub const DECRYPT: u8 = 1;
pub const STATUS: u8 = 2;
pub const STOP: u8 = 3;

/// Answers.
pub const OK: u8 = 0;
const NOT_A_RECIPIENT: u8 = 1;
const HEADER_REFUSED: u8 = 2;
const PAYLOAD_REFUSED: u8 = 3;
const CORRUPT: u8 = 4;
pub const REFUSED: u8 = 5;

/// The largest frame either side reads: more than any report the server accepts.
pub const MAX_FRAME: usize = 128 << 20;

/// Writes one frame.
pub fn write_frame(stream: &mut UnixStream, kind: u8, body: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(body.len())
        .map_err(|_| std::io::Error::other("frame too large"))?
        .to_be_bytes();
    stream.write_all(&[kind])?;
    stream.write_all(&len)?;
    stream.write_all(body)?;
    stream.flush()
}

/// Reads one frame, its body in a buffer wiped when dropped (it may be plaintext).
pub fn read_frame(stream: &mut UnixStream) -> std::io::Result<(u8, Zeroizing<Vec<u8>>)> {
    let mut head = [0u8; 5];
    stream.read_exact(&mut head)?;
    let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
    if len > MAX_FRAME {
        return Err(std::io::Error::other("frame too large"));
    }
    let mut body = Zeroizing::new(vec![0u8; len]);
    stream.read_exact(&mut body)?;
    Ok((head[0], body))
}

/// The answer byte for a failed decryption.
pub fn failure_code(error: &SealError) -> u8 {
    match error {
        SealError::NotARecipient => NOT_A_RECIPIENT,
        SealError::HeaderRefused => HEADER_REFUSED,
        SealError::PayloadRefused => PAYLOAD_REFUSED,
        _ => CORRUPT,
    }
}

/// What a running agent says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    /// The identity file it was started with (absolute).
    pub identity: PathBuf,
    /// How long it stays unlocked.
    pub left: Duration,
}

/// A command's end of the agent's socket.
#[derive(Debug, Clone)]
pub struct AgentClient {
    socket: PathBuf,
}

impl AgentClient {
    /// The agent at `socket`, if one answers there; a socket nobody listens on (an agent that
    /// ended) is `None`.
    pub fn connect(socket: &Path) -> anyhow::Result<Option<AgentClient>> {
        if !socket.exists() {
            return Ok(None);
        }
        let client = AgentClient {
            socket: socket.to_path_buf(),
        };
        match client.open() {
            Ok(_) => Ok(Some(client)),
            Err(e) if e.downcast_ref::<std::io::Error>().is_some() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A connection, to an agent run by this user only: anyone else's could show forged
    /// plaintext.
    fn open(&self) -> anyhow::Result<UnixStream> {
        let stream = UnixStream::connect(&self.socket)?;
        let uid = peer_uid(&stream)?;
        if uid != my_uid() {
            bail!(
                "the agent socket {} belongs to another user's process (uid {uid}); unset SAFEHOLD_AGENT_SOCK or remove it",
                self.socket.display()
            );
        }
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(stream)
    }

    fn ask(&self, kind: u8, body: &[u8]) -> anyhow::Result<(u8, Zeroizing<Vec<u8>>)> {
        let mut stream = self.open()?;
        write_frame(&mut stream, kind, body).context("the agent did not take the request")?;
        read_frame(&mut stream).context("the agent did not answer")
    }

    /// Which identity the agent holds, and for how long.
    pub fn status(&self) -> anyhow::Result<Running> {
        let (kind, body) = self.ask(STATUS, &[])?;
        if kind != OK {
            bail!("the agent refused to say what it holds");
        }
        let text = String::from_utf8_lossy(&body);
        let (seconds, identity) = text
            .split_once('\n')
            .ok_or_else(|| anyhow!("the agent's answer is not what Safehold sends"))?;
        Ok(Running {
            identity: PathBuf::from(identity),
            left: Duration::from_secs(seconds.parse().unwrap_or(0)),
        })
    }

    /// Ends the agent; it forgets the key.
    pub fn stop(&self) -> anyhow::Result<()> {
        let (kind, _) = self.ask(STOP, &[])?;
        if kind != OK {
            bail!("the agent refused to stop");
        }
        Ok(())
    }

    /// Opens an age file with the key the agent holds, as `seal::decrypt` would here.
    pub fn decrypt(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let (kind, body) = self
            .ask(DECRYPT, ciphertext)
            .map_err(|e| SealError::KeyUnavailable(format!("{e:#}")))?;
        match kind {
            OK => Ok(body),
            NOT_A_RECIPIENT => Err(SealError::NotARecipient),
            HEADER_REFUSED => Err(SealError::HeaderRefused),
            PAYLOAD_REFUSED => Err(SealError::PayloadRefused),
            _ => Err(SealError::Corrupt),
        }
    }
}
