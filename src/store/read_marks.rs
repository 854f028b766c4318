//! How far each caseworker has read each case's thread: one position per case and reader,
//! so `case list` can mark cases with reporter messages after it. Positions only, never a
//! time: a mark says "amina has seen up to #3", not when.

use super::{Audit, Store, StoreError, append_audit, begin_audited, lock_case, with_pool};

impl Store {
    /// Records that `reader` has seen `case_id`'s thread up to position `seq` (never moving a
    /// mark back, never past the thread's end), with its audit entry, in one transaction.
    /// The mark kept, or `None` if the case does not exist.
    pub async fn mark_read(
        &self,
        case_id: &str,
        reader: &str,
        seq: i64,
        audit: Audit<'_>,
    ) -> Result<Option<i64>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            if !lock_case!(tx, case_id) {
                None
            } else {
                let last: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE case_id = $1",
                )
                .bind(case_id)
                .fetch_one(&mut *tx)
                .await?;
                let seq = seq.clamp(0, last);
                sqlx::query(
                    "INSERT INTO read_marks (case_id, reader, seq) VALUES ($1, $2, 0) \
                     ON CONFLICT (case_id, reader) DO NOTHING",
                )
                .bind(case_id)
                .bind(reader)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE read_marks SET seq = $3 WHERE case_id = $1 AND reader = $2 AND seq < $3",
                )
                .bind(case_id)
                .bind(reader)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
                let kept: i64 = sqlx::query_scalar(
                    "SELECT seq FROM read_marks WHERE case_id = $1 AND reader = $2",
                )
                .bind(case_id)
                .bind(reader)
                .fetch_one(&mut *tx)
                .await?;
                append_audit!(tx, audit, case_id);
                tx.commit().await?;
                Some(kept)
            }
        }))
    }
}
