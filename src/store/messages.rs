//! A case's thread (replies and follow-ups, ciphertext only) and its status.

use sqlx::Row;

use super::{Store, StoreError, new_alert_id, new_public_id, today, with_pool};

/// The alert an event raises, queued in the outbox in the event's own transaction.
#[derive(Debug, Clone, Copy)]
pub struct AlertEvent<'a> {
    /// `follow_up`, `reply`, `status_change`, …
    pub kind: &'a str,
    /// The case's route.
    pub route: &'a str,
    /// The route's alert targets.
    pub targets: &'a [String],
}

/// Inserts one outbox row per target, inside the caller's transaction.
macro_rules! queue_alerts {
    ($tx:expr, $case_id:expr, $alert:expr) => {
        for target in $alert.targets {
            sqlx::query("INSERT INTO outbox (kind, route, case_id, urgent, target, idem) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind($alert.kind)
                .bind($alert.route)
                .bind($case_id)
                .bind(false)
                .bind(target.as_str())
                .bind(new_alert_id())
                .execute(&mut *$tx)
                .await?;
        }
    };
}

/// One message of a thread, still encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// Random id.
    pub id: String,
    /// Position in the thread, from 1.
    pub seq: i64,
    /// `reporter` or `caseworker/<name>`.
    pub author: String,
    /// Day it was added.
    pub day: String,
    /// The age file.
    pub ciphertext: Vec<u8>,
}

impl Store {
    /// Appends a message to a case's thread and queues its alert. `None` if the case does
    /// not exist.
    pub async fn add_message(
        &self,
        case_id: &str,
        author: &str,
        ciphertext: &[u8],
        alert: AlertEvent<'_>,
    ) -> Result<Option<StoredMessage>, StoreError> {
        let id = new_public_id();
        let day = today();
        let added = with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            // Locks the case (a row lock on PostgreSQL, the write lock on SQLite) so two
            // messages cannot take the same place, and tells whether the case exists.
            let found = sqlx::query("UPDATE reports SET status = status WHERE public_id = $1")
                .bind(case_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if found == 0 {
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
                    .bind(author)
                    .bind(&day)
                    .bind(ciphertext)
                    .execute(&mut *tx)
                    .await?;
                queue_alerts!(tx, case_id, alert);
                tx.commit().await?;
                Some(seq)
            }
        });
        Ok(added.map(|seq| StoredMessage {
            id,
            seq,
            author: author.to_owned(),
            day,
            ciphertext: ciphertext.to_vec(),
        }))
    }

    /// A case's thread, in order.
    pub async fn messages(&self, case_id: &str) -> Result<Vec<StoredMessage>, StoreError> {
        let rows = with_pool!(&self.pool, |p| {
            sqlx::query("SELECT id, seq, author, day, ciphertext FROM messages WHERE case_id = $1 ORDER BY seq")
                .bind(case_id)
                .fetch_all(p)
                .await?
                .into_iter()
                .map(|r| -> Result<StoredMessage, sqlx::Error> {
                    Ok(StoredMessage {
                        id: r.try_get("id")?,
                        seq: r.try_get("seq")?,
                        author: r.try_get("author")?,
                        day: r.try_get("day")?,
                        ciphertext: r.try_get("ciphertext")?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// Moves a case from status `from` to `to` and queues its alert; false if it was no
    /// longer in `from`.
    pub async fn set_status(
        &self,
        case_id: &str,
        from: &str,
        to: &str,
        alert: AlertEvent<'_>,
    ) -> Result<bool, StoreError> {
        let changed = with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            let changed = sqlx::query(
                "UPDATE reports SET status = $3, \
                     assessed_credible = (assessed_credible OR $3 IN ('credible', 'referred')) \
                     WHERE public_id = $1 AND status = $2",
            )
            .bind(case_id)
            .bind(from)
            .bind(to)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if changed {
                if to == "closed" {
                    // Retention counts from this day.
                    sqlx::query("UPDATE reports SET closed_day = $2 WHERE public_id = $1")
                        .bind(case_id)
                        .bind(today())
                        .execute(&mut *tx)
                        .await?;
                }
                queue_alerts!(tx, case_id, alert);
                tx.commit().await?;
            }
            changed
        });
        Ok(changed)
    }
}
