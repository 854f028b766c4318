//! Why a keyring is refused: the folder cannot be read, or its files have problems, each
//! located by a [`Problem`] and worded by a [`KeyReason`].

use std::io;
use std::path::PathBuf;

use crate::policy::Problem;
use crate::policy::problem::bulleted;

/// Why the keyring was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyringError {
    /// The keys directory itself could not be listed (wrong path, permissions).
    #[error("cannot read the keys directory {}: {source} (check the keys path given to safehold)", path.display())]
    Directory {
        /// The directory given to [`super::Keyring::load`].
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// One or more files are wrong; all of them are listed, so one restart can fix them all.
    #[error("the keyring has {} problem(s); fix them all, then restart:\n{}", .0.len(), bulleted(.0))]
    Invalid(Vec<Problem>),
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
    /// An age-encrypted file: most likely a passphrase-protected identity.
    #[error(
        "this is an age-ENCRYPTED file, most likely a passphrase-protected PRIVATE identity: remove it from the server now and rotate that key if it is one; put only public age1… recipients under keys/"
    )]
    EncryptedFile,
    /// A file under `keys/` too big to be checked for private keys.
    #[error(
        "too large to check for private keys (over 4 MiB): nothing this big belongs under keys/; move it elsewhere"
    )]
    TooLargeToCheck,
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
}
