//! The public age recipients of the people who may read reports, loaded from `keys/`.
//!
//! Every report is encrypted to recipients from this keyring, and staff log in by decrypting a
//! challenge encrypted to them (design, flow 6), so a wrong key here means reports nobody can
//! read or a login nobody can pass. The loader is therefore strict and loud: it accepts only
//! X25519 recipients (the only kind age 0.12 can both encrypt to and decrypt), and it reports
//! every problem in every file at once, each with its file and line.
//!
//! This module handles public keys only. It never sees report plaintext, and it refuses to start
//! when a private key has been pasted into `keys/` (invariant 6: private keys never reach the
//! server).
//!
//! Layout (see `keys/README.md`):
//!
//! ```text
//! keys/caseworkers/<name>.pub   one file per caseworker
//! keys/rapporteurs/<name>.pub   one file per special rapporteur or reprisals focal point
//! keys/admins/<name>.pub        optional: operators of the service
//! ```

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::LazyLock;

use age::x25519::Recipient;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a person does in Safehold; it decides which directory under `keys/` holds their file.
///
/// Variants are declared in the alphabetical order of their strings, so the derived `Ord` is the
/// order used by [`Keyring::fingerprint`] and [`Keyring::people`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs the service (`keys/admins/`); optional.
    Admin,
    /// Receives, decrypts and handles reports (`keys/caseworkers/`).
    Caseworker,
    /// A special rapporteur or treaty-body reprisals focal point who receives escalation
    /// packages (`keys/rapporteurs/`).
    Rapporteur,
}

impl Role {
    /// Every role, in fingerprint order; lets callers list roles without repeating them.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Caseworker, Role::Rapporteur];

    /// The stable string used in the fingerprint, in JSON and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Caseworker => "caseworker",
            Role::Rapporteur => "rapporteur",
        }
    }

    /// The directory under `keys/` that holds this role's `.pub` files, so messages can tell an
    /// operator exactly where a file belongs.
    pub fn dir_name(self) -> &'static str {
        match self {
            Role::Admin => "admins",
            Role::Caseworker => "caseworkers",
            Role::Rapporteur => "rapporteurs",
        }
    }

    fn from_dir_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.dir_name() == name)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One person and all of their devices' recipients: a report for them is encrypted to every
/// recipient, so any of their devices can open it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// The file stem, `[a-z0-9][a-z0-9._-]{0,63}`; policy files refer to people by it.
    pub name: String,
    /// Which directory the file was in.
    pub role: Role,
    /// The recipients in file order, without duplicates; never empty in a loaded keyring.
    pub recipients: Vec<Recipient>,
}

/// The validated set of people and keys the server encrypts to; built once at start-up.
#[derive(Clone, Debug)]
pub struct Keyring {
    /// Sorted by (role, name), unique.
    people: Vec<Person>,
    fingerprint: String,
    demo: bool,
}

