//! Incident codes and the consent record, escalation packages (ciphertext only) with their
//! delivered → downloaded → acknowledged tracking, and the retention purge of closed cases.
//!
//! Codes and consent arrive here as plain strings and booleans: this module knows nothing of
//! the taxonomy or the envelope.

use sqlx::Row;

use super::{AlertEvent, Store, StoreError, new_alert_id, new_public_id, today, with_pool};

/// One stored code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    /// Taxonomy field.
    pub field: String,
    /// Taxonomy code.
    pub code: String,
    /// Never published.
    pub restricted: bool,
}

/// The reporter's consent per purpose, as recorded with the codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConsentRecord {
    /// OHCHR's reprisals team.
    pub ohchr_reprisals_team: bool,
    /// The mechanism the reporter engaged with.
    pub named_mechanism: bool,
    /// Naming in the Secretary-General's report.
    pub sg_report_named: bool,
    /// Anonymous mention in the Secretary-General's report.
    pub sg_report_anonymous: bool,
    /// Anonymized statistics.
    pub statistics: bool,
}

/// A case's coding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseCoding {
    /// The codes, ordered by field then code.
    pub codes: Vec<StoredCode>,
    /// The consent record.
    pub consent: ConsentRecord,
    /// Day coded.
    pub coded_day: String,
    /// `caseworker/<name>`.
    pub coded_by: String,
}

/// A package to store.
#[derive(Debug, Clone)]
pub struct NewEscalation<'a> {
    /// The case.
    pub case_id: &'a str,
    /// The rapporteur's name.
    pub rapporteur: &'a str,
    /// The consent purpose that must be recorded as given: `named_mechanism` or
    /// `ohchr_reprisals_team`.
    pub purpose: &'a str,
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
    /// The case was never coded, so no consent is recorded.
    NotCoded,
    /// The recorded consent does not cover the purpose.
    NoConsent,
}

/// A package's tracking, without its ciphertext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationSummary {
    /// Package id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The rapporteur.
    pub rapporteur: String,
    /// The consent purpose that covered it.
    pub purpose: String,
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

const SUMMARY_COLUMNS: &str = "SELECT id, case_id, rapporteur, purpose, escalated_by, delivered_day, downloaded_day, acknowledged_day FROM escalations";

fn summary(r: &impl SummaryRow) -> Result<EscalationSummary, sqlx::Error> {
    r.summary()
}

/// Reads an [`EscalationSummary`] from either backend's row type.
trait SummaryRow {
    fn summary(&self) -> Result<EscalationSummary, sqlx::Error>;
}

macro_rules! summary_row {
    ($row:ty) => {
        impl SummaryRow for $row {
            fn summary(&self) -> Result<EscalationSummary, sqlx::Error> {
                Ok(EscalationSummary {
                    id: self.try_get("id")?,
                    case_id: self.try_get("case_id")?,
                    rapporteur: self.try_get("rapporteur")?,
                    purpose: self.try_get("purpose")?,
                    escalated_by: self.try_get("escalated_by")?,
                    delivered_day: self.try_get("delivered_day")?,
                    downloaded_day: self.try_get("downloaded_day")?,
                    acknowledged_day: self.try_get("acknowledged_day")?,
                })
            }
        }
    };
}
summary_row!(sqlx::sqlite::SqliteRow);
summary_row!(sqlx::postgres::PgRow);

/// The statement that reads one consent purpose; only these two can cover a package.
fn consent_query(purpose: &str) -> Option<&'static str> {
    match purpose {
        "named_mechanism" => {
            Some("SELECT named_mechanism AS given FROM case_consent WHERE case_id = $1")
        }
        "ohchr_reprisals_team" => {
            Some("SELECT ohchr_reprisals_team AS given FROM case_consent WHERE case_id = $1")
        }
        _ => None,
    }
}

impl Store {
    /// Replaces a case's codes and consent record in one transaction. False if the case does
    /// not exist.
    pub async fn set_coding(
        &self,
        case_id: &str,
        coded_by: &str,
        codes: &[StoredCode],
        consent: ConsentRecord,
    ) -> Result<bool, StoreError> {
        let day = today();
        let found = with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            let found = sqlx::query("UPDATE reports SET status = status WHERE public_id = $1")
                .bind(case_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if found {
                sqlx::query("DELETE FROM case_codes WHERE case_id = $1")
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM case_consent WHERE case_id = $1")
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
                    "INSERT INTO case_consent (case_id, ohchr_reprisals_team, named_mechanism, sg_report_named, \
                     sg_report_anonymous, statistics, coded_day, coded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(case_id)
                .bind(consent.ohchr_reprisals_team)
                .bind(consent.named_mechanism)
                .bind(consent.sg_report_named)
                .bind(consent.sg_report_anonymous)
                .bind(consent.statistics)
                .bind(&day)
                .bind(coded_by)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
            found
        });
        Ok(found)
    }

