//! Cases written straight to the store (no real ciphertext), and stored reports opened with
//! the demo keys.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::library::{
    Action, AlertEvent, AlertKind, Audit, Author, CaseStatus, Channel, Consent, ConsentRecord,
    ESCALATION_FORMAT_V1, Escalation, Message, MessageOutcome, NewMessage, NewReport, ReplyTo,
    Report, ReportFields, RoutingAnswers, Store, StoredCode, ThreadKey, new_public_id, seal,
};
use super::server::TestServer;
use super::{open_as, random_bytes};

/// A report as the store gets it, on `route`, with a stand-in for the ciphertext.
pub fn stand_in_report(route: &str, received_day: &str, alert_targets: &[&str]) -> NewReport {
    NewReport {
        public_id: new_public_id(),
        route: route.into(),
        received_day: received_day.into(),
        ciphertext: b"age ciphertext stand-in".to_vec(),
        receipt_hash: random_bytes::<32>(),
        urgent: false,
        consent: ConsentRecord::default(),
        mechanism: None,
        alert_targets: alert_targets.iter().map(|t| (*t).to_owned()).collect(),
    }
}

/// A stand-in case received on 2025-07-01, taken through the workflow and coded.
pub struct CodedCase<'a> {
    pub route: &'a str,
    /// Where the workflow stops: `received`, `under_assessment`, or a step after assessment.
    pub status: &'a str,
    pub codes: Vec<StoredCode>,
    /// The reporter's consent to statistics.
    pub statistics: bool,
    /// Who coded it, as `role/name`.
    pub coder: &'a str,
}

impl CodedCase<'_> {
    /// An unrestricted code.
    pub fn code(field: &str, code: &str) -> StoredCode {
        StoredCode {
            field: field.into(),
            code: code.into(),
            restricted: false,
        }
    }
}

/// Writes `case` to the store; returns its id. Every status change and the coding must take.
pub async fn insert_coded_case(store: &Store, case: CodedCase<'_>) -> String {
    let mut report = stand_in_report(case.route, "2025-07-01", &[]);
    report.consent = ConsentRecord {
        statistics: case.statistics,
        ..ConsentRecord::default()
    };
    let id = report.public_id.clone();
    store.insert_report(report).await.unwrap();
    let alert = AlertEvent {
        kind: AlertKind::StatusChange,
        route: case.route,
        targets: &[],
    };
    let mut from = "received";
    for to in ["under_assessment", case.status] {
        if to == "received" || to == from {
            break;
        }
        let (from_status, to_status) = (from.parse::<CaseStatus>(), to.parse::<CaseStatus>());
        assert!(
            store
                .set_status(
                    &id,
                    from_status.unwrap(),
                    to_status.unwrap(),
                    alert,
                    Audit::new(case.coder, Action::Status),
                )
                .await
                .unwrap()
        );
        from = to;
    }
    assert!(
        store
            .set_coding(&id, &case.codes, Audit::new(case.coder, Action::Code),)
            .await
            .unwrap()
    );
    id
}

/// Opens the stored ciphertext of `public_id` with a demo identity.
pub async fn open_report(server: &TestServer, public_id: &str, who: &str) -> Option<Report> {
    let stored = server
        .store
        .report(public_id)
        .await
        .unwrap()
        .expect("stored report");
    let plaintext = open_as(&stored.ciphertext, who)?;
    Some(Report::from_plaintext(&plaintext).expect("envelope parses"))
}

/// Codes the demo taxonomy accepts, as `case code` arguments.
const CODES: &[&str] = &[
    "--act-nature",
    "reprisal",
    "--reprisal-type",
    "travel_ban",
    "--mechanism",
    "special_procedures",
    "--country",
    "UA",
];

pub fn code_args<'a>(id: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["case", "code", id];
    args.extend_from_slice(CODES);
    args.extend_from_slice(extra);
    args
}

/// A correctly padded v1 package for `case_id`, encrypted to `recipients`, base64: what a
/// caseworker's CLI that skipped its own checks would send.
pub fn forged_package(case_id: &str, recipients: &[age::x25519::Recipient]) -> String {
    let report = Report::new(
        "en",
        Channel::Cli,
        RoutingAnswers::default(),
        {
            let mut fields = ReportFields::default();
            fields.what_happened =
                "forged by a caseworker whose CLI skipped the consent check".into();
            fields
        },
        Consent::default(),
        ReplyTo::default(),
        vec![],
    );
    let mut package =
        Escalation::from_report(case_id, &report, vec![], Default::default(), &[]).unwrap();
    package.format = ESCALATION_FORMAT_V1.into();
    let plaintext = package.to_padded_plaintext().unwrap();
    STANDARD.encode(seal::encrypt(&plaintext, recipients).unwrap())
}

impl TestServer {
    /// Adds a reporter's follow-up to case `id`, sealed for its route as the server seals one
    /// and with the reporter's thread MAC (from the report's thread key), so the CLI opens and
    /// shows it: what a reporter could send, byte for byte.
    pub async fn add_followup(&self, id: &str, message: &Message) {
        let route = self.store.report(id).await.unwrap().unwrap().route;
        let routes = self.routes().await;
        let recipients: Vec<age::x25519::Recipient> = routes
            .routes
            .iter()
            .find(|r| r.name == route)
            .unwrap()
            .recipients
            .iter()
            .map(|r| r.parse().unwrap())
            .collect();
        let plaintext = message.to_padded_plaintext().unwrap();
        let ciphertext = seal::encrypt(&plaintext, &recipients).unwrap();
        let alert = AlertEvent {
            kind: AlertKind::FollowUp,
            route: &route,
            targets: &[],
        };
        let mut report = None;
        for caseworker in ["amina", "bruno", "chen"] {
            report = report.or(open_report(self, id, caseworker).await);
        }
        let report = report.expect("a demo caseworker opens the report");
        let thread_key = ThreadKey::from_base64(&report.reply_to.thread_key).unwrap();
        let seq = self.store.messages(id).await.unwrap().len() as i64 + 1;
        let mac = thread_key.tag(&Author::Reporter, seq, &ciphertext);
        let added = self
            .store
            .add_message(
                id,
                NewMessage {
                    author: &Author::Reporter,
                    seq,
                    ciphertext: &ciphertext,
                    thread_mac: &mac,
                },
                alert,
            )
            .await
            .unwrap();
        assert!(matches!(added, MessageOutcome::Added(_)));
    }
}