impl Keyring {
    /// Loads `dir` (normally `keys/`, or `keys/DEMO` with `--demo`) and refuses it, listing every
    /// problem with its file and line, unless every file is valid.
    ///
    /// Ignored: `README*` files and hidden files (`.gitkeep`) anywhere, and a top-level `DEMO/`
    /// directory (the repository's demo key set, loaded only by pointing `dir` at it). An
    /// `identities/` directory (private keys) is refused unless every loaded recipient is a
    /// public demo key.
    pub fn load(dir: &Path) -> Result<Keyring, KeyringError> {
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
            mut people,
            mut problems,
            ..
        } = loader;
        if let Some(path) = identities_dir {
            let all_demo = !people.is_empty()
                && people
                    .iter()
                    .flat_map(|p| &p.recipients)
                    .all(is_demo_recipient);
            if !all_demo {
                problems.push(KeyProblem {
                    file: Some(path),
                    line: None,
                    reason: KeyReason::PrivateIdentities,
                });
            }
        }
        if !problems.is_empty() {
            return Err(KeyringError::Invalid(problems));
        }
        people.sort_by(|a, b| (a.role, &a.name).cmp(&(b.role, &b.name)));
        Ok(Keyring::new_unchecked(people))
    }

    /// Builds a keyring from people already in memory (tests, tools), with the same checks as
    /// [`Keyring::load`] except file and line numbers: valid names, at least one recipient, no
    /// person twice, no recipient shared by two names.
    pub fn from_people(people: Vec<Person>) -> Result<Keyring, KeyringError> {
        let mut problems = Vec::new();
        let mut seen_people: HashMap<(Role, &str), ()> = HashMap::new();
        let mut owners: HashMap<&Recipient, (Role, &str)> = HashMap::new();
        for person in &people {
            let who = format!("{}/{}", person.role, person.name);
            let mut problem = |reason| {
                problems.push(KeyProblem {
                    file: None,
                    line: None,
                    reason: KeyReason::Person {
                        who: who.clone(),
                        reason: Box::new(reason),
                    },
                })
            };
            if !is_valid_name(&person.name) {
                problem(KeyReason::BadName {
                    name: person.name.clone(),
                });
            }
            if seen_people
                .insert((person.role, person.name.as_str()), ())
                .is_some()
            {
                problem(KeyReason::DuplicatePerson);
            }
            if person.recipients.is_empty() {
                problem(KeyReason::NoRecipient);
            }
            for (i, recipient) in person.recipients.iter().enumerate() {
                if person.recipients[..i].contains(recipient) {
                    problem(KeyReason::Duplicate { first: who.clone() });
                    continue;
                }
                match owners.get(recipient) {
                    Some((role, name)) if *name != person.name => {
                        problem(KeyReason::Duplicate {
                            first: format!("{role}/{name}"),
                        });
                    }
                    _ => {
                        owners.insert(recipient, (person.role, &person.name));
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(KeyringError::Invalid(problems));
        }
        let mut people = people;
        people.sort_by(|a, b| (a.role, &a.name).cmp(&(b.role, &b.name)));
        Ok(Keyring::new_unchecked(people))
    }

    fn new_unchecked(people: Vec<Person>) -> Keyring {
        let fingerprint = fingerprint_of(&people);
        let demo = people
            .iter()
            .flat_map(|p| &p.recipients)
            .any(is_demo_recipient);
        Keyring {
            people,
            fingerprint,
            demo,
        }
    }

    /// Looks a person up by role and name, as policy files and login challenges name them.
    pub fn person(&self, role: Role, name: &str) -> Option<&Person> {
        self.people
            .binary_search_by(|p| (p.role, p.name.as_str()).cmp(&(role, name)))
            .ok()
            .and_then(|i| self.people.get(i))
    }

    /// Everyone, sorted by role string (`admin`, `caseworker`, `rapporteur`) then name: the
    /// fingerprint order, so listings and the fingerprint agree.
    pub fn people(&self) -> impl Iterator<Item = &Person> {
        self.people.iter()
    }

    /// A short commitment to the whole keyring, shown to reporters' browsers and staff so they
    /// can notice a server that swapped in its own keys.
    ///
    /// Definition (the browser recomputes it; also in `keys/README.md`): the lowercase hex
    /// SHA-256 of the UTF-8 text made of, for each person sorted by (role string, name) in
    /// byte order, the line `"{role}/{name}\n"` followed by each of their recipients sorted in
    /// byte order, one per line as `"{recipient}\n"`. Roles are `admin`, `caseworker`,
    /// `rapporteur`; recipients are in canonical lowercase Bech32 (`age1…`). An empty keyring
    /// hashes the empty string.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// True if any loaded recipient is one of the public demo keys from `keys/DEMO/`, whose
    /// private halves are in the repository: the server refuses to start with them unless
    /// `--demo` is given.
    pub fn demo_recipients_present(&self) -> bool {
        self.demo
    }
}

fn fingerprint_of(people: &[Person]) -> String {
    let mut hasher = Sha256::new();
    for person in people {
        hasher.update(format!("{}/{}\n", person.role, person.name).as_bytes());
        let mut recipients: Vec<String> = person.recipients.iter().map(|r| r.to_string()).collect();
        recipients.sort();
        for recipient in recipients {
            hasher.update(recipient.as_bytes());
            hasher.update(b"\n");
        }
    }
    hex::encode(hasher.finalize())
}

/// The public halves of the demo key set, embedded so that a production server can recognise
/// them even when `keys/DEMO` is not deployed. A test checks this list against the directory.
const DEMO_PUB_FILES: [&str; 5] = [
    include_str!("../keys/DEMO/caseworkers/amina.pub"),
    include_str!("../keys/DEMO/caseworkers/bruno.pub"),
    include_str!("../keys/DEMO/caseworkers/chen.pub"),
    include_str!("../keys/DEMO/rapporteurs/cat-reprisals.pub"),
    include_str!("../keys/DEMO/rapporteurs/sr-defenders.pub"),
];

static DEMO_RECIPIENTS: LazyLock<Vec<Recipient>> = LazyLock::new(|| {
    DEMO_PUB_FILES
        .iter()
        .flat_map(|text| text.lines())
        .filter_map(|line| match parse_line(line) {
            Line::Recipient(recipient) => Some(recipient),
            Line::Empty | Line::Problem(_) => None,
        })
        .collect()
});

fn is_demo_recipient(recipient: &Recipient) -> bool {
    DEMO_RECIPIENTS.contains(recipient)
}

/// Why the keyring was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyringError {
    /// The keys directory itself could not be listed (wrong path, permissions).
    #[error("cannot read the keys directory {}: {source} (check the keys path given to safehold)", path.display())]
    Directory {
        /// The directory given to [`Keyring::load`].
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// One or more files are wrong; all of them are listed, so one restart can fix them all.
    #[error("the keyring has {} problem(s); fix them all, then restart:\n{}", .0.len(), list_problems(.0))]
    Invalid(Vec<KeyProblem>),
}

fn list_problems(problems: &[KeyProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One problem, located as precisely as possible so the operator can go straight to it.
#[derive(Debug)]
#[non_exhaustive]
pub struct KeyProblem {
    /// The file or directory at fault; `None` for [`Keyring::from_people`].
    pub file: Option<PathBuf>,
    /// The 1-based line, when the problem is on one line.
    pub line: Option<usize>,
    /// What is wrong and what to do.
    pub reason: KeyReason,
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{}:{line}: {}", file.display(), self.reason),
            (Some(file), None) => write!(f, "{}: {}", file.display(), self.reason),
            (None, _) => write!(f, "{}", self.reason),
        }
    }
}

/// What is wrong with a key file or line, phrased as what the operator must do.
///
/// Messages never repeat the offending text: it may be a private key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyReason {
    /// An age secret key was pasted where a public recipient belongs.
    #[error(
        "this is a PRIVATE key (AGE-SECRET-KEY-1…): remove it from the server now and rotate it (make a new identity with age-keygen on the person's own device; put only its public age1… recipient here)"
    )]
    SecretKey,
    /// A plugin identity (hardware key stub or plugin secret) was pasted.
    #[error(
        "this is a PRIVATE plugin identity (AGE-PLUGIN-…): remove it from the server now and rotate it; put only the public age1… recipient here"
    )]
    PluginIdentity,
    /// An SSH or PEM private key was pasted.
    #[error(
        "this is a PRIVATE key (PEM/OpenSSH): remove it from the server now and rotate it; put only an age1… recipient here"
    )]
    PemPrivateKey,
    /// A post-quantum (`age1pq1…`) recipient.
    #[error(
        "post-quantum recipient (age1pq1…): age 0.12 cannot decrypt these, so the server cannot serve them; use an X25519 recipient (age1…, from age-keygen)"
    )]
    PostQuantum,
    /// A plugin or tag recipient (`age1<plugin>1…`).
    #[error(
        "plugin recipient (age1{plugin}1…): not supported yet; use an X25519 recipient (age1…, from age-keygen)"
    )]
    Plugin {
        /// The plugin name from the recipient's prefix, e.g. `tag` or `yubikey`.
        plugin: String,
    },
    /// An SSH public key.
    #[error("SSH public key: not supported; use an X25519 recipient (age1…, from age-keygen)")]
    Ssh,
    /// Looks like an X25519 recipient but does not decode.
    #[error("not a valid age X25519 recipient ({reason}): check for a typo or a truncated copy")]
    InvalidRecipient {
        /// The decoder's reason.
        reason: &'static str,
    },
    /// Several words on one line.
    #[error("more than one word on the line: put one recipient per line, comments after ' # '")]
    SeveralWords,
    /// Something that is not an age recipient at all.
    #[error(
        "not an age recipient: expected one age1… recipient per line, optionally followed by ' # comment'"
    )]
    NotARecipient,
    /// The recipient already appears elsewhere.
    #[error(
        "duplicate recipient: already listed at {first}; remove one of them (one device belongs to one person)"
    )]
    Duplicate {
        /// Where it was first seen (`file:line`, or `role/name`).
        first: String,
    },
    /// The same role and name twice.
    #[error("this person is listed twice; keep one entry")]
    DuplicatePerson,
    /// A file without any recipient.
    #[error("no recipient in this file: add at least one age1… line or delete the file")]
    NoRecipient,
    /// The file stem is not a valid person name.
    #[error(
        "`{name}` is not a valid person name: rename the file to 1-64 characters from a-z, 0-9, '.', '_', '-', starting with a letter or digit, then '.pub'"
    )]
    BadName {
        /// The rejected name.
        name: String,
    },
    /// A directory that is not a role directory.
    #[error(
        "unknown directory: keys/ may contain only caseworkers/, rapporteurs/ and admins/ (plus README files); move or remove it"
    )]
    UnknownDirectory,
    /// A subdirectory inside a role directory.
    #[error(
        "subdirectory inside a role directory: put <name>.pub files directly in the role directory"
    )]
    NestedDirectory,
    /// A file directly in `keys/`.
    #[error(
        "file outside a role directory: move it into caseworkers/, rapporteurs/ or admins/ (README files are ignored)"
    )]
    StrayFile,
    /// A file without the `.pub` extension in a role directory.
    #[error("not a .pub file: rename it to <name>.pub or remove it (README files are ignored)")]
    NotPubFile,
    /// Private identities found next to the public keys.
    #[error(
        "an identities/ directory holds PRIVATE keys, which never belong on the server: remove it and rotate those keys (only the public DEMO key set ships its identities)"
    )]
    PrivateIdentities,
    /// The file is not UTF-8 text.
    #[error("not UTF-8 text: save the file as plain UTF-8")]
    NotUtf8,
    /// The file or directory could not be read.
    #[error("cannot read: {0}")]
    Unreadable(#[source] io::Error),
    /// A problem with a person given to [`Keyring::from_people`].
    #[error("{who}: {reason}")]
    Person {
        /// `role/name`.
        who: String,
        /// The problem.
        reason: Box<KeyReason>,
    },
}

