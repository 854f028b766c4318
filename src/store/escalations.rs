//! Escalation packages (ciphertext only) and their delivered → downloaded → acknowledged
//! tracking. The check against the reporter's current consent record and the insert are one
//! transaction, so a withdrawal committed first refuses every package not yet stored.

use super::consent::select_consent;
use super::outbox::queue_alerts;
use super::{
    AlertEvent, Audit, Store, StoreError, append_audit, begin_audited, lock_case, new_alert_id,
    new_public_id, today, with_pool,
};
use crate::domain::Purpose;

/// A package to store.
#[derive(Debug, Clone)]
pub struct NewEscalation<'a> {
    /// The case.
    pub case_id: &'a str,
    /// The rapporteur's name.
    pub rapporteur: &'a str,
    /// The consent purpose that must be recorded as given; only those that
    /// [cover packages](Purpose::covers_packages) can.
    pub purpose: Purpose,
    /// For [`Purpose::NamedMechanism`]: the mechanism answers (`questions::MECHANISMS`) the
    /// rapporteur covers; the reporter's own answer must be one of them.
    pub mechanisms: &'a [String],
    /// `caseworker/<name>`.
    pub escalated_by: &'a str,
    /// The age file.
    pub ciphertext: &'a [u8],
}

/// What became of an escalation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationOutcome {
    /// Stored with its alerts; the package's id.
    Stored(String),
    /// No such case.
    NoCase,
    /// The case was never coded.
    NotCoded,
    /// The reporter's current record does not allow the purpose.
    NoConsent,
    /// `named_mechanism` is allowed, but the rapporteur does not cover the mechanism the
    /// reporter engaged with: that answer (`None`: the reporter did not say).
    WrongMechanism(Option<String>),
}

/// A package's tracking, without its ciphertext.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EscalationSummary {
    /// Package id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The rapporteur.
    pub rapporteur: String,
    /// The consent purpose that covered it.
    #[sqlx(try_from = "String")]
    pub purpose: Purpose,
    /// Who sent it.
    pub escalated_by: String,
    /// Day stored.
    pub delivered_day: String,
    /// Day first downloaded.
    pub downloaded_day: Option<String>,
    /// Day acknowledged.
    pub acknowledged_day: Option<String>,
}

impl EscalationSummary {
    /// `delivered`, `downloaded` or `acknowledged`.
    pub fn status(&self) -> &'static str {
        if self.acknowledged_day.is_some() {
            "acknowledged"
        } else if self.downloaded_day.is_some() {
            "downloaded"
        } else {
            "delivered"
        }
    }
}

/// A package with its ciphertext, as a rapporteur downloads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredPackage {
    /// Its tracking.
    #[sqlx(flatten)]
    pub summary: EscalationSummary,
    /// The age file.
    pub ciphertext: Vec<u8>,
}

/// The columns of an [`EscalationSummary`].
const SUMMARY_COLUMNS: &str = "id, case_id, rapporteur, purpose, escalated_by, delivered_day, downloaded_day, acknowledged_day";

impl Store {
    /// Stores a package, its alerts and its audit entry in one transaction, after checking,
    /// inside that transaction, that the case exists and was coded, that the reporter's
    /// current consent allows `purpose`, and, for `named_mechanism`, that the rapporteur covers
    /// the mechanism the reporter engaged with.
    pub async fn insert_escalation(
        &self,
        package: NewEscalation<'_>,
        alert: AlertEvent<'_>,
        audit: Audit<'_>,
    ) -> Result<EscalationOutcome, StoreError> {
        if !package.purpose.covers_packages() {
            return Ok(EscalationOutcome::NoConsent);
        }
        let id = new_public_id();
        let day = today();
        let outcome = with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            // Locks the case against a concurrent re-coding.
            let found = lock_case!(tx, package.case_id);
            let coded = if found {
                sqlx::query_scalar::<_, String>(
                    "SELECT coded_day FROM case_coding WHERE case_id = $1",
                )
                .bind(package.case_id)
                .fetch_optional(&mut *tx)
                .await?
                .is_some()
            } else {
                false
            };
            let consent = if coded {
                select_consent!(&mut *tx, package.case_id)
            } else {
                None
            };
            let mechanism: Option<String> = if coded {
                sqlx::query_scalar("SELECT mechanism FROM consent WHERE case_id = $1")
                    .bind(package.case_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .flatten()
            } else {
                None
            };
            let covered = package.purpose != Purpose::NamedMechanism
                || mechanism
                    .as_ref()
                    .is_some_and(|m| package.mechanisms.contains(m));
            match (found, coded, consent) {
                (false, _, _) => EscalationOutcome::NoCase,
                (true, false, _) => EscalationOutcome::NotCoded,
                (true, true, None) => EscalationOutcome::NoConsent,
                (true, true, Some(consent)) if !consent.allows(package.purpose) => {
                    EscalationOutcome::NoConsent
                }
                (true, true, Some(_)) if !covered => {
                    EscalationOutcome::WrongMechanism(mechanism.clone())
                }
                (true, true, Some(_)) => {
                    sqlx::query(
                        "INSERT INTO escalations (id, case_id, rapporteur, purpose, escalated_by, ciphertext, delivered_day) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&id)
                    .bind(package.case_id)
                    .bind(package.rapporteur)
                    .bind(package.purpose.as_str())
                    .bind(package.escalated_by)
                    .bind(package.ciphertext)
                    .bind(&day)
                    .execute(&mut *tx)
                    .await?;
                    queue_alerts!(tx, package.case_id, alert);
                    append_audit!(tx, audit, package.case_id);
                    tx.commit().await?;
                    EscalationOutcome::Stored(id.clone())
                }
            }
        });
        Ok(outcome)
    }

