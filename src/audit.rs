//! The tamper-evident audit log of staff actions: a hash chain. Each entry's hash covers the
//! previous entry's hash and its own fields, so editing, inserting or deleting any row breaks
//! every hash after it. Entries hold actor, action, subject and the UTC day: never content,
//! and never a finer time, since a staff action right after a report (a `pull`) would date
//! the report. The column is still called `at_minute`; entries written before migration 0011
//! keep the minute they were hashed with.

use sha2::{Digest, Sha256};

/// The hash that precedes the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// The staff actions that are logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Traded a challenge for a session.
    Login,
    /// Listed cases.
    List,
    /// Fetched a case's ciphertext.
    Pull,
    /// Replied to the reporter.
    Reply,
    /// Changed a case's status.
    Status,
    /// Closed a case.
    Close,
    /// Coded a case and recorded its consent.
    Code,
    /// Sent an escalation package to a rapporteur.
    Escalate,
    /// A rapporteur downloaded a package.
    Download,
    /// A rapporteur acknowledged a package.
    Ack,
    /// Retention deleted a closed case's ciphertext.
    Purge,
    /// Looked at exact counts over their own routes.
    StatsLive,
}

impl Action {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::List => "list",
            Action::Pull => "pull",
            Action::Reply => "reply",
            Action::Status => "status",
            Action::Close => "close",
            Action::Code => "code",
            Action::Escalate => "escalate",
            Action::Download => "download",
            Action::Ack => "ack",
            Action::Purge => "purge",
            Action::StatsLive => "stats_live",
        }
    }
}

/// One entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Entry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// UTC day, `YYYY-MM-DD` (`YYYY-MM-DDTHH:MM` in entries written before migration 0011).
    pub at_minute: String,
    /// `role/name` of the staff member.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// The case acted on, or empty.
    pub subject: String,
    /// Hash of the previous entry ([`GENESIS`] for the first).
    pub prev_hash: Vec<u8>,
    /// This entry's hash.
    pub hash: Vec<u8>,
}

/// The hash of an entry: SHA-256 over the previous hash, the sequence number and each field
/// length-prefixed, so no two different entries can serialise alike.
pub fn entry_hash(
    prev_hash: &[u8],
    seq: i64,
    at_minute: &str,
    actor: &str,
    action: &str,
    subject: &str,
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"safehold.audit.v1");
    h.update(prev_hash);
    h.update(seq.to_be_bytes());
    for field in [at_minute, actor, action, subject] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    h.finalize().into()
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// An entry's stored hash does not match its content.
    #[error("audit entry {seq} was altered: its hash does not match its content")]
    Altered {
        /// The first bad entry.
        seq: i64,
    },
    /// An entry does not follow the one before it.
    #[error("audit entry {seq} does not follow entry {previous}: entries were removed or inserted")]
    Broken {
        /// The first bad entry.
        seq: i64,
        /// The entry before it.
        previous: i64,
    },
}

/// Checks a whole chain, in order, and names the first broken entry.
pub fn verify(entries: &[Entry]) -> Result<(), ChainError> {
    let mut prev_hash: Vec<u8> = GENESIS.to_vec();
    let mut previous = 0;
    for e in entries {
        if e.seq != previous + 1 || e.prev_hash != prev_hash {
            return Err(ChainError::Broken {
                seq: e.seq,
                previous,
            });
        }
        let expected = entry_hash(
            &e.prev_hash,
            e.seq,
            &e.at_minute,
            &e.actor,
            &e.action,
            &e.subject,
        );
        if e.hash != expected {
            return Err(ChainError::Altered { seq: e.seq });
        }
        prev_hash = e.hash.clone();
        previous = e.seq;
    }
    Ok(())
}

/// The time an entry stores: the current UTC day, `YYYY-MM-DD`, never finer.
pub fn this_minute() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut prev = GENESIS.to_vec();
        (1..=n)
            .map(|seq| {
                let hash = entry_hash(
                    &prev,
                    seq,
                    "2026-11-23T10:00",
                    "caseworker/amina",
                    "pull",
                    "AAAA-BBBB-CCCC",
                );
                let e = Entry {
                    seq,
                    at_minute: "2026-11-23T10:00".into(),
                    actor: "caseworker/amina".into(),
                    action: "pull".into(),
                    subject: "AAAA-BBBB-CCCC".into(),
                    prev_hash: prev.clone(),
                    hash: hash.to_vec(),
                };
                prev = hash.to_vec();
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(()));
        assert_eq!(verify(&[]), Ok(()));
    }

    #[test]
    fn an_edit_names_the_entry() {
        let mut entries = chain(5);
        entries[2].actor = "caseworker/mallory".into();
        assert_eq!(verify(&entries), Err(ChainError::Altered { seq: 3 }));
    }

    #[test]
    fn a_deletion_names_the_entry_after_the_gap() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(
            verify(&entries),
            Err(ChainError::Broken {
                seq: 3,
                previous: 1
            })
        );
    }

    #[test]
    fn fields_cannot_slide_into_each_other() {
        assert_ne!(
            entry_hash(&GENESIS, 1, "m", "ab", "c", ""),
            entry_hash(&GENESIS, 1, "m", "a", "bc", "")
        );
    }
}