#[derive(Default)]
struct Loader {
    people: Vec<Person>,
    problems: Vec<KeyProblem>,
    /// Recipient → (role, name, "file:line") of its first occurrence.
    owners: HashMap<Recipient, (Role, String, String)>,
}

impl Loader {
    fn problem(&mut self, file: Option<&Path>, line: Option<usize>, reason: KeyReason) {
        self.problems.push(KeyProblem {
            file: file.map(Path::to_path_buf),
            line,
            reason,
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

enum Line {
    Empty,
    Recipient(Recipient),
    Problem(KeyReason),
}

/// Classifies one line of a `.pub` file. Private-key checks look at the whole line, comments
/// included: a secret pasted into a comment is still a secret on the server.
fn parse_line(raw: &str) -> Line {
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
fn is_valid_name(name: &str) -> bool {
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

fn is_ignored(file_name: &str) -> bool {
    file_name.starts_with("README") || file_name.starts_with('.')
}

/// Directory entries sorted by name, so problems are listed in a stable order. Names that are
/// not UTF-8 are kept (lossily) so they are reported, not skipped.
fn sorted_entries(dir: &Path) -> io::Result<Vec<(String, PathBuf)>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_path(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    }

    fn recipient(s: &str) -> Recipient {
        match Recipient::from_str(s) {
            Ok(r) => r,
            Err(e) => panic!("test recipient {s}: {e}"),
        }
    }

    const AMINA: &str = "age1q7k65ntkkg2e68lhvq0pn8fja7zv70gwdv9dq5rqrcuamnwaje5qk4myp8";
    const BRUNO_LAPTOP: &str = "age1d9t6v4wz5j64x8yzvnag5yx2236zqanh35f2a8zsfprzxqfa2gqqtn9vac";
    const BRUNO_PHONE: &str = "age1ulygr3q2fr3a0kca7lumsyl79shh5jvmedtsq04730h2rr0duc9qpefsxk";
    const CHEN: &str = "age16rgz8hr2ykwmwzyq8esufde4nu5m9wanxszysg6k0cc90flvxv2q44m6fq";
    /// Not a demo key (generated once with age-keygen, private half discarded).
    const OTHER: &str = "age1wr3ntkr2hkgphntgkk4n44aeyyqpha3gkmz8pr0gvl74ssc3uvjqsxdhgf";

    #[test]
    fn role_order_matches_role_strings() {
        let mut by_str = Role::ALL;
        by_str.sort_by_key(|r| r.as_str());
        assert_eq!(by_str, Role::ALL);
        assert!(Role::ALL.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn loads_the_demo_key_set() {
        let keyring = match Keyring::load(&repo_path("keys/DEMO")) {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        };
        let names: Vec<String> = keyring
            .people()
            .map(|p| format!("{}/{}", p.role, p.name))
            .collect();
        assert_eq!(
            names,
            [
                "caseworker/amina",
                "caseworker/bruno",
                "caseworker/chen",
                "rapporteur/cat-reprisals",
                "rapporteur/sr-defenders"
            ]
        );
        let bruno = keyring.person(Role::Caseworker, "bruno");
        assert_eq!(
            bruno.map(|p| p.recipients.clone()),
            Some(vec![recipient(BRUNO_LAPTOP), recipient(BRUNO_PHONE)])
        );
        assert!(keyring.person(Role::Rapporteur, "bruno").is_none());
        assert!(keyring.demo_recipients_present());
        // Known answer, computed independently from the files:
        //   (printf 'caseworker/amina\n'; grep -h '^age1' keys/DEMO/caseworkers/amina.pub; \
        //    printf 'caseworker/bruno\n'; grep -ho '^age1[a-z0-9]*' keys/DEMO/caseworkers/bruno.pub | sort; \
        //    printf 'caseworker/chen\n'; grep -h '^age1' keys/DEMO/caseworkers/chen.pub; \
        //    printf 'rapporteur/cat-reprisals\n'; grep -h '^age1' keys/DEMO/rapporteurs/cat-reprisals.pub; \
        //    printf 'rapporteur/sr-defenders\n'; grep -h '^age1' keys/DEMO/rapporteurs/sr-defenders.pub) | sha256sum
        assert_eq!(keyring.fingerprint(), DEMO_FINGERPRINT);
    }

    const DEMO_FINGERPRINT: &str =
        "1e4c048ba6a74ec05ee85bfc0b0d04e7fab1f0872f5be126d28212224608585c";

    #[test]
    fn fingerprint_known_answer_sorts_people_and_recipients() {
        // printf 'admin/zed\n%s\ncaseworker/amina\n%s\n%s\n' \
        //   age1wr3ntkr2hkgphntgkk4n44aeyyqpha3gkmz8pr0gvl74ssc3uvjqsxdhgf \
        //   age1d9t6v4wz5j64x8yzvnag5yx2236zqanh35f2a8zsfprzxqfa2gqqtn9vac \
        //   age1ulygr3q2fr3a0kca7lumsyl79shh5jvmedtsq04730h2rr0duc9qpefsxk | sha256sum
        let people = vec![
            Person {
                name: "amina".into(),
                role: Role::Caseworker,
                recipients: vec![recipient(BRUNO_PHONE), recipient(BRUNO_LAPTOP)],
            },
            Person {
                name: "zed".into(),
                role: Role::Admin,
                recipients: vec![recipient(OTHER)],
            },
        ];
        let keyring = match Keyring::from_people(people) {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(keyring.fingerprint(), SMALL_FINGERPRINT);
        assert!(keyring.demo_recipients_present());
        let empty = match Keyring::from_people(vec![]) {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        };
        // printf '' | sha256sum
        assert_eq!(
            empty.fingerprint(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(!empty.demo_recipients_present());
    }

    const SMALL_FINGERPRINT: &str =
        "01bc19e7d813772f9824c961dafc39302f9e34603528b2d05596ad7dccff8603";

    #[test]
    fn embedded_demo_list_covers_every_demo_pub_file() {
        let mut files = 0;
        for role in ["caseworkers", "rapporteurs"] {
            let dir = repo_path(&format!("keys/DEMO/{role}"));
            let entries = match sorted_entries(&dir) {
                Ok(e) => e,
                Err(e) => panic!("{}: {e}", dir.display()),
            };
            for (name, path) in entries {
                if !name.ends_with(".pub") {
                    continue;
                }
                files += 1;
                let text = fs::read_to_string(&path).unwrap_or_default();
                assert!(text.starts_with(
                    "# DEMO KEY — public in the Safehold repository. Never use for real reports."
                ));
                assert!(
                    DEMO_PUB_FILES.contains(&text.as_str()),
                    "{name} not embedded"
                );
            }
        }
        assert_eq!(files, DEMO_PUB_FILES.len());
        assert_eq!(DEMO_RECIPIENTS.len(), 6);
    }

    #[test]
    fn production_keys_dir_skips_the_demo_set() {
        // The repository's keys/ holds only README.md and DEMO/: an empty, valid keyring.
        let keyring = Keyring::load(&repo_path("keys"));
        assert!(keyring.is_ok_and(|k| k.people().count() == 0 && !k.demo_recipients_present()));
    }

    #[test]
    fn non_demo_keyring_is_not_demo() {
        let keyring = Keyring::from_people(vec![Person {
            name: "x".into(),
            role: Role::Caseworker,
            recipients: vec![recipient(OTHER)],
        }]);
        assert!(keyring.is_ok_and(|k| !k.demo_recipients_present()));
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        if let Some(parent) = path.parent()
            && let Err(e) = fs::create_dir_all(parent)
        {
            panic!("{e}");
        }
        if let Err(e) = fs::write(&path, text) {
            panic!("{e}");
        }
    }

    fn load_err(root: &Path) -> String {
        match Keyring::load(root) {
            Ok(_) => panic!("expected the keyring to be refused"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn accepts_comments_blank_lines_and_ignored_files() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("tempdir")
        };
        let root = dir.path();
        write(
            root,
            "caseworkers/x.pub",
            &format!("\u{feff}# whole-line comment\n\n  {OTHER}   # laptop\r\n"),
        );
        write(root, "caseworkers/README.md", "notes");
        write(root, "caseworkers/.gitkeep", "");
        write(root, "README", "notes");
        write(root, "DEMO/whatever.txt", "ignored");
        let keyring = match Keyring::load(root) {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(keyring.people().count(), 1);
        assert!(!keyring.demo_recipients_present());
    }

    #[test]
    fn bad_key_files_are_reported_with_file_line_and_reason() {
        // (relative file, contents, expected line or 0 for the whole file, expected text)
        let cases: &[(&str, String, usize, &str)] = &[
            (
                "caseworkers/a.pub",
                "# header\nAGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n"
                    .into(),
                2,
                "PRIVATE key (AGE-SECRET-KEY-1…): remove it from the server now and rotate it",
            ),
            (
                "caseworkers/b.pub",
                format!("{OTHER} # AGE-SECRET-KEY-1abc pasted in a comment\n"),
                1,
                "PRIVATE key",
            ),
            (
                "caseworkers/c.pub",
                "age1pq1qqqqqqqqqqqqqqqqqqqqqqqqqq\n".into(),
                1,
                "age 0.12 cannot decrypt these, so the server cannot serve them",
            ),
            (
                "caseworkers/d.pub",
                "age1tag1qqqqqqqqqqqqqqqqqqqqqq\n".into(),
                1,
                "plugin recipient (age1tag1…): not supported yet",
            ),
            (
                "caseworkers/e.pub",
                "age1yubikey1qqqqqqqqqqqqqqqqqqqqqq\n".into(),
                1,
                "plugin recipient (age1yubikey1…): not supported yet",
            ),
            (
                "caseworkers/f.pub",
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsK user@host\n".into(),
                1,
                "SSH public key: not supported",
            ),
            (
                "caseworkers/g.pub",
                "-----BEGIN OPENSSH PRIVATE KEY-----\n".into(),
                1,
                "PRIVATE key (PEM/OpenSSH)",
            ),
            (
                "caseworkers/h.pub",
                "AGE-PLUGIN-YUBIKEY-1QQQQQQ\n".into(),
                1,
                "PRIVATE plugin identity",
            ),
            (
                "caseworkers/i.pub",
                format!("{}x\n", &OTHER[..OTHER.len() - 1]),
                1,
                "not a valid age X25519 recipient",
            ),
            (
                "caseworkers/j.pub",
                format!("{OTHER} {OTHER}\n"),
                1,
                "one recipient per line",
            ),
            ("caseworkers/k.pub", "hello\n".into(), 1, "not an age recipient"),
            (
                "caseworkers/l.pub",
                "# only a comment\n\n".into(),
                0,
                "no recipient in this file",
            ),
            (
                "caseworkers/Bad Name.pub",
                format!("{CHEN}\n"),
                0,
                "`Bad Name` is not a valid person name",
            ),
            ("caseworkers/m.txt", format!("{AMINA}\n"), 0, "not a .pub file"),
            ("caseworkers/sub/n.pub", format!("{AMINA}\n"), 0, "subdirectory"),
            ("auditors/o.pub", format!("{AMINA}\n"), 0, "unknown directory"),
            ("stray.pub", format!("{AMINA}\n"), 0, "file outside a role directory"),
            (
                "rapporteurs/p.pub",
                format!("{BRUNO_LAPTOP}\n# second device\n{BRUNO_LAPTOP}\n"),
                3,
                "duplicate recipient: already listed at ",
            ),
            (
                "rapporteurs/q.pub",
                format!("{BRUNO_PHONE}\n"),
                1,
                "duplicate recipient",
            ),
            ("caseworkers/s.pub", "\u{ff}".into(), 0, "not UTF-8"),
        ];
        for (rel, text, line, expected) in cases {
            let Ok(dir) = tempfile::tempdir() else {
                panic!("tempdir")
            };
            let root = dir.path();
            if *rel == "caseworkers/s.pub" {
                if let Err(e) = fs::create_dir_all(root.join("caseworkers"))
                    .and_then(|()| fs::write(root.join(rel), [0xff_u8, 0xfe]))
                {
                    panic!("{e}");
                }
            } else {
                write(root, rel, text);
            }
            if rel.starts_with("rapporteurs/q") {
                // Same recipient as a different person: caseworkers/ is read first.
                write(root, "caseworkers/bruno.pub", &format!("{BRUNO_PHONE}\n"));
            }
            let message = load_err(root);
            let file = root.join(rel);
            let located = if *line == 0 {
                format!("{}: ", file.display())
            } else {
                format!("{}:{line}: ", file.display())
            };
            let located = if rel.starts_with("caseworkers/sub/") {
                format!("{}: ", root.join("caseworkers/sub").display())
            } else if rel.starts_with("auditors/") {
                format!("{}: ", root.join("auditors").display())
            } else {
                located
            };
            assert!(
                message
                    .lines()
                    .any(|l| l.contains(&located) && l.contains(expected)),
                "{rel}: expected `{located}…{expected}` in:\n{message}"
            );
            assert!(
                !message.contains("QQQQQQ") && !message.contains("abc pasted"),
                "{rel}: message repeats the offending text:\n{message}"
            );
        }
    }

    #[test]
    fn all_problems_are_collected() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("tempdir")
        };
        let root = dir.path();
        write(root, "caseworkers/a.pub", "nonsense\nage1pq1qqqq\n");
        write(root, "rapporteurs/b.pub", "");
        write(root, "identities/amina.age-identity", "x");
        let message = load_err(root);
        assert!(
            message.starts_with("the keyring has 4 problem(s)"),
            "{message}"
        );
        assert!(message.contains("identities: an identities/ directory holds PRIVATE keys"));
    }

    #[test]
    fn same_name_may_share_a_key_across_roles() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("tempdir")
        };
        let root = dir.path();
        write(root, "admins/x.pub", &format!("{OTHER}\n"));
        write(root, "caseworkers/x.pub", &format!("{OTHER}\n"));
        let keyring = match Keyring::load(root) {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        };
        assert!(keyring.person(Role::Admin, "x").is_some());
        assert!(keyring.person(Role::Caseworker, "x").is_some());
    }

    #[test]
    fn missing_directory_is_reported() {
        let err = Keyring::load(Path::new("/nonexistent/safehold-keys"));
        assert!(err.is_err_and(|e| {
            e.to_string()
                .starts_with("cannot read the keys directory /nonexistent/safehold-keys")
        }));
    }

    #[test]
    fn from_people_checks_names_duplicates_and_empty() {
        let person = |name: &str, role, recipients: &[&str]| Person {
            name: name.into(),
            role,
            recipients: recipients.iter().map(|r| recipient(r)).collect(),
        };
        let err = Keyring::from_people(vec![
            person("Bad", Role::Caseworker, &[OTHER]),
            person("a", Role::Caseworker, &[AMINA]),
            person("a", Role::Caseworker, &[CHEN]),
            person("b", Role::Rapporteur, &[]),
            person("c", Role::Rapporteur, &[AMINA]),
            person("d", Role::Rapporteur, &[CHEN, CHEN]),
        ]);
        let message = match err {
            Ok(_) => panic!("expected errors"),
            Err(e) => e.to_string(),
        };
        for expected in [
            "caseworker/Bad: `Bad` is not a valid person name",
            "caseworker/a: this person is listed twice",
            "rapporteur/b: no recipient",
            "rapporteur/c: duplicate recipient: already listed at caseworker/a",
            "rapporteur/d: duplicate recipient: already listed at rapporteur/d",
        ] {
            assert!(message.contains(expected), "{expected} not in:\n{message}");
        }
    }

    #[test]
    fn names() {
        for ok in ["a", "0", "sr-defenders", "a.b_c-d", &"a".repeat(64)] {
            assert!(is_valid_name(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            ".a",
            "_a",
            "A",
            "a b",
            "é",
            &"a".repeat(65),
            "a/b",
        ] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }
}
