//! Staff challenges, sessions, the audit chain and case listings. Hashes of nonces and tokens
//! only; ciphertext only.

use sqlx::Row;

use super::{Backend, Store, StoreError, StoredReport, with_pool};
use crate::audit;

/// A case as listed to staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    /// Public id.
    pub public_id: String,
    /// Route.
    pub route: String,
    /// Day received.
    pub received_day: String,
    /// Allegation status.
    pub status: String,
}

/// Who a session or challenge belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffIdentity {
    /// `caseworker`, `rapporteur` or `admin`.
    pub role: String,
    /// Name from `keys/`.
    pub name: String,
}

impl Store {
    /// Stores a challenge by the hash of its nonce. Decoys are stored too (unredeemable), so
    /// real and unknown names cost the same.
    pub async fn insert_challenge(
        &self,
        nonce_hash: &[u8; 32],
        who: &StaffIdentity,
        redeemable: bool,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        with_pool!(&self.pool, |p| {
            sqlx::query("DELETE FROM staff_challenges WHERE expires_at < $1")
                .bind(expires_at - 3600)
                .execute(p)
                .await?;
            sqlx::query(
                "INSERT INTO staff_challenges (nonce_hash, role, name, redeemable, expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&nonce_hash[..])
            .bind(&who.role)
            .bind(&who.name)
            .bind(redeemable)
            .bind(expires_at)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Removes a challenge and returns it if it was there: a nonce is good once.
    pub async fn take_challenge(
        &self,
        nonce_hash: &[u8; 32],
    ) -> Result<Option<(StaffIdentity, bool, i64)>, StoreError> {
        let row = with_pool!(&self.pool, |p| {
            sqlx::query("DELETE FROM staff_challenges WHERE nonce_hash = $1 RETURNING role, name, redeemable, expires_at")
                .bind(&nonce_hash[..])
                .fetch_optional(p)
                .await?
                .map(|r| -> Result<_, sqlx::Error> {
                    Ok((
                        StaffIdentity { role: r.try_get("role")?, name: r.try_get("name")? },
                        r.try_get::<bool, _>("redeemable")?,
                        r.try_get::<i64, _>("expires_at")?,
                    ))
                })
        });
        Ok(row.transpose()?)
    }

    /// Stores a session by the hash of its token.
    pub async fn insert_session(
        &self,
        token_hash: &[u8; 32],
        who: &StaffIdentity,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        with_pool!(&self.pool, |p| {
            sqlx::query("DELETE FROM staff_sessions WHERE expires_at < $1")
                .bind(expires_at - 86_400)
                .execute(p)
                .await?;
            sqlx::query("INSERT INTO staff_sessions (token_hash, role, name, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(&token_hash[..])
                .bind(&who.role)
                .bind(&who.name)
                .bind(expires_at)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// The session for a token hash, with its expiry.
    pub async fn session(
        &self,
        token_hash: &[u8; 32],
    ) -> Result<Option<(StaffIdentity, i64)>, StoreError> {
        let row = with_pool!(&self.pool, |p| {
            sqlx::query("SELECT role, name, expires_at FROM staff_sessions WHERE token_hash = $1")
                .bind(&token_hash[..])
                .fetch_optional(p)
                .await?
                .map(|r| -> Result<_, sqlx::Error> {
                    Ok((
                        StaffIdentity {
                            role: r.try_get("role")?,
                            name: r.try_get("name")?,
                        },
                        r.try_get::<i64, _>("expires_at")?,
                    ))
                })
        });
        Ok(row.transpose()?)
    }

    /// Appends an entry to the audit chain. Appends are serialised (an advisory lock on
    /// PostgreSQL, SQLite's write lock taken up front), so the chain never forks.
    pub async fn append_audit(
        &self,
        actor: &str,
        action: audit::Action,
        subject: &str,
    ) -> Result<(), StoreError> {
        let lock = match self.backend() {
            // A write statement first: the transaction holds SQLite's write lock before it reads.
            Backend::Sqlite => "UPDATE audit_log SET seq = seq WHERE 0 = 1",
            Backend::Postgres => "SELECT pg_advisory_xact_lock(7316)",
        };
        let at_minute = audit::this_minute();
        with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(lock).execute(&mut *tx).await?;
            let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?;
            let (prev_seq, prev_hash) = match last {
                Some(row) => (
                    row.try_get::<i64, _>("seq")?,
                    row.try_get::<Vec<u8>, _>("hash")?,
                ),
                None => (0, audit::GENESIS.to_vec()),
            };
            let seq = prev_seq + 1;
            let hash =
                audit::entry_hash(&prev_hash, seq, &at_minute, actor, action.as_str(), subject);
            sqlx::query(
                "INSERT INTO audit_log (seq, at_minute, actor, action, subject, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(seq)
            .bind(&at_minute)
            .bind(actor)
            .bind(action.as_str())
            .bind(subject)
            .bind(&prev_hash)
            .bind(&hash[..])
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The whole audit chain, in order.
    pub async fn audit_log(&self) -> Result<Vec<audit::Entry>, StoreError> {
        let rows = with_pool!(&self.pool, |p| {
            sqlx::query("SELECT seq, at_minute, actor, action, subject, prev_hash, hash FROM audit_log ORDER BY seq")
                .fetch_all(p)
                .await?
                .into_iter()
                .map(|r| -> Result<audit::Entry, sqlx::Error> {
                    Ok(audit::Entry {
                        seq: r.try_get("seq")?,
                        at_minute: r.try_get("at_minute")?,
                        actor: r.try_get("actor")?,
                        action: r.try_get("action")?,
                        subject: r.try_get("subject")?,
                        prev_hash: r.try_get("prev_hash")?,
                        hash: r.try_get("hash")?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// Cases on any of `routes`, optionally of one status, newest day first.
    pub async fn list_cases(
        &self,
        routes: &[String],
        status: Option<&str>,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        let rows = with_pool!(&self.pool, |p| {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT public_id, route, received_day, status FROM reports WHERE route IN (",
            );
            let mut names = query.separated(", ");
            for route in routes {
                names.push_bind(route.as_str());
            }
            query.push(")");
            if let Some(status) = status {
                query.push(" AND status = ").push_bind(status);
            }
            query.push(" ORDER BY received_day DESC, public_id");
            if routes.is_empty() {
                Vec::new()
            } else {
                query
                    .build()
                    .fetch_all(p)
                    .await?
                    .into_iter()
                    .map(|r| -> Result<CaseSummary, sqlx::Error> {
                        Ok(CaseSummary {
                            public_id: r.try_get("public_id")?,
                            route: r.try_get("route")?,
                            received_day: r.try_get("received_day")?,
                            status: r.try_get("status")?,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?
            }
        });
        Ok(rows)
    }

    /// A report, if it is on one of `routes`: other routes' cases do not exist for the caller.
    pub async fn case_on_routes(
        &self,
        public_id: &str,
        routes: &[String],
    ) -> Result<Option<StoredReport>, StoreError> {
        Ok(self
            .report(public_id)
            .await?
            .filter(|r| routes.contains(&r.route)))
    }
}

/// Exact counts over some routes, for staff triage only: never published.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveCounts {
    /// (route, status, cases).
    pub by_status: Vec<(String, String, i64)>,
    /// (taxonomy field, code, cases), restricted fields left out.
    pub by_code: Vec<(String, String, i64)>,
}

impl Store {
    /// Exact counts of the cases on `routes`: by route and status, and by coded category.
    pub async fn live_counts(&self, routes: &[String]) -> Result<LiveCounts, StoreError> {
        if routes.is_empty() {
            return Ok(LiveCounts::default());
        }
        let counts = with_pool!(&self.pool, |p| {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT route, status, COUNT(*) AS n FROM reports WHERE route IN (",
            );
            let mut names = query.separated(", ");
            for route in routes {
                names.push_bind(route.as_str());
            }
            query.push(") GROUP BY route, status ORDER BY route, status");
            let by_status = query
                .build()
                .fetch_all(p)
                .await?
                .into_iter()
                .map(|r| Ok((r.try_get("route")?, r.try_get("status")?, r.try_get("n")?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            let mut query = sqlx::QueryBuilder::new(
                "SELECT c.field, c.code, COUNT(DISTINCT c.case_id) AS n FROM case_codes c \
                 JOIN reports r ON r.public_id = c.case_id WHERE NOT c.restricted AND r.route IN (",
            );
            let mut names = query.separated(", ");
            for route in routes {
                names.push_bind(route.as_str());
            }
            query.push(") GROUP BY c.field, c.code ORDER BY c.field, c.code");
            let by_code = query
                .build()
                .fetch_all(p)
                .await?
                .into_iter()
                .map(|r| Ok((r.try_get("field")?, r.try_get("code")?, r.try_get("n")?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            LiveCounts { by_status, by_code }
        });
        Ok(counts)
    }
}
