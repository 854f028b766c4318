//! A case's thread: the caseworkers' replies and the reporter's follow-ups, ciphertext only,
//! each with the thread MAC its writer computed (the server cannot compute or check it).

use super::outbox::queue_alerts;
use super::{
    AlertEvent, Audit, Store, StoreError, append_audit, begin_audited, lock_case, new_alert_id,
    new_public_id, today, with_pool,
};
use crate::audit::Action;
use crate::domain::Author;

/// One message of a thread, still encrypted.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredMessage {
    /// Random id.
    pub id: String,
    /// Position in the thread, from 1.
    pub seq: i64,
    /// `reporter` or `caseworker/<name>`.
    #[sqlx(try_from = "String")]
    pub author: Author,
    /// Day it was added.
    pub day: String,
    /// The age file.
    pub ciphertext: Vec<u8>,
    /// The writer's thread MAC over author side, position and ciphertext; `None` only on
    /// messages stored before thread MACs existed, which no reader trusts.
    pub thread_mac: Option<Vec<u8>>,
}

/// A message to append: who wrote it, the position its writer signed for, the age file and
/// the writer's thread MAC.
#[derive(Debug, Clone, Copy)]
pub struct NewMessage<'a> {
    /// The reporter or a caseworker.
    pub author: &'a Author,
    /// The position the writer's MAC covers: it must be the next free one.
    pub seq: i64,
    /// The age file.
    pub ciphertext: &'a [u8],
    /// The writer's thread MAC.
    pub thread_mac: &'a [u8; 32],
}

/// What became of a new message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageOutcome {
    /// Stored at the position its writer asked for.
    Added(StoredMessage),
    /// The case does not exist.
    NoSuchCase,
    /// Another message took that position first; the writer's MAC covers the position, so
    /// it must read the thread again and write for `next`.
    PlaceTaken {
        /// The position a new message would take now.
        next: i64,
    },
}

impl Store {
    /// Appends a message at position `seq` of a case's thread and queues its alert, if that
    /// is the next free position, in one transaction with, for a caseworker's reply, its audit
    /// entry.
    pub async fn add_message(
        &self,
        case_id: &str,
        message: NewMessage<'_>,
        alert: AlertEvent<'_>,
    ) -> Result<MessageOutcome, StoreError> {
        let NewMessage {
            author,
            seq,
            ciphertext,
            thread_mac,
        } = message;
        let id = new_public_id();
        let day = today();
        let actor = author.to_string();
        let audit = match author {
            Author::Caseworker(_) => Some(Audit::new(&actor, Action::Reply)),
            Author::Reporter => None,
        };
        let placed = with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            // Two messages cannot take the same place in the thread.
            if !lock_case!(tx, case_id) {
                Err(None)
            } else {
                let next: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE case_id = $1",
                )
                .bind(case_id)
                .fetch_one(&mut *tx)
                .await?;
                if next != seq {
                    Err(Some(next))
                } else {
                    sqlx::query("INSERT INTO messages (id, case_id, seq, author, day, ciphertext, thread_mac) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(&id)
                        .bind(case_id)
                        .bind(seq)
                        .bind(author.to_string())
                        .bind(&day)
                        .bind(ciphertext)
                        .bind(&thread_mac[..])
                        .execute(&mut *tx)
                        .await?;
                    queue_alerts!(tx, case_id, alert);
                    if let Some(audit) = audit {
                        append_audit!(tx, audit, case_id);
                    }
                    tx.commit().await?;
                    Ok(())
                }
            }
        });
        Ok(match placed {
            Ok(()) => MessageOutcome::Added(StoredMessage {
                id,
                seq,
                author: author.clone(),
                day,
                ciphertext: ciphertext.to_vec(),
                thread_mac: Some(thread_mac.to_vec()),
            }),
            Err(None) => MessageOutcome::NoSuchCase,
            Err(Some(next)) => MessageOutcome::PlaceTaken { next },
        })
    }

    /// The position the next message of a case's thread would take.
    pub async fn next_message_seq(&self, case_id: &str) -> Result<i64, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE case_id = $1")
                .bind(case_id)
                .fetch_one(p)
                .await?
        }))
    }

    /// A case's thread, in order, read by staff: the read is audited (as `audit` about
    /// `case_id`) in the same transaction, so the thread never leaves without its entry.
    pub async fn pull_thread(
        &self,
        case_id: &str,
        audit: Audit<'_>,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            let messages = sqlx::query_as(
                "SELECT id, seq, author, day, ciphertext, thread_mac FROM messages WHERE case_id = $1 ORDER BY seq",
            )
            .bind(case_id)
            .fetch_all(&mut *tx)
            .await?;
            append_audit!(tx, audit, case_id);
            tx.commit().await?;
            messages
        }))
    }

    /// A case's thread, in order.
    pub async fn messages(&self, case_id: &str) -> Result<Vec<StoredMessage>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT id, seq, author, day, ciphertext, thread_mac FROM messages WHERE case_id = $1 ORDER BY seq",
            )
            .bind(case_id)
            .fetch_all(p)
            .await?
        }))
    }
}
