//! The retention purge: everything about a closed case goes, in one transaction, except
//! codes that may still be counted, which move to a new incident id.

use super::{Audit, Store, StoreError, append_audit, begin_audited, new_public_id, with_pool};
use crate::audit::Action;

/// What a purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeOutcome {
    /// Whether the case was found closed and deleted.
    pub purged: bool,
    /// Messages deleted.
    pub messages: u64,
    /// Escalation packages deleted.
    pub packages: u64,
    /// Codes kept for statistics (with consent, not restricted).
    pub codes_kept: u64,
}

impl Store {
    /// Closed cases whose `closed_day` is on or before `cutoff` (`YYYY-MM-DD`).
    pub async fn closed_cases_due(&self, cutoff: &str) -> Result<Vec<String>, StoreError> {
        let ids = with_pool!(&self.pool, |p| {
            sqlx::query_scalar(
                "SELECT public_id FROM reports WHERE status = 'closed' AND closed_day IS NOT NULL \
                 AND closed_day <= $1 ORDER BY public_id",
            )
            .bind(cutoff)
            .fetch_all(p)
            .await?
        });
        Ok(ids)
    }

    /// Deletes everything about a closed case (report, thread, packages, pending alerts and
    /// dead letters, restricted codes, codes without statistics consent) in one transaction.
    /// Codes with statistics consent are kept under a new random incident id, with the day
    /// coded cut to the year and no coder, so nothing left points back at the report. The
    /// purge's audit entry commits in the same transaction.
    pub async fn purge_closed_case(
        &self,
        case_id: &str,
        audit: Audit<'_>,
    ) -> Result<PurgeOutcome, StoreError> {
        let incident = format!("INC-{}", new_public_id());
        let outcome = with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            let closed = sqlx::query(
                "UPDATE reports SET status = status WHERE public_id = $1 AND status = 'closed'",
            )
            .bind(case_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if closed {
                let messages = sqlx::query("DELETE FROM messages WHERE case_id = $1")
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let packages = sqlx::query("DELETE FROM escalations WHERE case_id = $1")
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                for sql in [
                    "DELETE FROM outbox WHERE case_id = $1",
                    "DELETE FROM alert_dead_letters WHERE case_id = $1",
                    "DELETE FROM case_codes WHERE case_id = $1 AND (restricted OR NOT EXISTS \
                     (SELECT 1 FROM consent k WHERE k.case_id = $1 AND k.statistics))",
                    // A case never assessed credible would never be counted: keep nothing.
                    "DELETE FROM case_codes WHERE case_id = $1 AND NOT EXISTS \
                     (SELECT 1 FROM reports r WHERE r.public_id = $1 AND r.assessed_credible)",
                    "DELETE FROM case_coding WHERE case_id = $1 AND (NOT EXISTS \
                     (SELECT 1 FROM consent k WHERE k.case_id = $1 AND k.statistics) OR NOT EXISTS \
                     (SELECT 1 FROM reports r WHERE r.public_id = $1 AND r.assessed_credible))",
                    "DELETE FROM consent_changes WHERE case_id = $1",
                    "DELETE FROM read_marks WHERE case_id = $1",
                    // What an incident keeps of the record: statistics, nothing else.
                    "DELETE FROM consent WHERE case_id = $1 AND NOT EXISTS \
                     (SELECT 1 FROM case_coding k WHERE k.case_id = $1)",
                    "UPDATE consent SET ohchr_reprisals_team = FALSE, named_mechanism = FALSE, \
                     sg_report_named = FALSE, sg_report_anonymous = FALSE, mechanism = NULL \
                     WHERE case_id = $1",
                    "DELETE FROM reports WHERE public_id = $1",
                ] {
                    sqlx::query(sql).bind(case_id).execute(&mut *tx).await?;
                }
                let codes_kept =
                    sqlx::query("UPDATE case_codes SET case_id = $2 WHERE case_id = $1")
                        .bind(case_id)
                        .bind(&incident)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                sqlx::query(
                    "UPDATE case_coding SET case_id = $2, coded_day = SUBSTR(coded_day, 1, 4), \
                     coded_by = '' WHERE case_id = $1",
                )
                .bind(case_id)
                .bind(&incident)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE consent SET case_id = $2 WHERE case_id = $1")
                    .bind(case_id)
                    .bind(&incident)
                    .execute(&mut *tx)
                    .await?;
                // The victim link follows the kept codes, and goes with them otherwise.
                if codes_kept > 0 {
                    sqlx::query("UPDATE victim_links SET case_id = $2 WHERE case_id = $1")
                        .bind(case_id)
                        .bind(&incident)
                        .execute(&mut *tx)
                        .await?;
                } else {
                    sqlx::query("DELETE FROM victim_links WHERE case_id = $1")
                        .bind(case_id)
                        .execute(&mut *tx)
                        .await?;
                }
                append_audit!(tx, audit, case_id);
                tx.commit().await?;
                PurgeOutcome {
                    purged: true,
                    messages,
                    packages,
                    codes_kept,
                }
            } else {
                PurgeOutcome::default()
            }
        });
        Ok(outcome)
    }

    /// Makes deletions final on disk: on SQLite, checkpoints the WAL and truncates it so
    /// deleted pages (already overwritten by `secure_delete`) leave no copy in the log.
    pub async fn flush_deletions(&self) -> Result<(), StoreError> {
        self.truncate_wal().await
    }

    /// Purges every closed case whose `closed_day` is on or before `cutoff` (`YYYY-MM-DD`),
    /// records each purge in the audit chain under `actor`, then makes the deletions final on
    /// disk. Returns each purged case with what was removed.
    pub async fn purge_closed_before(
        &self,
        cutoff: &str,
        actor: &str,
    ) -> Result<Vec<(String, PurgeOutcome)>, StoreError> {
        let mut purged = Vec::new();
        for id in self.closed_cases_due(cutoff).await? {
            let outcome = self
                .purge_closed_case(&id, Audit::new(actor, Action::Purge))
                .await?;
            if outcome.purged {
                purged.push((id, outcome));
            }
        }
        self.flush_deletions().await?;
        Ok(purged)
    }
}
