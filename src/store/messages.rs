//! A case's thread: the caseworkers' replies and the reporter's follow-ups, ciphertext only.

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
}

impl Store {
    /// Appends a message to a case's thread and queues its alert, in one transaction with,
    /// for a caseworker's reply, its audit entry. `None` if the case does not exist.
    pub async fn add_message(
        &self,
        case_id: &str,
        author: &Author,
        ciphertext: &[u8],
        alert: AlertEvent<'_>,
    ) -> Result<Option<StoredMessage>, StoreError> {
        let id = new_public_id();
        let day = today();
        let actor = author.to_string();
        let audit = match author {
            Author::Caseworker(_) => Some(Audit::new(&actor, Action::Reply)),
            Author::Reporter => None,
        };
        let added = with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            // Two messages cannot take the same place in the thread.
            if !lock_case!(tx, case_id) {
                None
            } else {
                let seq: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE case_id = $1",
                )
                .bind(case_id)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO messages (id, case_id, seq, author, day, ciphertext) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(&id)
                    .bind(case_id)
                    .bind(seq)
                    .bind(author.to_string())
                    .bind(&day)
                    .bind(ciphertext)
                    .execute(&mut *tx)
                    .await?;
                queue_alerts!(tx, case_id, alert);
                if let Some(audit) = audit {
                    append_audit!(tx, audit, case_id);
                }
                tx.commit().await?;
                Some(seq)
            }
        });
        Ok(added.map(|seq| StoredMessage {
            id,
            seq,
            author: author.clone(),
            day,
            ciphertext: ciphertext.to_vec(),
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
                "SELECT id, seq, author, day, ciphertext FROM messages WHERE case_id = $1 ORDER BY seq",
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
                "SELECT id, seq, author, day, ciphertext FROM messages WHERE case_id = $1 ORDER BY seq",
            )
            .bind(case_id)
            .fetch_all(p)
            .await?
        }))
    }
}
