//! The reporter's consent record (invariant 8): written with the report at intake, changed
//! only by the reporter, narrowed (never widened) by a caseworker. Each change is kept as an
//! entry with its day. Escalations and statistics read the current record from here.
//!
//! Booleans per purpose and one coarse routing answer; never report content, never a time
//! finer than a day.

use super::outbox::queue_alerts;
use super::{
    AlertEvent, Audit, Store, StoreError, append_audit, begin_audited, lock_case, new_alert_id,
    new_public_id, today, with_pool,
};
use crate::domain::{Consent, Purpose};

/// Who changed a consent record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentChanger {
    /// The reporter, on the receipt page: any change.
    Reporter,
    /// A caseworker: only ever a narrowing.
    Caseworker,
}

impl ConsentChanger {
    /// As stored in `consent_changes.changed_by`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentChanger::Reporter => "reporter",
            ConsentChanger::Caseworker => "caseworker",
        }
    }
}

/// A case's current consent record.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConsentRecord {
    /// Consent per purpose.
    #[sqlx(flatten)]
    pub consent: Consent,
    /// The reporter's answer to "which UN mechanism did you engage with", if they gave one:
    /// the mechanism a `named_mechanism` package may go to.
    pub mechanism: Option<String>,
}

/// One change of a record: the record as it became, on which day, by whom.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConsentChange {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `reporter` or `caseworker`.
    pub changed_by: String,
    /// The record after the change.
    #[sqlx(flatten)]
    pub consent: Consent,
}

/// What became of a requested change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentOutcome {
    /// Stored (or nothing to change); the record now.
    Recorded(Consent),
    /// No such case (or no record for it).
    NoCase,
    /// A caseworker asked to allow what the reporter had not; nothing changed.
    Widens(Vec<Purpose>),
}

/// Reads a case's current [`Consent`] through `$ex` (a pool or `&mut *tx`): `Option<Consent>`.
macro_rules! select_consent {
    ($ex:expr, $case_id:expr) => {{
        let consent: Option<$crate::domain::Consent> = sqlx::query_as(
            "SELECT ohchr_reprisals_team, named_mechanism, sg_report_named, \
             sg_report_anonymous, statistics FROM consent WHERE case_id = $1",
        )
        .bind($case_id)
        .fetch_optional($ex)
        .await?;
        consent
    }};
}
pub(super) use select_consent;

/// Inserts the intake consent record of each report in `$reports` (`&[&NewReport]`) inside
/// the report's own transaction `$tx`, so no report is ever stored without one.
macro_rules! insert_intake_consent {
    ($tx:expr, $reports:expr) => {{
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO consent (case_id, ohchr_reprisals_team, named_mechanism, \
             sg_report_named, sg_report_anonymous, statistics, mechanism) ",
        );
        insert.push_values($reports, |mut row, r| {
            row.push_bind(r.public_id.as_str())
                .push_bind(r.consent.ohchr_reprisals_team)
                .push_bind(r.consent.named_mechanism)
                .push_bind(r.consent.sg_report_named)
                .push_bind(r.consent.sg_report_anonymous)
                .push_bind(r.consent.statistics)
                .push_bind(r.mechanism.as_deref());
        });
        insert.build().execute(&mut *$tx).await?;
    }};
}
pub(super) use insert_intake_consent;

