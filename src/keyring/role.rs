//! Who is in the keyring: a person, their role, and the recipients of their devices.

use std::fmt;

use age::x25519::Recipient;
use serde::{Deserialize, Serialize};

/// What a person does in Safehold; it decides which directory under `keys/` holds their file.
///
/// Variants are declared in the alphabetical order of their strings, so the derived `Ord` is the
/// order used by [`Keyring::people`].
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
    /// Every role, in listing order; lets callers list roles without repeating them.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Caseworker, Role::Rapporteur];

    /// The stable string used in JSON and in messages.
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

    pub(super) fn from_dir_name(name: &str) -> Option<Role> {
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
