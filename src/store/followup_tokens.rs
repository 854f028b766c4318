//! Spent follow-up tokens: the receipt page's no-JavaScript form is good once. Only the hash
//! of a token and the day it was used are kept, and only until the day after.

use super::{Store, StoreError, today, with_pool};

impl Store {
    /// Records a follow-up token as used; `false` if it already was (a replay).
    pub async fn spend_followup_token(&self, spent_id: &[u8; 32]) -> Result<bool, StoreError> {
        let now = time::OffsetDateTime::now_utc().date();
        // A token lives an hour: anything spent before yesterday has expired anyway.
        let oldest_kept = now.previous_day().unwrap_or(now).to_string();
        let day = today();
        let inserted = with_pool!(&self.pool, |p| {
            sqlx::query("DELETE FROM spent_followup_tokens WHERE day < $1")
                .bind(&oldest_kept)
                .execute(p)
                .await?;
            sqlx::query(
                "INSERT INTO spent_followup_tokens (token_hash, day) VALUES ($1, $2) ON CONFLICT (token_hash) DO NOTHING",
            )
            .bind(&spent_id[..])
            .bind(&day)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }
}
