//! Loading the `keys/` folder: which directories and files count, and what each line of a
//! `.pub` file may hold. Every problem in every file is collected, each with its file and line.
//!
//! Besides the `.pub` files it loads, every other file under the folder is read too (hidden
//! files, `README*`, the DEMO set, anything in any subdirectory) and refused if it holds a
//! private key: an age secret key, a plugin identity, an age-encrypted file (a
//! passphrase-protected identity) or a PEM/OpenSSH private key. Private keys never belong on
//! the server, wherever they hide. The DEMO set's own identities, public in the repository,
//! are the one exception.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::x25519::Recipient;

use super::demo::is_demo_recipient;
use super::{KeyReason, KeyringError, Person, Role};
use crate::policy::Problem;
use age::x25519::Identity;

/// The people of the folder `dir`, in no particular order, or every problem found in it.
/// See [`super::Keyring::load`] for what is read and what is ignored.
pub(super) fn load_dir(dir: &Path) -> Result<Vec<Person>, KeyringError> {
    let entries = sorted_entries(dir).map_err(|source| KeyringError::Directory {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut loader = Loader::default();
    let mut identities_dir = None;
    for (name, path) in entries {
        if is_ignored(&name) {
            continue;
        }
        let meta = match fs::metadata(&path) {
            Ok(meta) => meta,
            Err(err) => {
                loader.problem(Some(&path), None, KeyReason::Unreadable(err));
                continue;
            }
        };
        if !meta.is_dir() {
            loader.problem(Some(&path), None, KeyReason::StrayFile);
        } else if let Some(role) = Role::from_dir_name(&name) {
            loader.load_role_dir(role, &path);
        } else if name == "DEMO" {
            // The demo key set shipped in the repository: used only via `--demo`.
        } else if name == "identities" {
            identities_dir = Some(path);
        } else {
            loader.problem(Some(&path), None, KeyReason::UnknownDirectory);
        }
    }
    let Loader {
        people,
        mut problems,
        parsed,
        ..
    } = loader;
    scan_for_private_keys(dir, &parsed, 0, &mut problems);
    if let Some(path) = identities_dir {
        let all_demo = !people.is_empty()
            && people
                .iter()
                .flat_map(|p| &p.recipients)
                .all(is_demo_recipient);
        if !all_demo {
            problems.push(Problem::new(KeyReason::PrivateIdentities).in_file(&path));
        }
    }
    if !problems.is_empty() {
        return Err(KeyringError::Invalid(problems));
    }
    Ok(people)
}

#[derive(Default)]
struct Loader {
    people: Vec<Person>,
    problems: Vec<Problem>,
    /// Recipient → (role, name, "file:line") of its first occurrence.
    owners: HashMap<Recipient, (Role, String, String)>,
    /// The `.pub` files read line by line (whose private-key lines are reported there).
    parsed: HashSet<PathBuf>,
}

impl Loader {
    fn problem(&mut self, file: Option<&Path>, line: Option<usize>, reason: KeyReason) {
        let problem = Problem::new(reason).at_line(line);
        self.problems.push(match file {
            Some(file) => problem.in_file(file),
            None => problem,
        });
    }

    fn load_role_dir(&mut self, role: Role, dir: &Path) {
        let entries = match sorted_entries(dir) {
            Ok(entries) => entries,
            Err(err) => {
                self.problem(Some(dir), None, KeyReason::Unreadable(err));
                return;
            }
        };
        for (file_name, path) in entries {
            if is_ignored(&file_name) {
                continue;
            }
            if path.is_dir() {
                self.problem(Some(&path), None, KeyReason::NestedDirectory);
                continue;
            }
            let Some(name) = file_name.strip_suffix(".pub") else {
                self.problem(Some(&path), None, KeyReason::NotPubFile);
                continue;
            };
            if !is_valid_name(name) {
                self.problem(
                    Some(&path),
                    None,
                    KeyReason::BadName {
                        name: name.to_owned(),
                    },
                );
                // Still parse it: a pasted private key must be reported whatever the name.
            }
            self.load_file(role, name, &path);
        }
    }

    fn load_file(&mut self, role: Role, name: &str, path: &Path) {
        self.parsed.insert(path.to_path_buf());
        let text = match fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    self.problem(Some(path), None, KeyReason::NotUtf8);
                    return;
                }
            },
            Err(err) => {
                self.problem(Some(path), None, KeyReason::Unreadable(err));
                return;
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut recipients = Vec::new();
        let mut had_problem = false;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            match parse_line(raw) {
                Line::Empty => {}
                Line::Problem(reason) => {
                    had_problem = true;
                    self.problem(Some(path), Some(line), reason);
                }
                Line::Recipient(recipient) => {
                    let here = format!("{}:{line}", path.display());
                    match self.owners.get(&recipient) {
                        // The same person may hold the same key in two roles (e.g. admin and
                        // caseworker); two different names may not share a device.
                        Some((first_role, first_name, _))
                            if first_name == name && *first_role != role => {}
                        Some((_, _, first)) => {
                            had_problem = true;
                            let first = first.clone();
                            self.problem(Some(path), Some(line), KeyReason::Duplicate { first });
                            continue;
                        }
                        None => {
                            self.owners
                                .insert(recipient.clone(), (role, name.to_owned(), here));
                        }
                    }
                    recipients.push(recipient);
                }
            }
        }
        if recipients.is_empty() {
            if !had_problem {
                self.problem(Some(path), None, KeyReason::NoRecipient);
            }
            return;
        }
        self.people.push(Person {
            name: name.to_owned(),
            role,
            recipients,
        });
    }
}

