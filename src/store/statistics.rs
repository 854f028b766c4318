//! Statistics: the coded incidents that statistics may read (codes, consent flag, status,
//! days; never content), and the releases, stored once and never changed. Each release row
//! is also the privacy-budget ledger entry.
//!
//! This module sees ids, codes and published figures only; it knows nothing of the envelope.

use super::{Audit, Pool, Store, StoreError, append_audit, begin_audited, with_pool};

/// One unrestricted code of a coded case, with what statistics need to decide whether it
/// counts.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StatsCodeRow {
    /// Case id, or the incident id of a purged case.
    pub case_id: String,
    /// Allegation status; `closed` for a purged case (only closed cases are purged).
    pub status: String,
    /// Whether the recorded consent covers statistics.
    #[sqlx(rename = "statistics")]
    pub statistics_consent: bool,
    /// Day coded (`YYYY-MM-DD`, or `YYYY` once purged).
    pub coded_day: String,
    /// Taxonomy field.
    pub field: String,
    /// Taxonomy code.
    pub code: String,
    /// The victim this incident concerns: a random victim id when caseworkers linked cases of
    /// one person, else the case id itself.
    pub victim: String,
}

/// A release to store.
#[derive(Debug, Clone)]
pub struct NewRelease<'a> {
    /// `YYYY-MM-DD_YYYY-MM-DD`.
    pub id: &'a str,
    /// First day.
    pub period_start: &'a str,
    /// Last day.
    pub period_end: &'a str,
    /// Day made.
    pub released_day: &'a str,
    /// `discrete_laplace` or `suppression_rounding`.
    pub mechanism: &'a str,
    /// ε spent, in thousandths.
    pub epsilon_millis: i64,
    /// Canonical JSON.
    pub json: &'a str,
    /// Canonical CSV.
    pub csv: &'a str,
}

/// What happened to a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseOutcome {
    /// Stored.
    Stored,
    /// The period was released already, on this day; nothing changed.
    AlreadyReleased {
        /// Day of the existing release.
        released_day: String,
    },
    /// The lifetime budget would be exceeded; nothing changed.
    OverBudget {
        /// ε spent so far, in thousandths.
        spent_millis: i64,
    },
}

/// A stored release's ledger line (without its data).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LedgerEntry {
    /// `YYYY-MM-DD_YYYY-MM-DD`.
    pub id: String,
    /// First day.
    pub period_start: String,
    /// Last day.
    pub period_end: String,
    /// Day made.
    pub released_day: String,
    /// Mechanism.
    pub mechanism: String,
    /// ε spent, in thousandths.
    pub epsilon_millis: i64,
}

