//! `safehold case reply`: a reply written in your editor (or piped in), encrypted here to the
//! reporter and the route's caseworkers.
//!
//! The text never travels in argv, where `ps` shows it to every user of the machine and the
//! shell keeps it in its history. At a terminal, `$VISUAL` or `$EDITOR` opens an empty file in a
//! fresh directory only you can enter (0700; the file 0600), in `$XDG_RUNTIME_DIR` (memory) when
//! there is one; the file is overwritten with zeros and the directory, editor swap files
//! included, removed as soon as the text is read. Anywhere else the text is read from standard
//! input.

use std::io::{IsTerminal, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, anyhow, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::super::pinned_keyring::route_recipients;
use super::super::staff_client::{Refused, StaffClient};
use super::super::terminal_text::{one_line, quoted, say, say_err};
use super::show::{open_case, reply_channel};
use crate::crypto::seal;
use crate::domain::Author;
use crate::envelope::{Attachment, Message};
use crate::wire::{CaseDetail, MessageAdded, ReplyRequest};

/// What `--message` now says: the text would already be in the shell's history.
pub(super) const NO_MESSAGE_FLAG: &str = "the reply text is never taken from the command line, \
    where other users see it (ps) and your shell keeps it in its history (remove it from there \
    now). Run `safehold case reply ID` at a terminal to write it in $EDITOR, or pipe it in: \
    safehold case reply ID < reply.txt";

/// `safehold case reply` options besides the case.
pub(super) struct ReplyOptions<'a> {
    /// Language of the reply (BCP 47).
    pub language: &'a str,
    /// Files to attach.
    pub attach: &'a [PathBuf],
    /// Send without showing the reply and asking first.
    pub yes: bool,
}

pub(super) async fn reply(
    client: &StaffClient,
    id: &str,
    options: ReplyOptions<'_>,
) -> anyhow::Result<()> {
    // Files first: a typo in a path is found before the reply is written.
    let attachments = read_attachments(options.attach)?;
    let text = if std::io::stdin().is_terminal() {
        from_editor()?
    } else {
        let mut text = Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the reply from standard input")?;
        text
    };
    if text.trim().is_empty() {
        bail!(
            "the reply is empty; nothing was sent. Write it in $EDITOR (at a terminal) or pipe it on standard input"
        );
    }
    if !options.yes && !confirmed(id, &text, &attachments)? {
        bail!("nothing was sent. To send without being asked (in a script), add --yes");
    }
    // The reporter's recipient and thread key travel only inside the report.
    let (case, report, _) = open_case(client, id).await?;
    let (reporter, thread_key) = reply_channel(&report)?;
    drop(report);
    let mut recipients: Vec<age::x25519::Recipient> = vec![reporter];
    // The route's caseworkers: only keys in the keyring pinned on this machine.
    let keyring = client.trusted_keyring().await?;
    recipients.extend(route_recipients(
        &keyring,
        &case.route,
        &case.route_recipients,
    )?);
    let mut message = Message::reply(options.language, text.as_str());
    message.attachments = attachments;
    let plaintext = message.to_padded_plaintext()?;
    drop(message);
    drop(text);
    // The reporter takes one slot more than a report has; decoys fill the route's gap.
    let slots = keyring.recipient_slots() + 1;
    let ciphertext = seal::encrypt_in_slots(&plaintext, &recipients, slots)?;
    drop(plaintext);
    let token = client.token()?;
    let author = Author::Caseworker(String::new());
    let mut seq = case.messages.last().map_or(1, |m| m.seq + 1);
    // The MAC covers the reply's position: if someone wrote first, sign for the next one (a
    // few times; a server that keeps moving the goalposts gets its error shown).
    let mut attempts = 0;
    let added: MessageAdded = loop {
        attempts += 1;
        let request = ReplyRequest {
            ciphertext: STANDARD.encode(&ciphertext),
            seq,
            thread_mac: STANDARD.encode(thread_key.tag(&author, seq, &ciphertext)),
        };
        match client
            .post_json(
                &format!("/api/v1/cases/{id}/replies"),
                &request,
                Some(&token),
            )
            .await
        {
            Ok(added) => break added,
            Err(e) if attempts < 5 && Refused::is(&e, "thread_changed") => {
                let case: CaseDetail = client.get(&format!("/api/v1/cases/{id}")).await?;
                seq = case.messages.last().map_or(1, |m| m.seq + 1);
            }
            Err(e) => return Err(e),
        }
    };
    if client.json {
        say!("{}", serde_json::json!({ "case": id, "seq": added.seq }));
    } else {
        say!(
            "Reply {} sent on case {id}, encrypted to the reporter and {} caseworker key(s){}.",
            added.seq,
            recipients.len() - 1,
            match options.attach.len() {
                0 => String::new(),
                n => format!(", with {n} attachment(s)"),
            }
        );
    }
    Ok(())
}