pub(super) enum Line {
    Empty,
    Recipient(Recipient),
    Problem(KeyReason),
}

/// Classifies one line of a `.pub` file. Private-key checks look at the whole line, comments
/// included: a secret pasted into a comment is still a secret on the server.
pub(super) fn parse_line(raw: &str) -> Line {
    let upper = raw.to_ascii_uppercase();
    if upper.contains("AGE-SECRET-KEY-") {
        return Line::Problem(KeyReason::SecretKey);
    }
    if upper.contains("AGE-PLUGIN-") {
        return Line::Problem(KeyReason::PluginIdentity);
    }
    if upper.contains("PRIVATE KEY-----") {
        return Line::Problem(KeyReason::PemPrivateKey);
    }
    if raw
        .trim_start_matches('\u{feff}')
        .starts_with("age-encryption.org/")
        || upper.contains(AGE_ARMOR)
    {
        return Line::Problem(KeyReason::EncryptedFile);
    }
    let content = raw.split('#').next().unwrap_or("").trim();
    if content.is_empty() {
        return Line::Empty;
    }
    let lower = content.to_ascii_lowercase();
    if ["ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-"]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
    {
        return Line::Problem(KeyReason::Ssh);
    }
    if content.split_whitespace().nth(1).is_some() {
        return Line::Problem(KeyReason::SeveralWords);
    }
    let Some(rest) = lower.strip_prefix("age1") else {
        return Line::Problem(KeyReason::NotARecipient);
    };
    if rest.starts_with("pq1") {
        return Line::Problem(KeyReason::PostQuantum);
    }
    // Bech32 data never contains '1', so a second '1' is the separator after a plugin name.
    if let Some(end) = rest.rfind('1') {
        return Line::Problem(KeyReason::Plugin {
            plugin: rest[..end].to_owned(),
        });
    }
    match Recipient::from_str(content) {
        Ok(recipient) => Line::Recipient(recipient),
        Err(reason) => Line::Problem(KeyReason::InvalidRecipient { reason }),
    }
}

/// `[a-z0-9][a-z0-9._-]{0,63}`: safe in paths, URLs and policy files.
pub fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    match bytes.first() {
        Some(first) if first.is_ascii_lowercase() || first.is_ascii_digit() => {}
        _ => return false,
    }
    bytes.len() <= 64
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(b))
}