impl Store {
    /// Every unrestricted code of every coded case, with the reporter's current statistics
    /// consent (read when a release is made: a withdrawal before then takes the case out) and
    /// its status. Purged cases (no report left) count as closed; a case closed without being
    /// assessed credible reports `closed_unassessed`.
    pub async fn stats_code_rows(&self) -> Result<Vec<StatsCodeRow>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                // A case closed without ever being assessed credible reports a status no table
                // counts; purged incidents were kept only if they had been (see retention).
                "SELECT c.case_id, CASE WHEN r.status = 'closed' AND NOT r.assessed_credible \
                 THEN 'closed_unassessed' ELSE COALESCE(r.status, 'closed') END AS status, n.statistics, \
                 k.coded_day, c.field, c.code, COALESCE(v.victim, c.case_id) AS victim \
                 FROM case_codes c \
                 JOIN case_coding k ON k.case_id = c.case_id \
                 JOIN consent n ON n.case_id = c.case_id \
                 LEFT JOIN victim_links v ON v.case_id = c.case_id \
                 LEFT JOIN reports r ON r.public_id = c.case_id \
                 WHERE NOT c.restricted ORDER BY c.case_id, c.field, c.code",
            )
            .fetch_all(p)
            .await?
        }))
    }

    /// Stores a release once: refused if its period was released already, or if the ε spent
    /// so far plus this one would exceed `lifetime_millis`. The check and the insert are one
    /// transaction (on PostgreSQL under an exclusive table lock, so two operators cannot both
    /// pass the budget check).
    pub async fn insert_release(
        &self,
        new: &NewRelease<'_>,
        lifetime_millis: i64,
    ) -> Result<ReleaseOutcome, StoreError> {
        let outcome = with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            if matches!(&self.pool, Pool::Postgres(_)) {
                sqlx::query("LOCK TABLE stats_releases IN EXCLUSIVE MODE")
                    .execute(&mut *tx)
                    .await?;
            }
            let existing: Option<String> =
                sqlx::query_scalar("SELECT released_day FROM stats_releases WHERE id = $1")
                    .bind(new.id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let spent: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(epsilon_millis), 0) AS BIGINT) FROM stats_releases",
            )
            .fetch_one(&mut *tx)
            .await?;
            if let Some(released_day) = existing {
                ReleaseOutcome::AlreadyReleased { released_day }
            } else if spent + new.epsilon_millis > lifetime_millis {
                ReleaseOutcome::OverBudget {
                    spent_millis: spent,
                }
            } else {
                sqlx::query(
                    "INSERT INTO stats_releases (id, period_start, period_end, released_day, \
                     mechanism, epsilon_millis, release_json, release_csv) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(new.id)
                .bind(new.period_start)
                .bind(new.period_end)
                .bind(new.released_day)
                .bind(new.mechanism)
                .bind(new.epsilon_millis)
                .bind(new.json)
                .bind(new.csv)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                ReleaseOutcome::Stored
            }
        });
        Ok(outcome)
    }

    /// The ledger: every release, oldest period first.
    pub async fn stats_ledger(&self) -> Result<Vec<LedgerEntry>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT id, period_start, period_end, released_day, mechanism, \
                 CAST(epsilon_millis AS BIGINT) AS epsilon_millis FROM stats_releases \
                 ORDER BY period_start",
            )
            .fetch_all(p)
            .await?
        }))
    }

    /// A stored release's canonical JSON and CSV.
    pub async fn stats_release(&self, id: &str) -> Result<Option<(String, String)>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as("SELECT release_json, release_csv FROM stats_releases WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await?
        }))
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
    pub async fn live_counts(
        &self,
        routes: &[String],
        audit: Audit<'_>,
    ) -> Result<LiveCounts, StoreError> {
        let counts = with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            append_audit!(tx, audit, "");
            if routes.is_empty() {
                tx.commit().await?;
                return Ok(LiveCounts::default());
            }
            let mut query = sqlx::QueryBuilder::new(
                "SELECT route, status, COUNT(*) AS n FROM reports WHERE route IN (",
            );
            let mut names = query.separated(", ");
            for route in routes {
                names.push_bind(route.as_str());
            }
            query.push(") GROUP BY route, status ORDER BY route, status");
            let by_status = query.build_query_as().fetch_all(&mut *tx).await?;
            let mut query = sqlx::QueryBuilder::new(
                "SELECT c.field, c.code, COUNT(DISTINCT c.case_id) AS n FROM case_codes c \
                 JOIN reports r ON r.public_id = c.case_id WHERE NOT c.restricted AND r.route IN (",
            );
            let mut names = query.separated(", ");
            for route in routes {
                names.push_bind(route.as_str());
            }
            query.push(") GROUP BY c.field, c.code ORDER BY c.field, c.code");
            let by_code = query.build_query_as().fetch_all(&mut *tx).await?;
            tx.commit().await?;
            LiveCounts { by_status, by_code }
        });
        Ok(counts)
    }

    /// The codes statistics may count: not restricted, with statistics consent. Each row is
    /// (incident or case id, field, code).
    pub async fn statistics_codes(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT c.case_id, c.field, c.code FROM case_codes c JOIN consent n \
                 ON n.case_id = c.case_id WHERE n.statistics AND NOT c.restricted \
                 ORDER BY c.case_id, c.field, c.code",
            )
            .fetch_all(p)
            .await?
        }))
    }
}
