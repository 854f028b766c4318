//! The tamper-evident audit log of staff actions: a hash chain that staff clients witness.
//!
//! Each entry commits to its content through a `content_hash` (a fresh random salt, the
//! UTC day, actor, action and subject), and its `hash` covers the previous entry's hash, its
//! sequence number and that content hash. Editing, inserting or deleting any row breaks every
//! hash after it; and because every staff CLI keeps the last head (sequence and hash) it has
//! seen, a chain rewritten from scratch (truncated, or re-hashed with actions reassigned) no
//! longer extends that head, which the CLI checks with [`extend`] on its next command.
//!
//! The salt keeps a content hash from telling anything about the entry: clients receive the
//! content hashes of other people's entries, never the entries.
//!
//! Entries written before content hashes existed (`content_hash` empty) keep their first
//! format, [`legacy_entry_hash`], and are still checked by [`verify`]; no new entry uses it.
//!
//! Entries hold the UTC day, never a finer time: a staff action right after a report (a
//! `pull`) would date the report. The column is still called `at_minute`; entries written
//! before migration 0011 keep the minute they were hashed with.

use sha2::{Digest, Sha256};

/// The hash that precedes the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// The staff actions that are logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Traded a challenge for a session.
    Login,
    /// Ended a session (`safehold case logout`).
    Logout,
    /// Listed cases.
    List,
    /// Fetched a case's ciphertext.
    Pull,
    /// Recorded how far they have read a case's thread (`case show`).
    MarkRead,
    /// Replied to the reporter.
    Reply,
    /// Changed a case's status.
    Status,
    /// Closed a case.
    Close,
    /// Coded a case (coding carries no consent).
    Code,
    /// Narrowed the reporter's consent record of a case.
    Consent,
    /// Read a case's codes, or the reporter's consent record and its changes.
    ReadCodes,
    /// Sent an escalation package to a rapporteur.
    Escalate,
    /// Read a case's escalation packages and how far each got.
    ReadEscalations,
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
            Action::Logout => "logout",
            Action::List => "list",
            Action::Pull => "pull",
            Action::Reply => "reply",
            Action::Status => "status",
            Action::Close => "close",
            Action::Code => "code",
            Action::Consent => "consent",
            Action::ReadCodes => "read_codes",
            Action::Escalate => "escalate",
            Action::ReadEscalations => "read_escalations",
            Action::Download => "download",
            Action::Ack => "ack",
            Action::Purge => "purge",
            Action::StatsLive => "stats_live",
            Action::MarkRead => "mark_read",
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
    /// Random bytes that keep the content hash from being guessed (empty for legacy entries).
    pub salt: Vec<u8>,
    /// [`content_hash`] of this entry's fields (empty for legacy entries).
    pub content_hash: Vec<u8>,
    /// Hash of the previous entry ([`GENESIS`] for the first).
    pub prev_hash: Vec<u8>,
    /// This entry's hash.
    pub hash: Vec<u8>,
}

/// Length of an entry's salt.
pub const SALT_BYTES: usize = 16;

/// The commitment to an entry's fields: SHA-256 over the salt and each field length-prefixed,
/// so no two different entries serialise alike and, with the salt, none can be guessed.
pub fn content_hash(
    salt: &[u8],
    at_minute: &str,
    actor: &str,
    action: &str,
    subject: &str,
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"safehold.audit.content.v2");
    h.update((salt.len() as u64).to_be_bytes());
    h.update(salt);
    for field in [at_minute, actor, action, subject] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    h.finalize().into()
}

/// The hash of an entry: SHA-256 over the previous hash, the sequence number and the entry's
/// content hash. A client can check a chain's links from this alone, without the content.
pub fn link_hash(prev_hash: &[u8], seq: i64, content_hash: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"safehold.audit.v2");
    h.update(prev_hash);
    h.update(seq.to_be_bytes());
    h.update(content_hash);
    h.finalize().into()
}