/// First line of an armored one.
const AGE_ARMOR: &str = "-----BEGIN AGE ENCRYPTED FILE-----";
/// How deep under `keys/` the private-key scan goes; nobody nests keys deeper.
const SCAN_DEPTH: usize = 8;
/// Largest file the scan reads; a bigger one has no business under `keys/`.
const SCAN_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// Reads every file under `dir` except the `.pub` files already `parsed`, and records a
/// problem for each one that holds a private key, or is too big to check.
fn scan_for_private_keys(
    dir: &Path,
    parsed: &HashSet<PathBuf>,
    depth: usize,
    problems: &mut Vec<Problem>,
) {
    let Ok(entries) = sorted_entries(dir) else {
        // An unreadable directory is reported by the loader where it matters.
        return;
    };
    for (_, path) in entries {
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if depth < SCAN_DEPTH {
                scan_for_private_keys(&path, parsed, depth + 1, problems);
            }
            continue;
        }
        if parsed.contains(&path) {
            continue;
        }
        // Symbolic links to files are read through; to directories, not followed (loops).
        match fs::metadata(&path) {
            Ok(target) if target.is_file() && target.len() > SCAN_MAX_BYTES => {
                problems.push(Problem::new(KeyReason::TooLargeToCheck).in_file(&path));
                continue;
            }
            Ok(target) if target.is_file() => {}
            _ => continue,
        }
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) => {
                problems.push(Problem::new(KeyReason::Unreadable(err)).in_file(&path));
                continue;
            }
        };
        if let Some(reason) = private_key_in(&bytes) {
            problems.push(Problem::new(reason).in_file(&path));
        }
    }
}

/// What kind of private key `bytes` holds, if any; the DEMO set's identities do not count.
///
/// A key is recognised by its shape, not by its name alone, so that documentation which
/// mentions `AGE-SECRET-KEY-1…` (as `keys/README.md` does) is not mistaken for one.
fn private_key_in(bytes: &[u8]) -> Option<KeyReason> {
    let upper = bytes.to_ascii_uppercase();
    let after = |needle: &'static str| occurrences(&upper, needle);
    for (start, rest) in after("AGE-SECRET-KEY-1") {
        let len = run(rest, is_bech32);
        if len >= 50 && !is_demo_secret_key(&bytes[start..start + 16 + len]) {
            return Some(KeyReason::SecretKey);
        }
    }
    for (_, rest) in after("AGE-PLUGIN-") {
        let word = &rest[..run(rest, |b| {
            is_bech32(b) || b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-".contains(&b)
        })];
        if let Some(sep) = word.windows(2).rposition(|w| w == b"-1")
            && run(&word[sep + 2..], is_bech32) >= 10
        {
            return Some(KeyReason::PluginIdentity);
        }
    }
    let base64_follows = |rest: &[u8]| {
        rest.iter()
            .take(300)
            .scan(0usize, |len, b| {
                *len = if b.is_ascii_alphanumeric() || b"+/=".contains(b) {
                    *len + 1
                } else {
                    0
                };
                Some(*len)
            })
            .any(|len| len >= 40)
    };
    if after("PRIVATE KEY-----").any(|(_, rest)| base64_follows(rest)) {
        return Some(KeyReason::PemPrivateKey);
    }
    let start = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    if start.starts_with(b"age-encryption.org/v1\n-> ")
        || after(AGE_ARMOR).any(|(_, rest)| base64_follows(rest))
    {
        return Some(KeyReason::EncryptedFile);
    }
    None
}

/// Each place `needle` starts in `haystack`, with what follows it.
fn occurrences<'a>(
    haystack: &'a [u8],
    needle: &'static str,
) -> impl Iterator<Item = (usize, &'a [u8])> + 'a {
    let needle = needle.as_bytes();
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(move |(i, _)| (i, &haystack[i + needle.len()..]))
}

/// Uppercase Bech32 data characters (case was folded before).
fn is_bech32(b: u8) -> bool {
    b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".contains(&b)
}

/// Length of the run of bytes at the start of `bytes` that satisfy `f`.
fn run(bytes: &[u8], f: impl Fn(u8) -> bool) -> usize {
    bytes.iter().take_while(|b| f(**b)).count()
}

/// Whether `word` is the secret half of a DEMO recipient (public in the repository, so no
/// secret to protect).
fn is_demo_secret_key(word: &[u8]) -> bool {
    std::str::from_utf8(word)
        .ok()
        .and_then(|word| Identity::from_str(word).ok())
        .is_some_and(|identity| is_demo_recipient(&identity.to_public()))
}

fn is_ignored(file_name: &str) -> bool {
    file_name.starts_with("README") || file_name.starts_with('.')
}

/// Directory entries sorted by name, so problems are listed in a stable order. Names that are
/// not UTF-8 are kept (lossily) so they are reported, not skipped.
pub(super) fn sorted_entries(dir: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        entries.push((
            entry.file_name().to_string_lossy().into_owned(),
            entry.path(),
        ));
    }
    entries.sort();
    Ok(entries)
}
