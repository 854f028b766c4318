//! Writing what a report or package holds to the user's disk: `case show --save-attachments`
//! and `inbox pull`.
//!
//! File names come from the reporter (an attachment's name) and so from a possible adversary.
//! A saved name therefore keeps only what is harmless: no path separators, no control or
//! bidirectional characters, no leading dot (a hidden file), and at most 255 bytes, the limit
//! of common file systems, cut on a character boundary with the extension kept. Nothing is
//! ever overwritten: an existing name gets ` (2)`, ` (3)`… before its extension, and the file
//! is created with `create_new` (`O_EXCL`, which also refuses to follow a planted symlink),
//! readable by its owner only.

use std::fs::File;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::terminal_text::{is_active, say_err};
use crate::envelope::Attachment;

/// Longest file name, in bytes, on ext4, APFS, NTFS and most others.
const NAME_MAX: usize = 255;
/// Longest extension kept as an extension; anything longer is part of the stem.
const EXTENSION_MAX: usize = 16;
/// How many ` (n)` variants are tried before giving up.
const MAX_COPIES: u32 = 10_000;

/// A harmless file name for `name`, with `prefix` (e.g. `03-`) in front; `fallback` when
/// nothing usable is left.
pub fn safe_file_name(prefix: &str, name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() || is_active(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let cleaned = if cleaned.is_empty() || cleaned.chars().all(|c| c == '_') {
        fallback
    } else {
        cleaned
    };
    let (stem, extension) = split_extension(cleaned);
    fit(&format!("{prefix}{stem}"), "", extension)
}

/// `(stem, ".ext")`, the extension only if it is short and plain.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot)
            if dot > 0
                && name.len() - dot <= EXTENSION_MAX
                && name[dot + 1..].chars().all(|c| c.is_ascii_alphanumeric())
                && dot + 1 < name.len() =>
        {
            name.split_at(dot)
        }
        _ => (name, ""),
    }
}

/// `stem + suffix + extension`, the stem cut (on a character boundary) so the whole fits in
/// [`NAME_MAX`] bytes.
fn fit(stem: &str, suffix: &str, extension: &str) -> String {
    let room = NAME_MAX.saturating_sub(suffix.len() + extension.len());
    let mut end = stem.len().min(room);
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{suffix}{extension}", stem[..end].trim_end())
}

/// Creates a new file named `name` in `dir` (which must exist) with `bytes`, owner-only; if
/// the name is taken, the first free `name (n)`. Returns the path written.
pub fn save_new(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let (stem, extension) = split_extension(name);
    for copy in 1..=MAX_COPIES {
        let candidate = if copy == 1 {
            name.to_owned()
        } else {
            fit(stem, &format!(" ({copy})"), extension)
        };
        let path = dir.join(&candidate);
        match create_private(&path) {
            Ok(mut file) => {
                if let Err(e) = file.write_all(bytes).and_then(|()| file.sync_all()) {
                    drop(file);
                    let _ = std::fs::remove_file(&path);
                    return Err(e).with_context(|| format!("cannot write {}", path.display()));
                }
                return Ok(path);
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
    bail!(
        "{} already holds {MAX_COPIES} files named like {name}; choose another directory",
        dir.display()
    )
}

/// Saves to the path the user named: into its directory, under its (cleaned) file name, never
/// over an existing file.
pub fn save_new_at(path: &Path, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    save_new(&dir, &safe_file_name("", &name, "package.age"), bytes)
}

/// A group of files to save: the report's, saved as `NN-<name>`, or a message's, saved as
/// `msg<seq>-NN-<name>`.
pub struct Files<'a> {
    /// The message's position in the thread; `None` for the report's files.
    pub message: Option<i64>,
    /// The files, numbered from 01 in this order.
    pub attachments: &'a [Attachment],
}

impl Files<'_> {
    fn prefix(&self) -> String {
        self.message
            .map_or(String::new(), |seq| format!("msg{seq}-"))
    }
}

/// The name each file of `files` is saved under (before any ` (2)` for a taken one).
pub fn saved_names(files: &[Files<'_>]) -> Vec<String> {
    files
        .iter()
        .flat_map(|group| {
            let prefix = group.prefix();
            group.attachments.iter().enumerate().map(move |(i, a)| {
                safe_file_name(&format!("{prefix}{:02}-", i + 1), &a.name, "attachment")
            })
        })
        .collect()
}

/// Writes every attachment of `files` into `dir` as `<prefix>NN-name`, warning that it is
/// plaintext; one that cannot be written does not stop the others, and is counted in the
/// error at the end.
pub fn save_attachments(dir: &Path, files: &[Files<'_>]) -> anyhow::Result<()> {
    let names = saved_names(files);
    let all: Vec<&Attachment> = files.iter().flat_map(|g| g.attachments.iter()).collect();
    say_err!(
        "Warning: writing {} attachment(s) in PLAINTEXT to {}. Delete them when you are done.",
        all.len(),
        dir.display()
    );
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut failed = 0;
    for (attachment, name) in all.iter().zip(&names) {
        match save_new(dir, name, &attachment.data) {
            Ok(path) => say_err!("  {}", path.display()),
            Err(e) => {
                failed += 1;
                say_err!("  {name} not saved: {e:#}");
            }
        }
    }
    if failed > 0 {
        bail!(
            "{failed} of {} attachment(s) could not be saved; the others were",
            all.len()
        );
    }
    Ok(())
}

fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_separators_controls_and_leading_dots() {
        assert_eq!(
            safe_file_name("", "../../.ssh/authorized_keys", "x"),
            "_.._.ssh_authorized_keys"
        );
        assert_eq!(safe_file_name("", ".bashrc", "x"), "bashrc");
        assert_eq!(
            safe_file_name("01-", "a\x1b[2Kb\u{202e}fdp.exe", "x"),
            "01-a_[2Kb_fdp.exe"
        );
        assert_eq!(
            safe_file_name("01-", "\u{0}/\\", "attachment"),
            "01-attachment"
        );
        assert_eq!(safe_file_name("", "C:\\x\\y.pdf", "x"), "C:_x_y.pdf");
    }

    #[test]
    fn long_names_are_cut_to_255_bytes_keeping_the_extension() {
        let long = format!("{}.pdf", "é".repeat(300));
        let name = safe_file_name("02-", &long, "x");
        assert!(name.len() <= NAME_MAX, "{}", name.len());
        assert!(
            name.starts_with("02-é") && name.ends_with("é.pdf"),
            "{name}"
        );
        let suffixed = fit(&name[..name.len() - 4], " (12)", ".pdf");
        assert!(suffixed.len() <= NAME_MAX && suffixed.ends_with("é (12).pdf"));
        // A long "extension" is no extension: the name is still cut to fit.
        let odd = format!("a.{}", "b".repeat(400));
        assert_eq!(safe_file_name("", &odd, "x").len(), NAME_MAX);
    }

    #[test]
    fn existing_files_are_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let first = save_new(dir.path(), "note.txt", b"one").unwrap();
        let second = save_new(dir.path(), "note.txt", b"two").unwrap();
        let third = save_new(dir.path(), "note.txt", b"three").unwrap();
        assert_eq!(first.file_name().unwrap(), "note.txt");
        assert_eq!(second.file_name().unwrap(), "note (2).txt");
        assert_eq!(third.file_name().unwrap(), "note (3).txt");
        assert_eq!(std::fs::read(&first).unwrap(), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&second).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, b"keep").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("a.txt")).unwrap();
        let saved = save_new(dir.path(), "a.txt", b"new").unwrap();
        assert_eq!(saved.file_name().unwrap(), "a (2).txt");
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
    }
}
