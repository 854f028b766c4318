//! What an alert is about. Alerts carry the kind, the route and the case id: never content.

use super::string_enum;

/// The event an alert tells its targets about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertKind {
    /// A report arrived.
    NewReport,
    /// The reporter added information.
    FollowUp,
    /// A caseworker replied to the reporter.
    Reply,
    /// A package was sent to a rapporteur.
    Escalation,
    /// A case's status changed.
    StatusChange,
    /// The reporter changed their consent (which way is not said).
    ConsentChange,
    /// A fixed-size summary sent on a schedule instead of single alerts.
    Digest,
    /// Sent by `safehold admin alerts test`; never stored.
    Test,
}

string_enum!(AlertKind, "alert kind", {
    NewReport => "new_report",
    FollowUp => "follow_up",
    Reply => "reply",
    Escalation => "escalation",
    StatusChange => "status_change",
    ConsentChange => "consent_change",
    Digest => "digest",
    Test => "test",
});

impl AlertKind {
    /// The kind in words, for e-mail subjects and chat messages.
    pub fn label(self) -> &'static str {
        match self {
            AlertKind::NewReport => "new report",
            AlertKind::FollowUp => "follow-up",
            AlertKind::Reply => "reply sent",
            AlertKind::Escalation => "escalation",
            AlertKind::StatusChange => "status change",
            AlertKind::ConsentChange => "consent changed",
            AlertKind::Digest => "digest",
            AlertKind::Test => "test alert",
        }
    }
}