    /// Packages addressed to `rapporteur`, newest first; the listing is audited (about no
    /// case) in the same transaction.
    pub async fn escalations_for(
        &self,
        rapporteur: &str,
        audit: Audit<'_>,
    ) -> Result<Vec<EscalationSummary>, StoreError> {
        self.escalation_summaries(
            "rapporteur = $1 ORDER BY delivered_day DESC, id",
            rapporteur,
            Some((audit, "")),
        )
        .await
    }

    /// Packages of one case.
    pub async fn escalations_of_case(
        &self,
        case_id: &str,
    ) -> Result<Vec<EscalationSummary>, StoreError> {
        self.escalation_summaries("case_id = $1 ORDER BY delivered_day, id", case_id, None)
            .await
    }

    /// Packages of one case, read by staff: the read is audited in the same transaction.
    pub async fn read_escalations_of_case(
        &self,
        case_id: &str,
        audit: Audit<'_>,
    ) -> Result<Vec<EscalationSummary>, StoreError> {
        self.escalation_summaries(
            "case_id = $1 ORDER BY delivered_day, id",
            case_id,
            Some((audit, case_id)),
        )
        .await
    }

    /// Summaries matching one fixed condition on one bound value; with `audit`, the read is
    /// audited (about the given subject) in the same transaction.
    async fn escalation_summaries(
        &self,
        condition: &'static str,
        value: &str,
        audit: Option<(Audit<'_>, &str)>,
    ) -> Result<Vec<EscalationSummary>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS} FROM escalations WHERE {condition}"
        ));
        Ok(with_pool!(&self.pool, |p| {
            match audit {
                None => sqlx::query_as(sql).bind(value).fetch_all(p).await?,
                Some((audit, subject)) => {
                    let mut tx = begin_audited!(p);
                    let rows = sqlx::query_as(sql).bind(value).fetch_all(&mut *tx).await?;
                    append_audit!(tx, audit, subject);
                    tx.commit().await?;
                    rows
                }
            }
        }))
    }

    /// A package addressed to `rapporteur`, with its ciphertext; the first download is
    /// recorded (the day only), with its audit entry about the package's case, in one
    /// transaction. `None` (and nothing written) if it does not exist or is someone else's.
    pub async fn download_escalation(
        &self,
        id: &str,
        rapporteur: &str,
        audit: Audit<'_>,
    ) -> Result<Option<StoredPackage>, StoreError> {
        let day = today();
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS}, ciphertext FROM escalations WHERE id = $1 AND rapporteur = $2"
        ));
        Ok(with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            sqlx::query(
                "UPDATE escalations SET downloaded_day = $3 WHERE id = $1 AND rapporteur = $2 AND downloaded_day IS NULL",
            )
            .bind(id)
            .bind(rapporteur)
            .bind(&day)
            .execute(&mut *tx)
            .await?;
            let package: Option<StoredPackage> = sqlx::query_as(sql)
                .bind(id)
                .bind(rapporteur)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(package) = &package {
                append_audit!(tx, audit, &package.summary.case_id);
                tx.commit().await?;
            }
            package
        }))
    }

    /// Records that `rapporteur` acknowledged a package (a download is implied), with its
    /// audit entry about the package's case, in one transaction. `None` (and nothing written)
    /// if it does not exist or is someone else's.
    pub async fn acknowledge_escalation(
        &self,
        id: &str,
        rapporteur: &str,
        audit: Audit<'_>,
    ) -> Result<Option<EscalationSummary>, StoreError> {
        let day = today();
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS} FROM escalations WHERE id = $1 AND rapporteur = $2"
        ));
        Ok(with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            sqlx::query(
                "UPDATE escalations SET downloaded_day = COALESCE(downloaded_day, $3), \
                 acknowledged_day = COALESCE(acknowledged_day, $3) WHERE id = $1 AND rapporteur = $2",
            )
            .bind(id)
            .bind(rapporteur)
            .bind(&day)
            .execute(&mut *tx)
            .await?;
            let summary: Option<EscalationSummary> = sqlx::query_as(sql)
                .bind(id)
                .bind(rapporteur)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(summary) = &summary {
                append_audit!(tx, audit, &summary.case_id);
                tx.commit().await?;
            }
            summary
        }))
    }

    /// Counts stored packages: a cheap check that a refusal stored nothing.
    pub async fn count_escalations(&self) -> Result<i64, StoreError> {
        let n: i64 = with_pool!(&self.pool, |p| {
            sqlx::query_scalar("SELECT COUNT(*) FROM escalations")
                .fetch_one(p)
                .await?
        });
        Ok(n)
    }
}
