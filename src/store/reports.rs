//! Reports: storing one (through the group-commit writer), and finding one by id or by
//! receipt hash. Ciphertext, ids and days only.

use super::{Store, StoreError, with_pool};
use crate::domain::{CaseStatus, Consent};

/// A report ready to be stored: ciphertext and the facts the server may know.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// Random public id shown to the reporter and to staff.
    pub public_id: String,
    /// Name of the route whose caseworkers can decrypt it.
    pub route: String,
    /// The UTC day it arrived, `YYYY-MM-DD`: never finer.
    pub received_day: String,
    /// The age file.
    pub ciphertext: Vec<u8>,
    /// HMAC of the receipt lookup key under the server's pepper.
    pub receipt_hash: [u8; 32],
    /// The reporter said someone is in immediate danger: the alert says "urgent".
    pub urgent: bool,
    /// The reporter's consent, as their client sent it beside the ciphertext (or, without
    /// JavaScript, as the server read it from the form): stored in the report's transaction.
    pub consent: Consent,
    /// The reporter's answer to the mechanism question, if given: which UN mechanism a
    /// `named_mechanism` package may go to.
    pub mechanism: Option<String>,
    /// Names of the alert targets of the report's route: one outbox row is written per
    /// target, in the report's transaction. Empty: no alert.
    pub alert_targets: Vec<String>,
}

/// What a reporter may see about their own report.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReceiptView {
    /// The report's public id.
    pub public_id: String,
    /// Status in the allegation workflow.
    #[sqlx(try_from = "String")]
    pub status: CaseStatus,
    /// The day it arrived.
    pub received_day: String,
    /// Its route: follow-ups are encrypted to the same caseworkers.
    pub route: String,
}

/// A stored report as staff and tests see it: still ciphertext.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredReport {
    /// The report's public id.
    pub public_id: String,
    /// Its route.
    pub route: String,
    /// The day it arrived.
    pub received_day: String,
    /// Status in the allegation workflow.
    #[sqlx(try_from = "String")]
    pub status: CaseStatus,
    /// The age file, byte for byte as stored.
    pub ciphertext: Vec<u8>,
}

impl Store {
    /// Stores a report, its consent record and its "new report" alerts (one per alert target)
    /// in one transaction.
    /// Returns only once both are durably committed: the caller may then, and only then,
    /// acknowledge the reporter.
    pub async fn insert_report(&self, report: NewReport) -> Result<(), StoreError> {
        self.writer.insert(report).await
    }

    /// Looks a report up by its receipt hash.
    pub async fn receipt(
        &self,
        receipt_hash: &[u8; 32],
    ) -> Result<Option<ReceiptView>, StoreError> {
        let hash = &receipt_hash[..];
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT public_id, status, received_day, route FROM reports WHERE receipt_hash = $1",
            )
            .bind(hash)
            .fetch_optional(p)
            .await?
        }))
    }

    /// Fetches one stored report by public id.
    pub async fn report(&self, public_id: &str) -> Result<Option<StoredReport>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT public_id, route, received_day, status, ciphertext \
                 FROM reports WHERE public_id = $1",
            )
            .bind(public_id)
            .fetch_optional(p)
            .await?
        }))
    }

    /// Counts stored reports: a cheap check that bad input changed nothing.
    pub async fn count_reports(&self) -> Result<i64, StoreError> {
        let n: i64 = with_pool!(&self.pool, |p| {
            sqlx::query_scalar("SELECT COUNT(*) FROM reports")
                .fetch_one(p)
                .await?
        });
        Ok(n)
    }
}
