//! Staff challenges and sessions, stored by the hashes of their nonces and tokens, each bound
//! to the key (`key_id`, the SHA-256 of an age recipient) its nonce was encrypted to.

use super::{Audit, Store, StoreError, append_audit, begin_audited, with_pool};
use crate::audit::Action;

/// Who a session or challenge belongs to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StaffIdentity {
    /// `caseworker`, `rapporteur` or `admin`.
    pub role: String,
    /// Name from `keys/`.
    pub name: String,
}

/// A challenge, taken from the table as it is redeemed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredChallenge {
    /// Whom it was issued to.
    #[sqlx(flatten)]
    pub who: StaffIdentity,
    /// The key its nonce was encrypted to.
    pub key_id: Vec<u8>,
    /// False for a decoy issued to an unknown name.
    pub redeemable: bool,
    /// The UTC day (days since 1970-01-01) it expires; the exact time is inside the secret.
    pub expires_day: i64,
}

/// A session, found by its token hash.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredSession {
    /// Whose it is.
    #[sqlx(flatten)]
    pub who: StaffIdentity,
    /// The key that answered the challenge.
    pub key_id: Vec<u8>,
    /// The UTC day (days since 1970-01-01) it expires; the exact time is inside the secret.
    pub expires_day: i64,
}

impl Store {
    /// Stores a challenge by the hash of its nonce. Decoys are stored too (unredeemable), so
    /// real and unknown names cost the same.
    pub async fn insert_challenge(
        &self,
        nonce_hash: &[u8; 32],
        who: &StaffIdentity,
        key_id: &[u8; 32],
        redeemable: bool,
        expires_day: i64,
    ) -> Result<(), StoreError> {
        with_pool!(&self.pool, |p| {
            sqlx::query("DELETE FROM staff_challenges WHERE expires_day < $1")
                .bind(expires_day - 1)
                .execute(p)
                .await?;
            sqlx::query(
                "INSERT INTO staff_challenges (nonce_hash, role, name, key_id, redeemable, expires_day) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&nonce_hash[..])
            .bind(&who.role)
            .bind(&who.name)
            .bind(&key_id[..])
            .bind(redeemable)
            .bind(expires_day)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Removes a challenge and returns it if it was there: a nonce is good once.
    pub async fn take_challenge(
        &self,
        nonce_hash: &[u8; 32],
    ) -> Result<Option<StoredChallenge>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "DELETE FROM staff_challenges WHERE nonce_hash = $1 RETURNING role, name, key_id, redeemable, expires_day",
            )
            .bind(&nonce_hash[..])
            .fetch_optional(p)
            .await?
        }))
    }

    /// Stores a session by the hash of its token, bound to `key_id`, with its login entry
    /// (actor `role/name`) in the same transaction.
    pub async fn insert_session(
        &self,
        token_hash: &[u8; 32],
        who: &StaffIdentity,
        key_id: &[u8],
        expires_day: i64,
    ) -> Result<(), StoreError> {
        let actor = format!("{}/{}", who.role, who.name);
        with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            sqlx::query("DELETE FROM staff_sessions WHERE expires_day < $1")
                .bind(expires_day - 2)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO staff_sessions (token_hash, role, name, key_id, expires_day) VALUES ($1, $2, $3, $4, $5)")
                .bind(&token_hash[..])
                .bind(&who.role)
                .bind(&who.name)
                .bind(key_id)
                .bind(expires_day)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, Audit::new(&actor, Action::Login), "");
            tx.commit().await?;
        });
        Ok(())
    }

    /// Ends a session (logout), with its audit entry in the same transaction. False if there
    /// was no such session.
    pub async fn delete_session(
        &self,
        token_hash: &[u8; 32],
        audit: Audit<'_>,
    ) -> Result<bool, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            let deleted = sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
                .bind(&token_hash[..])
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if deleted {
                append_audit!(tx, audit, "");
                tx.commit().await?;
            }
            deleted
        }))
    }

    /// The session for a token hash, with its expiry.
    pub async fn session(
        &self,
        token_hash: &[u8; 32],
    ) -> Result<Option<StoredSession>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT role, name, key_id, expires_day FROM staff_sessions WHERE token_hash = $1",
            )
            .bind(&token_hash[..])
            .fetch_optional(p)
            .await?
        }))
    }
}