    /// A case's coding, if it was coded.
    pub async fn coding(&self, case_id: &str) -> Result<Option<CaseCoding>, StoreError> {
        let coding = with_pool!(&self.pool, |p| {
            let consent = sqlx::query(
                "SELECT ohchr_reprisals_team, named_mechanism, sg_report_named, sg_report_anonymous, \
                 statistics, coded_day, coded_by FROM case_consent WHERE case_id = $1",
            )
            .bind(case_id)
            .fetch_optional(p)
            .await?;
            match consent {
                None => None,
                Some(r) => {
                    let codes = sqlx::query(
                        "SELECT field, code, restricted FROM case_codes WHERE case_id = $1 ORDER BY field, code",
                    )
                    .bind(case_id)
                    .fetch_all(p)
                    .await?
                    .into_iter()
                    .map(|c| -> Result<StoredCode, sqlx::Error> {
                        Ok(StoredCode {
                            field: c.try_get("field")?,
                            code: c.try_get("code")?,
                            restricted: c.try_get("restricted")?,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                    Some(CaseCoding {
                        codes,
                        consent: ConsentRecord {
                            ohchr_reprisals_team: r.try_get("ohchr_reprisals_team")?,
                            named_mechanism: r.try_get("named_mechanism")?,
                            sg_report_named: r.try_get("sg_report_named")?,
                            sg_report_anonymous: r.try_get("sg_report_anonymous")?,
                            statistics: r.try_get("statistics")?,
                        },
                        coded_day: r.try_get("coded_day")?,
                        coded_by: r.try_get("coded_by")?,
                    })
                }
            }
        });
        Ok(coding)
    }

    /// Stores a package and its alerts in one transaction, after checking, inside that
    /// transaction, that the case exists and that its recorded consent covers `purpose`.
    pub async fn insert_escalation(
        &self,
        package: NewEscalation<'_>,
        alert: AlertEvent<'_>,
    ) -> Result<EscalationOutcome, StoreError> {
        let Some(check) = consent_query(package.purpose) else {
            return Ok(EscalationOutcome::NoConsent);
        };
        let id = new_public_id();
        let day = today();
        let outcome = with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            // Locks the case against a concurrent re-coding, and tells whether it exists.
            let found = sqlx::query("UPDATE reports SET status = status WHERE public_id = $1")
                .bind(package.case_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            let given: Option<bool> = if found {
                sqlx::query_scalar(check)
                    .bind(package.case_id)
                    .fetch_optional(&mut *tx)
                    .await?
            } else {
                None
            };
            match (found, given) {
                (false, _) => EscalationOutcome::NoCase,
                (true, None) => EscalationOutcome::NotCoded,
                (true, Some(false)) => EscalationOutcome::NoConsent,
                (true, Some(true)) => {
                    sqlx::query(
                        "INSERT INTO escalations (id, case_id, rapporteur, purpose, escalated_by, ciphertext, delivered_day) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&id)
                    .bind(package.case_id)
                    .bind(package.rapporteur)
                    .bind(package.purpose)
                    .bind(package.escalated_by)
                    .bind(package.ciphertext)
                    .bind(&day)
                    .execute(&mut *tx)
                    .await?;
                    for target in alert.targets {
                        sqlx::query("INSERT INTO outbox (kind, route, case_id, urgent, target, idem) VALUES ($1, $2, $3, $4, $5, $6)")
                            .bind(alert.kind)
                            .bind(alert.route)
                            .bind(package.case_id)
                            .bind(false)
                            .bind(target.as_str())
                            .bind(new_alert_id())
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    EscalationOutcome::Stored(id.clone())
                }
            }
        });
        Ok(outcome)
    }

    /// Packages addressed to `rapporteur`, newest first.
    pub async fn escalations_for(
        &self,
        rapporteur: &str,
    ) -> Result<Vec<EscalationSummary>, StoreError> {
        self.escalation_summaries(
            "rapporteur = $1 ORDER BY delivered_day DESC, id",
            rapporteur,
        )
        .await
    }

    /// Packages of one case.
    pub async fn escalations_of_case(
        &self,
        case_id: &str,
    ) -> Result<Vec<EscalationSummary>, StoreError> {
        self.escalation_summaries("case_id = $1 ORDER BY delivered_day, id", case_id)
            .await
    }

    /// Summaries matching one fixed condition on one bound value.
    async fn escalation_summaries(
        &self,
        condition: &'static str,
        value: &str,
    ) -> Result<Vec<EscalationSummary>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("{SUMMARY_COLUMNS} WHERE {condition}"));
        let rows = with_pool!(&self.pool, |p| {
            sqlx::query(sql)
                .bind(value)
                .fetch_all(p)
                .await?
                .iter()
                .map(summary)
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// A package addressed to `rapporteur`, with its ciphertext; the first download is
    /// recorded (the day only). `None` if it does not exist or is someone else's.
    pub async fn download_escalation(
        &self,
        id: &str,
        rapporteur: &str,
    ) -> Result<Option<(EscalationSummary, Vec<u8>)>, StoreError> {
        let day = today();
        let sql = sqlx::AssertSqlSafe(format!(
            "{}, ciphertext FROM escalations WHERE id = $1 AND rapporteur = $2",
            SUMMARY_COLUMNS.trim_end_matches(" FROM escalations")
        ));
        let found = with_pool!(&self.pool, |p| {
            sqlx::query(
                "UPDATE escalations SET downloaded_day = $3 WHERE id = $1 AND rapporteur = $2 AND downloaded_day IS NULL",
            )
            .bind(id)
            .bind(rapporteur)
            .bind(&day)
            .execute(p)
            .await?;
            match sqlx::query(sql)
                .bind(id)
                .bind(rapporteur)
                .fetch_optional(p)
                .await?
            {
                Some(r) => Some((summary(&r)?, r.try_get::<Vec<u8>, _>("ciphertext")?)),
                None => None,
            }
        });
        Ok(found)
    }

    /// Records that `rapporteur` acknowledged a package (a download is implied). `None` if
    /// it does not exist or is someone else's.
    pub async fn acknowledge_escalation(
        &self,
        id: &str,
        rapporteur: &str,
    ) -> Result<Option<EscalationSummary>, StoreError> {
        let day = today();
        let sql = sqlx::AssertSqlSafe(format!(
            "{SUMMARY_COLUMNS} WHERE id = $1 AND rapporteur = $2"
        ));
        let found = with_pool!(&self.pool, |p| {
            sqlx::query(
                "UPDATE escalations SET downloaded_day = COALESCE(downloaded_day, $3), \
                 acknowledged_day = COALESCE(acknowledged_day, $3) WHERE id = $1 AND rapporteur = $2",
            )
            .bind(id)
            .bind(rapporteur)
            .bind(&day)
            .execute(p)
            .await?;
            match sqlx::query(sql)
                .bind(id)
                .bind(rapporteur)
                .fetch_optional(p)
                .await?
            {
                Some(r) => Some(summary(&r)?),
                None => None,
            }
        });
        Ok(found)
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
    /// coded cut to the year and no coder, so nothing left points back at the report.
    pub async fn purge_closed_case(&self, case_id: &str) -> Result<PurgeOutcome, StoreError> {
        let incident = format!("INC-{}", new_public_id());
        let outcome = with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
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
                     (SELECT 1 FROM case_consent k WHERE k.case_id = $1 AND k.statistics))",
                    // A case never assessed credible would never be counted: keep nothing.
                    "DELETE FROM case_codes WHERE case_id = $1 AND NOT EXISTS \
                     (SELECT 1 FROM reports r WHERE r.public_id = $1 AND r.assessed_credible)",
                    "DELETE FROM case_consent WHERE case_id = $1 AND (NOT statistics OR NOT EXISTS \
                     (SELECT 1 FROM reports r WHERE r.public_id = $1 AND r.assessed_credible))",
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
                    "UPDATE case_consent SET case_id = $2, coded_day = SUBSTR(coded_day, 1, 4), \
                     coded_by = '' WHERE case_id = $1",
                )
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
        if let super::Pool::Sqlite(p) = &self.pool {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await?;
        }
        Ok(())
    }

    /// The codes statistics may count: not restricted, with statistics consent. Each row is
    /// (incident or case id, field, code).
    pub async fn statistics_codes(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = with_pool!(&self.pool, |p| {
            sqlx::query(
                "SELECT c.case_id, c.field, c.code FROM case_codes c JOIN case_consent k \
                 ON k.case_id = c.case_id WHERE k.statistics AND NOT c.restricted \
                 ORDER BY c.case_id, c.field, c.code",
            )
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| -> Result<(String, String, String), sqlx::Error> {
                Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))
            })
            .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }
}

impl Store {
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
            let outcome = self.purge_closed_case(&id).await?;
            if outcome.purged {
                self.append_audit(actor, crate::audit::Action::Purge, &id)
                    .await?;
                purged.push((id, outcome));
            }
        }
        self.flush_deletions().await?;
        Ok(purged)
    }
}