/// The hash of an entry written before content hashes existed: SHA-256 over the previous
/// hash, the sequence number and each field length-prefixed.
pub fn legacy_entry_hash(
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

/// A new entry to append after `previous` (the last entry's sequence number and hash, if any).
pub fn new_entry(
    previous: Option<(i64, Vec<u8>)>,
    actor: &str,
    action: Action,
    subject: &str,
) -> Entry {
    let (prev_seq, prev_hash) = previous.unwrap_or_else(|| (0, GENESIS.to_vec()));
    let seq = prev_seq + 1;
    let mut salt = vec![0u8; SALT_BYTES];
    // The OS RNG failing leaves nothing safe to do but stop this request's thread.
    if getrandom::fill(&mut salt).is_err() {
        panic!("the operating system's random number generator failed");
    }
    let at_minute = this_minute();
    let content = content_hash(&salt, &at_minute, actor, action.as_str(), subject);
    let hash = link_hash(&prev_hash, seq, &content);
    Entry {
        seq,
        at_minute,
        actor: actor.to_owned(),
        action: action.as_str().to_owned(),
        subject: subject.to_owned(),
        salt,
        content_hash: content.to_vec(),
        prev_hash,
        hash: hash.to_vec(),
    }
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

/// Checks a whole chain, in order, and names the first broken entry. Legacy entries are
/// accepted only before the first entry with a content hash.
pub fn verify(entries: &[Entry]) -> Result<(), ChainError> {
    let mut prev_hash: Vec<u8> = GENESIS.to_vec();
    let mut previous = 0;
    let mut seen_current = false;
    for e in entries {
        if e.seq != previous + 1 || e.prev_hash != prev_hash {
            return Err(ChainError::Broken {
                seq: e.seq,
                previous,
            });
        }
        let expected = if e.content_hash.is_empty() {
            if seen_current {
                return Err(ChainError::Altered { seq: e.seq });
            }
            legacy_entry_hash(
                &e.prev_hash,
                e.seq,
                &e.at_minute,
                &e.actor,
                &e.action,
                &e.subject,
            )
        } else {
            seen_current = true;
            let content = content_hash(&e.salt, &e.at_minute, &e.actor, &e.action, &e.subject);
            if e.content_hash != content {
                return Err(ChainError::Altered { seq: e.seq });
            }
            link_hash(&e.prev_hash, e.seq, &content)
        };
        if e.hash != expected {
            return Err(ChainError::Altered { seq: e.seq });
        }
        prev_hash = e.hash.clone();
        previous = e.seq;
    }
    Ok(())
}

/// A point of the chain someone has seen: a sequence number and the hash of that entry
/// (`seq` 0 and [`GENESIS`] before the first entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// The entry's sequence number.
    pub seq: i64,
    /// The entry's hash.
    pub hash: [u8; 32],
}

impl Head {
    /// The head of an empty chain.
    pub const EMPTY: Head = Head {
        seq: 0,
        hash: GENESIS,
    };

    /// The head at entry `e`.
    pub fn of(e: &Entry) -> Option<Head> {
        Some(Head {
            seq: e.seq,
            hash: e.hash.as_slice().try_into().ok()?,
        })
    }
}

impl std::fmt::Display for Head {
    /// `SEQ:HEX`, the form `safehold admin audit verify --head` takes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, hex::encode(self.hash))
    }
}

impl std::str::FromStr for Head {
    type Err = String;

    fn from_str(s: &str) -> Result<Head, String> {
        let bad = || {
            format!(
                "`{s}` is not an audit head: write SEQ:HASH, e.g. 42:9f86d0…, with the 64 hex digits of the hash"
            )
        };
        let (seq, hash) = s.trim().split_once(':').ok_or_else(bad)?;
        let seq: i64 = seq.parse().map_err(|_| bad())?;
        let hash: [u8; 32] = hex::decode(hash)
            .ok()
            .and_then(|h| h.try_into().ok())
            .ok_or_else(bad)?;
        if seq < 0 || (seq == 0 && hash != GENESIS) {
            return Err(bad());
        }
        Ok(Head { seq, hash })
    }
}

/// One link of the chain as a witness checks it: an entry's sequence number and content hash,
/// without the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// The entry's sequence number.
    pub seq: i64,
    /// Its [`content_hash`].
    pub content_hash: [u8; 32],
}

/// Why a chain does not extend a head someone saw.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rewritten {
    /// The chain ends before the head.
    #[error("the log now ends at entry {ends_at}, but entry {seen} was seen: entries were cut off")]
    Truncated {
        /// The seen head's sequence number.
        seen: i64,
        /// Where the chain ends now.
        ends_at: i64,
    },
    /// The chain holds another entry where the head was.
    #[error("entry {seq} now has another hash than the one seen: the log was rewritten")]
    Changed {
        /// The seen head's sequence number.
        seq: i64,
    },
    /// The links sent do not lead from the head to the chain's head.
    #[error("the entries after {seq} do not lead to the log's head: the log was rewritten")]
    NoPath {
        /// Where the path breaks.
        seq: i64,
    },
}

/// Follows `links` from `from` and returns the head they lead to. Links must continue the
/// sequence without gaps.
pub fn extend(from: Head, links: &[Link]) -> Result<Head, Rewritten> {
    let mut head = from;
    for link in links {
        if link.seq != head.seq + 1 {
            return Err(Rewritten::NoPath { seq: head.seq });
        }
        head = Head {
            seq: link.seq,
            hash: link_hash(&head.hash, link.seq, &link.content_hash),
        };
    }
    Ok(head)
}

