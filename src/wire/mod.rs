//! The JSON of every API endpoint: requests, answers and the error body, shared by the
//! server (`http`), the command line (`cli`) and the tests, so both ends compile against the
//! same types. The CLI depends on this module, never on `http`.
//!
//! Plaintext-free: these carry ciphertext (base64), ids, codes and public keys.

pub mod audit;
pub mod cases;
pub mod coding;
pub mod consent;
pub mod error;
pub mod escalations;
pub mod intake;
pub mod live_stats;
pub mod receipts;
pub mod sessions;

pub use audit::{AuditHeadView, AuditLinkView, AuditProofQuery, AuditProofView};
pub use cases::{
    CaseDetail, CaseListQuery, CaseView, MessageAdded, MessageView, ReadMark, ReplyRequest,
    StatusRequest, VictimLinkRequest,
};
pub use coding::{CodeRequest, CodingView};
pub use consent::{ConsentChangeRequest, ConsentChangeView, ConsentView, NarrowConsentRequest};
pub use error::{ErrorBody, ErrorDetail};
pub use escalations::{
    EscalateRequest, EscalationRecipientView, EscalationView, PackageDetail, SubmitterView,
};
pub use intake::{
    EscalationKeysView, INTAKE_TICKET_LEN, QuestionsView, RouteView, RoutesResponse, SubmitRequest,
    SubmitResponse,
};
pub use live_stats::{LiveCount, LiveStats};
pub use receipts::{
    FollowupRequest, FollowupResponse, ReceiptRequest, ReceiptResponse, ThreadMessage,
};
pub use sessions::{ChallengeRequest, ChallengeResponse, SessionRequest, SessionResponse};