/// The files of `--attach`, read whole; their names are what the reporter sees.
fn read_attachments(paths: &[PathBuf]) -> anyhow::Result<Vec<Attachment>> {
    paths
        .iter()
        .map(|path| {
            let data =
                Zeroizing::new(std::fs::read(path).with_context(|| {
                    format!("cannot read {}; nothing was sent", path.display())
                })?);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "attachment".to_owned());
            Ok(Attachment::new(
                name,
                "application/octet-stream",
                data.to_vec(),
                false,
            ))
        })
        .collect()
}

/// Shows the reply as the reporter will read it, with its files, and asks at the terminal
/// (`cli::confirm`): with none, as in a script, there is nobody to ask and it is not confirmed.
fn confirmed(id: &str, text: &str, attachments: &[Attachment]) -> anyhow::Result<bool> {
    say_err!("About to send this reply on case {id}, to the reporter and the route's caseworkers:");
    say_err!("{}", quoted(text.trim_end_matches('\n')));
    if attachments.is_empty() {
        say_err!("Attachments: none");
    } else {
        say_err!("Attachments: {}", attachments.len());
        for a in attachments {
            say_err!("  {} ({} bytes)", one_line(&a.name), a.size);
        }
    }
    Ok(super::super::confirm::confirmed("Send it?"))
}

/// The user's editor command: `$VISUAL`, else `$EDITOR`.
fn editor() -> anyhow::Result<String> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|value| !value.trim().is_empty())
        .ok_or_else(|| {
            anyhow!(
                "set VISUAL or EDITOR to the editor to write the reply in, or pipe the reply on standard input: safehold case reply ID < reply.txt"
            )
        })
}

/// Where the private directory goes: memory-backed `$XDG_RUNTIME_DIR` if there is one.
fn scratch_base() -> PathBuf {
    std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|dir| dir.is_dir())
        .unwrap_or_else(std::env::temp_dir)
}

/// Opens the editor on an empty private file and returns what was saved in it.
fn from_editor() -> anyhow::Result<Zeroizing<String>> {
    let editor = editor()?;
    let mut builder = tempfile::Builder::new();
    builder.prefix("safehold-reply-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let base = scratch_base();
    let dir = builder
        .tempdir_in(&base)
        .with_context(|| format!("cannot create a private directory in {}", base.display()))?;
    let path = dir.path().join("reply.txt");
    create_private(&path)?;
    // The editor runs as the shell would run it, so `EDITOR="code --wait"` works.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("safehold-editor")
        .arg(&path)
        .status()
        .with_context(|| format!("cannot start the editor `{editor}`"));
    let text = status.and_then(|status| {
        if !status.success() {
            bail!("the editor `{editor}` failed ({status}); nothing was sent");
        }
        read_and_wipe(&path)
    });
    // Whatever happened, nothing of the reply stays on disk.
    let _ = wipe(&path);
    dir.close()
        .with_context(|| format!("cannot remove {}", base.display()))?;
    text
}

fn create_private(path: &Path) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    Ok(())
}

fn read_and_wipe(path: &Path) -> anyhow::Result<Zeroizing<String>> {
    let bytes = Zeroizing::new(
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?,
    );
    wipe(path)?;
    let text = std::str::from_utf8(&bytes).context("the reply is not UTF-8 text")?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// Overwrites the file (where the editor saved it) with zeros before it is removed.
fn wipe(path: &Path) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    let len = file.metadata()?.len();
    file.rewind()?;
    let zeros = [0u8; 4096];
    let mut left = len;
    while left > 0 {
        let n = usize::try_from(left.min(zeros.len() as u64)).unwrap_or(zeros.len());
        file.write_all(&zeros[..n])?;
        left -= n as u64;
    }
    file.sync_all()
}
