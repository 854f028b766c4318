//! A case's taxonomy codes (who coded it and when), and links between cases of one victim.
//! Codes arrive as plain strings: this module knows nothing of the taxonomy. Coding carries
//! no consent: the reporter's record is in `store::consent`, and a coding only shows it.

use super::consent::select_consent;
use super::{
    Audit, Store, StoreError, append_audit, begin_audited, lock_case, new_public_id, today,
    with_pool,
};
use crate::domain::Consent;

/// One stored code.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredCode {
    /// Taxonomy field.
    pub field: String,
    /// Taxonomy code.
    pub code: String,
    /// Never published.
    pub restricted: bool,
}

/// A case's coding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseCoding {
    /// The codes, ordered by field then code.
    pub codes: Vec<StoredCode>,
    /// The reporter's current consent record (none if there is none).
    pub consent: Consent,
    /// Day coded.
    pub coded_day: String,
    /// `caseworker/<name>`.
    pub coded_by: String,
}

/// A row of `case_coding`.
#[derive(sqlx::FromRow)]
struct CodingRow {
    coded_day: String,
    coded_by: String,
}

/// Reads a case's coding through `$ex` (a pool, or `&mut *tx`): `Option<CaseCoding>`.
macro_rules! select_coding {
    ($ex:expr, $case_id:expr) => {{
        let record: Option<CodingRow> = sqlx::query_as(
            "SELECT coded_day, coded_by FROM case_coding WHERE case_id = $1",
        )
        .bind($case_id)
        .fetch_optional($ex)
        .await?;
        match record {
            None => None,
            Some(record) => Some(CaseCoding {
                codes: sqlx::query_as(
                    "SELECT field, code, restricted FROM case_codes WHERE case_id = $1 ORDER BY field, code",
                )
                .bind($case_id)
                .fetch_all($ex)
                .await?,
                consent: select_consent!($ex, $case_id).unwrap_or_default(),
                coded_day: record.coded_day,
                coded_by: record.coded_by,
            }),
        }
    }};
}

impl Store {
    /// Replaces a case's codes, coded by `audit.actor`, in one transaction with its audit
    /// entry. The consent record is not touched. False if the case does not exist.
    pub async fn set_coding(
        &self,
        case_id: &str,
        codes: &[StoredCode],
        audit: Audit<'_>,
    ) -> Result<bool, StoreError> {
        let day = today();
        let coded_by = audit.actor;
        let found = with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            let found = lock_case!(tx, case_id);
            if found {
                sqlx::query("DELETE FROM case_codes WHERE case_id = $1")
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM case_coding WHERE case_id = $1")
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?;
                for c in codes {
                    sqlx::query("INSERT INTO case_codes (case_id, field, code, restricted) VALUES ($1, $2, $3, $4)")
                        .bind(case_id)
                        .bind(&c.field)
                        .bind(&c.code)
                        .bind(c.restricted)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query(
                    "INSERT INTO case_coding (case_id, coded_day, coded_by) VALUES ($1, $2, $3)",
                )
                .bind(case_id)
                .bind(&day)
                .bind(coded_by)
                .execute(&mut *tx)
                .await?;
                append_audit!(tx, audit, case_id);
                tx.commit().await?;
            }
            found
        });
        Ok(found)
    }

    /// A case's coding, if it was coded.
    pub async fn coding(&self, case_id: &str) -> Result<Option<CaseCoding>, StoreError> {
        Ok(with_pool!(&self.pool, |p| select_coding!(p, case_id)))
    }

    /// A case's coding read by staff: the read is audited in the same transaction.
    pub async fn read_coding(
        &self,
        case_id: &str,
        audit: Audit<'_>,
    ) -> Result<Option<CaseCoding>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            let coding = select_coding!(&mut *tx, case_id);
            append_audit!(tx, audit, case_id);
            tx.commit().await?;
            coding
        }))
    }

    /// Records that `case_id` concerns the same victim as `same_as`: both get one random
    /// victim id (the one `same_as` already has, if any). Audited about `case_id` in the same
    /// transaction.
    pub async fn link_victims(
        &self,
        case_id: &str,
        same_as: &str,
        audit: Audit<'_>,
    ) -> Result<(), StoreError> {
        let fresh = format!("V-{}", new_public_id());
        with_pool!(&self.pool, |p| {
            let mut tx = begin_audited!(p);
            let existing: Option<String> =
                sqlx::query_scalar("SELECT victim FROM victim_links WHERE case_id = $1")
                    .bind(same_as)
                    .fetch_optional(&mut *tx)
                    .await?;
            let victim = existing.unwrap_or(fresh);
            for id in [same_as, case_id] {
                sqlx::query(
                    "INSERT INTO victim_links (case_id, victim) VALUES ($1, $2) \
                     ON CONFLICT (case_id) DO UPDATE SET victim = excluded.victim",
                )
                .bind(id)
                .bind(&victim)
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, audit, case_id);
            tx.commit().await?;
        });
        Ok(())
    }
}
