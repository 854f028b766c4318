//! Cases as staff handle them: listing by route and status, access by route, and the status
//! workflow (with its alert in the same transaction).

use super::outbox::queue_alerts;
use super::{
    AlertEvent, Audit, Store, StoreError, StoredReport, append_audit, begin_audited, new_alert_id,
    today, with_pool,
};
use crate::domain::CaseStatus;

/// A case as listed to staff.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseSummary {
    /// Public id.
    pub public_id: String,
    /// Route.
    pub route: String,
    /// Day received.
    pub received_day: String,
    /// Allegation status.
    #[sqlx(try_from = "String")]
    pub status: CaseStatus,
    /// Reporter messages after the position the listing's reader has read to.
    pub unread: i64,
}

impl Store {
    /// Cases on any of `routes`, optionally of one status, newest day first, each with how
    /// many reporter messages `reader` has not read; the listing is audited in the same
    /// transaction.
    pub async fn list_cases(
        &self,
        routes: &[String],
        status: Option<CaseStatus>,
        reader: &str,
        audit: Audit<'_>,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        let rows = with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            let mut query = sqlx::QueryBuilder::new(
                "SELECT r.public_id, r.route, r.received_day, r.status, \
                 (SELECT COUNT(*) FROM messages m WHERE m.case_id = r.public_id \
                 AND m.author = 'reporter' AND m.seq > COALESCE((SELECT k.seq FROM read_marks k \
                 WHERE k.case_id = r.public_id AND k.reader = ",
            );
            query.push_bind(reader);
            query.push("), 0)) AS unread FROM reports r WHERE r.route IN (");
            let mut names = query.separated(", ");
            for route in routes {
                names.push_bind(route.as_str());
            }
            query.push(")");
            if let Some(status) = status {
                query.push(" AND r.status = ").push_bind(status.as_str());
            }
            query.push(" ORDER BY r.received_day DESC, r.public_id");
            let rows = if routes.is_empty() {
                Vec::new()
            } else {
                query.build_query_as().fetch_all(&mut *tx).await?
            };
            append_audit!(tx, audit, "");
            tx.commit().await?;
            rows
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

    /// Moves a case from status `from` to `to`, queues its alert and appends its audit entry,
    /// in one transaction; false (and nothing written) if it was no longer in `from`.
    pub async fn set_status(
        &self,
        case_id: &str,
        from: CaseStatus,
        to: CaseStatus,
        alert: AlertEvent<'_>,
        audit: Audit<'_>,
    ) -> Result<bool, StoreError> {
        let changed = with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            let changed = sqlx::query(
                "UPDATE reports SET status = $3, assessed_credible = (assessed_credible OR $4) \
                 WHERE public_id = $1 AND status = $2",
            )
            .bind(case_id)
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(to.is_assessed_credible())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if changed {
                if to == CaseStatus::Closed {
                    // Retention counts from this day.
                    sqlx::query("UPDATE reports SET closed_day = $2 WHERE public_id = $1")
                        .bind(case_id)
                        .bind(today())
                        .execute(&mut *tx)
                        .await?;
                }
                queue_alerts!(tx, case_id, alert);
                append_audit!(tx, audit, case_id);
                tx.commit().await?;
            }
            changed
        });
        Ok(changed)
    }
}