/// Checks that `entries`, the whole chain as stored, extends `seen`: it reaches `seen.seq`
/// and holds exactly `seen.hash` there. What `safehold admin audit verify --head` runs.
pub fn extends(entries: &[Entry], seen: Head) -> Result<(), Rewritten> {
    if seen.seq == 0 {
        return Ok(());
    }
    let ends_at = entries.last().map_or(0, |e| e.seq);
    let Some(entry) = entries.iter().find(|e| e.seq == seen.seq) else {
        return Err(Rewritten::Truncated {
            seen: seen.seq,
            ends_at,
        });
    };
    if entry.hash != seen.hash {
        return Err(Rewritten::Changed { seq: seen.seq });
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

    fn entry(prev: &[u8], seq: i64, actor: &str) -> Entry {
        let salt = vec![seq as u8; SALT_BYTES];
        let content = content_hash(&salt, "2026-11-23T10:00", actor, "pull", "AAAA-BBBB-CCCC");
        Entry {
            seq,
            at_minute: "2026-11-23T10:00".into(),
            actor: actor.into(),
            action: "pull".into(),
            subject: "AAAA-BBBB-CCCC".into(),
            salt,
            content_hash: content.to_vec(),
            prev_hash: prev.to_vec(),
            hash: link_hash(prev, seq, &content).to_vec(),
        }
    }

    fn chain(n: i64) -> Vec<Entry> {
        let mut prev = GENESIS.to_vec();
        (1..=n)
            .map(|seq| {
                let e = entry(&prev, seq, "caseworker/amina");
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn links(entries: &[Entry]) -> Vec<Link> {
        entries
            .iter()
            .map(|e| Link {
                seq: e.seq,
                content_hash: e.content_hash.as_slice().try_into().unwrap(),
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
            content_hash(&[], "m", "ab", "c", ""),
            content_hash(&[], "m", "a", "bc", "")
        );
    }

    #[test]
    fn legacy_entries_verify_only_before_current_ones() {
        let first = legacy_entry_hash(&GENESIS, 1, "m", "caseworker/amina", "list", "");
        let legacy = |prev: &[u8], seq: i64, hash: [u8; 32]| Entry {
            seq,
            at_minute: "m".into(),
            actor: "caseworker/amina".into(),
            action: "list".into(),
            subject: String::new(),
            salt: vec![],
            content_hash: vec![],
            prev_hash: prev.to_vec(),
            hash: hash.to_vec(),
        };
        let mut entries = vec![legacy(&GENESIS, 1, first)];
        entries.push(entry(&first, 2, "caseworker/amina"));
        assert_eq!(verify(&entries), Ok(()));
        // A legacy-format entry after a current one is a downgrade: refused.
        let after = entries[1].hash.clone();
        let third = legacy_entry_hash(&after, 3, "m", "caseworker/amina", "list", "");
        entries.push(legacy(&after, 3, third));
        assert_eq!(verify(&entries), Err(ChainError::Altered { seq: 3 }));
    }

    #[test]
    fn a_witness_follows_links_to_the_head() {
        let entries = chain(6);
        let seen = Head::of(&entries[2]).unwrap();
        let head = extend(seen, &links(&entries[3..])).unwrap();
        assert_eq!(head, Head::of(&entries[5]).unwrap());
        assert_eq!(extend(Head::EMPTY, &links(&entries)), Ok(head));
        // A gap in the links is no path.
        let mut gapped = links(&entries[3..]);
        gapped.remove(1);
        assert_eq!(extend(seen, &gapped), Err(Rewritten::NoPath { seq: 4 }));
    }

    #[test]
    fn a_rehashed_chain_with_a_reassigned_actor_does_not_extend_a_seen_head() {
        let entries = chain(5);
        let seen = Head::of(&entries[3]).unwrap();
        assert_eq!(extends(&entries, seen), Ok(()));
        // Rewrite from scratch: entry 2 reassigned, every hash recomputed, chain valid again.
        let mut prev = GENESIS.to_vec();
        let rewritten: Vec<Entry> = (1..=5)
            .map(|seq| {
                let actor = if seq == 2 {
                    "caseworker/bruno"
                } else {
                    "caseworker/amina"
                };
                let e = entry(&prev, seq, actor);
                prev = e.hash.clone();
                e
            })
            .collect();
        assert_eq!(verify(&rewritten), Ok(()));
        assert_eq!(
            extends(&rewritten, seen),
            Err(Rewritten::Changed { seq: 4 })
        );
        // Truncation below the seen head.
        assert_eq!(
            extends(&entries[..2], seen),
            Err(Rewritten::Truncated {
                seen: 4,
                ends_at: 2
            })
        );
    }

    #[test]
    fn heads_parse_and_print_alike() {
        let head = Head::of(&chain(3)[2]).unwrap();
        assert_eq!(head.to_string().parse::<Head>(), Ok(head));
        assert!("3:abcd".parse::<Head>().is_err());
        assert!("x:".parse::<Head>().is_err());
        assert_eq!(
            "0:".to_owned() + &hex::encode(GENESIS),
            Head::EMPTY.to_string()
        );
    }
}