/// Replaces the record of `$case_id` with `$consent` and adds a change entry for `$day` by
/// `$by`, inside `$tx`.
macro_rules! write_change {
    ($tx:expr, $case_id:expr, $consent:expr, $day:expr, $by:expr) => {{
        let c: &Consent = $consent;
        sqlx::query(
            "UPDATE consent SET ohchr_reprisals_team = $2, named_mechanism = $3, \
             sg_report_named = $4, sg_report_anonymous = $5, statistics = $6 WHERE case_id = $1",
        )
        .bind($case_id)
        .bind(c.ohchr_reprisals_team)
        .bind(c.named_mechanism)
        .bind(c.sg_report_named)
        .bind(c.sg_report_anonymous)
        .bind(c.statistics)
        .execute(&mut *$tx)
        .await?;
        sqlx::query(
            "INSERT INTO consent_changes (id, case_id, day, changed_by, ohchr_reprisals_team, \
             named_mechanism, sg_report_named, sg_report_anonymous, statistics) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new_public_id())
        .bind($case_id)
        .bind($day)
        .bind($by.as_str())
        .bind(c.ohchr_reprisals_team)
        .bind(c.named_mechanism)
        .bind(c.sg_report_named)
        .bind(c.sg_report_anonymous)
        .bind(c.statistics)
        .execute(&mut *$tx)
        .await?;
    }};
}

impl Store {
    /// A case's current consent record.
    pub async fn consent(&self, case_id: &str) -> Result<Option<ConsentRecord>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT ohchr_reprisals_team, named_mechanism, sg_report_named, \
                 sg_report_anonymous, statistics, mechanism FROM consent WHERE case_id = $1",
            )
            .bind(case_id)
            .fetch_optional(p)
            .await?
        }))
    }

    /// Every change of a case's record after intake, by day (no order within a day).
    pub async fn consent_changes(&self, case_id: &str) -> Result<Vec<ConsentChange>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT day, changed_by, ohchr_reprisals_team, named_mechanism, sg_report_named, \
                 sg_report_anonymous, statistics FROM consent_changes WHERE case_id = $1 \
                 ORDER BY day, id",
            )
            .bind(case_id)
            .fetch_all(p)
            .await?
        }))
    }

    /// A case's record and its changes read by staff: the read is audited in the same
    /// transaction.
    pub async fn read_consent(
        &self,
        case_id: &str,
        audit: Audit<'_>,
    ) -> Result<Option<(ConsentRecord, Vec<ConsentChange>)>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            let record: Option<ConsentRecord> = sqlx::query_as(
                "SELECT ohchr_reprisals_team, named_mechanism, sg_report_named, \
                 sg_report_anonymous, statistics, mechanism FROM consent WHERE case_id = $1",
            )
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?;
            let changes: Vec<ConsentChange> = sqlx::query_as(
                "SELECT day, changed_by, ohchr_reprisals_team, named_mechanism, sg_report_named, \
                 sg_report_anonymous, statistics FROM consent_changes WHERE case_id = $1 \
                 ORDER BY day, id",
            )
            .bind(case_id)
            .fetch_all(&mut *tx)
            .await?;
            append_audit!(tx, audit, case_id);
            tx.commit().await?;
            record.map(|r| (r, changes))
        }))
    }

    /// The reporter sets their record to `consent` (any change: only they can widen). When it
    /// differs, the change entry and the route's "consent changed" alert commit with it.
    pub async fn reporter_sets_consent(
        &self,
        case_id: &str,
        consent: Consent,
        alert: AlertEvent<'_>,
    ) -> Result<ConsentOutcome, StoreError> {
        let day = today();
        Ok(with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            let found = lock_case!(tx, case_id);
            let before = if found {
                select_consent!(&mut *tx, case_id)
            } else {
                None
            };
            match before {
                None => ConsentOutcome::NoCase,
                Some(before) if before == consent => ConsentOutcome::Recorded(consent),
                Some(_) => {
                    write_change!(tx, case_id, &consent, &day, ConsentChanger::Reporter);
                    queue_alerts!(tx, case_id, alert);
                    tx.commit().await?;
                    ConsentOutcome::Recorded(consent)
                }
            }
        }))
    }

    /// A caseworker narrows a case's record to `consent`: refused (nothing written) if it
    /// would allow anything the current record does not. The change entry and its audit entry
    /// commit with it.
    pub async fn caseworker_narrows_consent(
        &self,
        case_id: &str,
        consent: Consent,
        audit: Audit<'_>,
    ) -> Result<ConsentOutcome, StoreError> {
        let day = today();
        Ok(with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            let found = lock_case!(tx, case_id);
            let before = if found {
                select_consent!(&mut *tx, case_id)
            } else {
                None
            };
            match before {
                None => ConsentOutcome::NoCase,
                Some(before) if !consent.widened_from(&before).is_empty() => {
                    ConsentOutcome::Widens(consent.widened_from(&before))
                }
                Some(before) if before == consent => ConsentOutcome::Recorded(consent),
                Some(_) => {
                    write_change!(tx, case_id, &consent, &day, ConsentChanger::Caseworker);
                    append_audit!(tx, audit, case_id);
                    tx.commit().await?;
                    ConsentOutcome::Recorded(consent)
                }
            }
        }))
    }
}
