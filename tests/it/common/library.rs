//! Every path into `safehold::{crypto, domain, envelope, store, wire}` the tests use, in one
//! place: test files import these from `crate::common`, so when the library's modules move
//! only this file changes.

pub use safehold::audit::Action;
pub use safehold::crypto::codephrase::Codephrase;
pub use safehold::crypto::receipt::ReceiptKeys;
pub use safehold::crypto::seal;
pub use safehold::crypto::thread::ThreadKey;
pub use safehold::domain::{AlertKind, Author, CaseStatus, Consent as ConsentRecord, Purpose};
pub use safehold::envelope::{
    Attachment, Channel, Consent, ESCALATION_FORMAT_V1, Escalation, FOLLOWUP_FORMAT, Message,
    ReplyTo, Report, ReportFields, RoutingAnswers,
};
pub use safehold::i18n::Lang;
pub use safehold::store::{
    AlertEvent, Audit, Backend, MessageOutcome, NewMessage, NewReport, StaffIdentity, StatsCodeRow,
    Store, StoredCode, new_public_id, today,
};
pub use safehold::wire::{RoutesResponse, SubmitResponse};
