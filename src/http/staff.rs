//! Staff login without passwords, and the caseworkers' case API.
//!
//! Login: `POST /api/v1/session/challenge {role, name}` returns a random nonce age-encrypted
//! to that person's keys in `keys/`; the CLI decrypts it with the person's identity and trades
//! it at `POST /api/v1/session` for a short-lived bearer token. Proof of the age key is the
//! login. An unknown name gets a decoy challenge of the same shape, stored the same way, that
//! can never be redeemed. Only hashes of nonces and tokens are stored.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::AppState;
use super::error::ApiError;
use crate::audit::Action;
use crate::crypto::seal;
use crate::keyring::Role;
use crate::store::{AlertEvent, CaseSummary, StaffIdentity};

/// How long a challenge can be redeemed.
const CHALLENGE_SECONDS: i64 = 300;
/// The allegation statuses, in workflow order (TAXONOMY.md).
pub const STATUSES: &[&str] = &[
    "received",
    "under_assessment",
    "credible",
    "not_substantiated",
    "referred",
    "closed",
];

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| unavailable())?;
    Ok(bytes)
}

fn unavailable() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "the server could not complete this; retry shortly",
    )
}

fn parse_role(role: &str) -> Option<Role> {
    Role::ALL.into_iter().find(|r| r.as_str() == role)
}

/// `POST /api/v1/session/challenge` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengeRequest {
    /// `caseworker`, `rapporteur` or `admin`.
    pub role: String,
    /// Name from `keys/<role>s/<name>.pub`.
    pub name: String,
}

/// `POST /api/v1/session/challenge` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChallengeResponse {
    /// A binary age file, base64: decrypt it to get the nonce to send back.
    pub challenge: String,
    /// Seconds the nonce stays valid.
    pub expires_in: i64,
}

pub async fn challenge(
    State(state): State<AppState>,
    body: Result<Json<ChallengeRequest>, JsonRejection>,
) -> Result<Json<ChallengeResponse>, ApiError> {
    let Json(request) = body.map_err(super::api::json_rejection)?;
    let keyring = &state.inner.keyring;
    let person = parse_role(&request.role).and_then(|role| keyring.person(role, &request.name));
    // Unknown people get as many throwaway recipients as a real person might have, chosen
    // deterministically from the name so asking twice gives the same shape.
    let decoys: Vec<age::x25519::Recipient>;
    let recipients: &[age::x25519::Recipient] = match person {
        Some(person) => &person.recipients,
        None => {
            let most = keyring
                .people()
                .map(|p| p.recipients.len())
                .max()
                .unwrap_or(1)
                .max(1);
            let mut mac = Hmac::<Sha256>::new_from_slice(state.inner.secrets.receipt_pepper())
                .map_err(|_| unavailable())?;
            mac.update(b"decoy challenge shape");
            mac.update(request.role.as_bytes());
            mac.update(b"/");
            mac.update(request.name.as_bytes());
            let count = 1 + usize::from(mac.finalize().into_bytes()[0]) % most;
            decoys = (0..count)
                .map(|_| age::x25519::Identity::generate().to_public())
                .collect();
            &decoys
        }
    };
    let nonce = STANDARD.encode(random::<32>()?);
    let ciphertext = seal::encrypt(nonce.as_bytes(), recipients).map_err(|_| unavailable())?;
    let who = StaffIdentity {
        role: request.role,
        name: request.name,
    };
    let nonce_hash: [u8; 32] = Sha256::digest(nonce.as_bytes()).into();
    state
        .store()
        .insert_challenge(
            &nonce_hash,
            &who,
            person.is_some(),
            now() + CHALLENGE_SECONDS,
        )
        .await?;
    Ok(Json(ChallengeResponse {
        challenge: STANDARD.encode(ciphertext),
        expires_in: CHALLENGE_SECONDS,
    }))
}

/// `POST /api/v1/session` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// As in the challenge.
    pub role: String,
    /// As in the challenge.
    pub name: String,
    /// The decrypted challenge.
    pub nonce: String,
}

/// `POST /api/v1/session` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct SessionResponse {
    /// Bearer token for `Authorization: Bearer …`.
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
}

fn login_failed() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "login_failed",
        "login failed: the challenge is unknown, already used, expired, or not yours; ask for a new challenge",
    )
}

pub async fn session(
    State(state): State<AppState>,
    body: Result<Json<SessionRequest>, JsonRejection>,
) -> Result<Json<SessionResponse>, ApiError> {
    let Json(request) = body.map_err(super::api::json_rejection)?;
    let nonce_hash: [u8; 32] = Sha256::digest(request.nonce.as_bytes()).into();
    let Some((who, redeemable, expires_at)) = state.store().take_challenge(&nonce_hash).await?
    else {
        return Err(login_failed());
    };
    let claimed = format!("{}/{}", request.role, request.name);
    let issued = format!("{}/{}", who.role, who.name);
    let same: bool = claimed.as_bytes().ct_eq(issued.as_bytes()).into();
    if !same || !redeemable || expires_at < now() {
        return Err(login_failed());
    }
    let token = format!(
        "shs_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random::<32>()?)
    );
    let token_hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    let ttl = state.inner.session_seconds;
    state
        .store()
        .insert_session(&token_hash, &who, now() + ttl)
        .await?;
    state
        .store()
        .append_audit(&issued, Action::Login, "")
        .await?;
    Ok(Json(SessionResponse {
        token,
        expires_in: ttl,
    }))
}

/// A logged-in staff member, from `Authorization: Bearer …`.
#[derive(Debug, Clone)]
pub struct Staff {
    /// Their role, from the folder of their key.
    pub role: Role,
    /// Their name.
    pub name: String,
}

impl Staff {
    /// `role/name`, as the audit log records it.
    pub fn actor(&self) -> String {
        format!("{}/{}", self.role, self.name)
    }

    /// Refuses anyone but caseworkers.
    pub fn caseworker(&self) -> Result<&Self, ApiError> {
        if self.role == Role::Caseworker {
            Ok(self)
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!(
                    "this is for caseworkers; you are logged in as a {}",
                    self.role
                ),
            ))
        }
    }
}

fn unauthorized(message: &str) -> Response {
    let mut response =
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message).into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| unauthorized("log in first: safehold case login"))?;
        let token_hash: [u8; 32] = Sha256::digest(token.trim().as_bytes()).into();
        let (who, expires_at) = state
            .store()
            .session(&token_hash)
            .await
            .map_err(|e| ApiError::from(e).into_response())?
            .ok_or_else(|| {
                unauthorized("this session is not known; log in again: safehold case login")
            })?;
        if expires_at < now() {
            return Err(unauthorized(
                "this session has expired; log in again: safehold case login",
            ));
        }
        let role = parse_role(&who.role)
            .ok_or_else(|| unauthorized("this session's role no longer exists; log in again"))?;
        // Keys removed from keys/ end every session of that person at once.
        if state.inner.keyring.person(role, &who.name).is_none() {
            return Err(unauthorized(
                "your key is no longer in the server's keyring",
            ));
        }
        Ok(Staff {
            role,
            name: who.name,
        })
    }
}

/// The routes a caseworker works on.
fn routes_of(state: &AppState, staff: &Staff) -> Vec<String> {
    state
        .inner
        .policy
        .routing
        .routes()
        .iter()
        .filter(|r| r.caseworkers.iter().any(|c| c == &staff.name))
        .map(|r| r.name.clone())
        .collect()
}

/// `GET /api/v1/cases` filters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    status: Option<String>,
    route: Option<String>,
}

/// One case in a listing.
#[derive(Debug, Serialize, Deserialize)]
pub struct CaseView {
    /// Public id.
    pub id: String,
    /// Route.
    pub route: String,
    /// Day received.
    pub received_day: String,
    /// Allegation status.
    pub status: String,
}

impl From<CaseSummary> for CaseView {
    fn from(c: CaseSummary) -> Self {
        CaseView {
            id: c.public_id,
            route: c.route,
            received_day: c.received_day,
            status: c.status,
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Vec<CaseView>>, ApiError> {
    let staff = staff.caseworker()?;
    let Query(query) = query.map_err(|e| ApiError::bad_request("bad_query", e.body_text()))?;
    if let Some(status) = &query.status
        && !STATUSES.contains(&status.as_str())
    {
        return Err(ApiError::unprocessable(
            "unknown_status",
            format!("unknown status; use one of: {}", STATUSES.join(", ")),
        ));
    }
    let mut routes = routes_of(&state, staff);
    if let Some(route) = &query.route {
        if !routes.contains(route) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "not_your_route",
                format!(
                    "you are not a caseworker of that route; yours are: {}",
                    routes.join(", ")
                ),
            ));
        }
        routes = vec![route.clone()];
    }
    let cases = state
        .store()
        .list_cases(&routes, query.status.as_deref())
        .await?;
    state
        .store()
        .append_audit(&staff.actor(), Action::List, "")
        .await?;
    Ok(Json(cases.into_iter().map(CaseView::from).collect()))
}

/// `GET /api/v1/cases/{id}`: a case's ciphertext, for decryption on the caseworker's machine.
#[derive(Debug, Serialize, Deserialize)]
pub struct CaseDetail {
    /// Public id.
    pub id: String,
    /// Route.
    pub route: String,
    /// Day received.
    pub received_day: String,
    /// Allegation status.
    pub status: String,
    /// The reporter's age recipient, for replies.
    pub reporter_recipient: String,
    /// The report's age file, base64.
    pub ciphertext: String,
    /// The thread: replies and follow-ups, encrypted.
    pub messages: Vec<MessageView>,
    /// The recipients a reply must be encrypted to, besides the reporter: the route's.
    pub route_recipients: Vec<String>,
}

/// A message of a case's thread, for staff.
#[derive(Debug, Serialize, Deserialize)]
pub struct MessageView {
    /// Position in the thread.
    pub seq: i64,
    /// `reporter` or `caseworker/<name>`.
    pub author: String,
    /// Day it was added.
    pub day: String,
    /// The age file, base64.
    pub ciphertext: String,
}

pub async fn pull(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<CaseDetail>, ApiError> {
    let staff = staff.caseworker()?;
    let report = own_case(&state, staff, &id).await?;
    let messages = state.store().messages(&report.public_id).await?;
    state
        .store()
        .append_audit(&staff.actor(), Action::Pull, &report.public_id)
        .await?;
    let routing = &state.inner.policy.routing;
    let route_recipients = routing
        .get(&report.route)
        .map(|r| {
            routing
                .recipients(r, &state.inner.keyring)
                .iter()
                .map(ToString::to_string)
                .collect()
        })
        .unwrap_or_default();
    Ok(Json(CaseDetail {
        id: report.public_id,
        route: report.route,
        received_day: report.received_day,
        status: report.status,
        reporter_recipient: report.reporter_recipient,
        ciphertext: STANDARD.encode(&report.ciphertext),
        messages: messages
            .into_iter()
            .map(|m| MessageView {
                seq: m.seq,
                author: m.author,
                day: m.day,
                ciphertext: STANDARD.encode(&m.ciphertext),
            })
            .collect(),
        route_recipients,
    }))
}

pub(super) fn no_such_case() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_case",
        "no case with this id on your routes",
    )
}

/// A case on the caller's routes, or the same 404 whether it is missing or someone else's.
pub(super) async fn own_case(
    state: &AppState,
    staff: &Staff,
    id: &str,
) -> Result<crate::store::StoredReport, ApiError> {
    let routes = routes_of(state, staff);
    state
        .store()
        .case_on_routes(id, &routes)
        .await?
        .ok_or_else(no_such_case)
}

/// `POST /api/v1/cases/{id}/replies` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// A `safehold.reply.v1` document encrypted to the reporter and the route's recipients.
    pub ciphertext: String,
}

/// Answer to a new message.
#[derive(Debug, Serialize, Deserialize)]
pub struct MessageAdded {
    /// Position in the thread.
    pub seq: i64,
}

pub async fn reply(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Json<ReplyRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let staff = staff.caseworker()?;
    let Json(request) = body.map_err(super::api::json_rejection)?;
    let case = own_case(&state, staff, &id).await?;
    let routing = &state.inner.policy.routing;
    let route_recipients = routing
        .get(&case.route)
        .map_or(0, |r| routing.recipients(r, &state.inner.keyring).len());
    // The reporter, plus every caseworker of the route so the thread stays readable to staff.
    let bytes = super::api::client_ciphertext(
        &request.ciphertext,
        route_recipients + 1,
        state.inner.max_body_bytes,
    )?;
    let targets = state.alert_targets(&case.route);
    let alert = AlertEvent {
        kind: "reply",
        route: &case.route,
        targets: &targets,
    };
    let added = state
        .store()
        .add_message(&case.public_id, &staff.actor(), &bytes, alert)
        .await?
        .ok_or_else(no_such_case)?;
    state
        .store()
        .append_audit(&staff.actor(), Action::Reply, &case.public_id)
        .await?;
    Ok((StatusCode::CREATED, Json(MessageAdded { seq: added.seq })).into_response())
}

/// `POST /api/v1/cases/{id}/status` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// The new status.
    pub status: String,
}

/// The allegation workflow (TAXONOMY.md): received → under assessment → credible or not
/// substantiated → referred → closed. A case can be closed from any status; nothing leaves
/// `closed`.
pub fn allowed_next(from: &str) -> &'static [&'static str] {
    match from {
        "received" => &["under_assessment", "closed"],
        "under_assessment" => &["credible", "not_substantiated", "closed"],
        "credible" => &["referred", "closed"],
        "not_substantiated" => &["under_assessment", "closed"],
        "referred" => &["closed"],
        _ => &[],
    }
}

pub async fn set_status(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Json<StatusRequest>, JsonRejection>,
) -> Result<Json<CaseView>, ApiError> {
    let staff = staff.caseworker()?;
    let Json(request) = body.map_err(super::api::json_rejection)?;
    if !STATUSES.contains(&request.status.as_str()) {
        return Err(ApiError::unprocessable(
            "unknown_status",
            format!("unknown status; use one of: {}", STATUSES.join(", ")),
        ));
    }
    let case = own_case(&state, staff, &id).await?;
    let next = allowed_next(&case.status);
    if !next.contains(&request.status.as_str()) {
        let allowed = if next.is_empty() {
            "none: the case is closed".to_owned()
        } else {
            next.join(", ")
        };
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "status_not_allowed",
            format!(
                "a case that is {} cannot become {}; allowed next: {allowed}",
                case.status, request.status
            ),
        ));
    }
    let targets = state.alert_targets(&case.route);
    let alert = AlertEvent {
        kind: "status_change",
        route: &case.route,
        targets: &targets,
    };
    if !state
        .store()
        .set_status(&case.public_id, &case.status, &request.status, alert)
        .await?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "status_changed",
            "someone changed this case's status meanwhile; list it again",
        ));
    }
    let action = if request.status == "closed" {
        Action::Close
    } else {
        Action::Status
    };
    state
        .store()
        .append_audit(&staff.actor(), action, &case.public_id)
        .await?;
    Ok(Json(CaseView {
        id: case.public_id,
        route: case.route,
        received_day: case.received_day,
        status: request.status,
    }))
}

/// `GET /api/v1/stats/live`: exact counts over the caller's routes, for triage. Never public;
/// every look is audited.
#[derive(Debug, Serialize, Deserialize)]
pub struct LiveStats {
    /// Routes counted: the caller's.
    pub routes: Vec<String>,
    /// Cases per route and status.
    pub by_status: Vec<LiveCount>,
    /// Cases per coded category (restricted fields never appear).
    pub by_code: Vec<LiveCount>,
}

/// One exact count.
#[derive(Debug, Serialize, Deserialize)]
pub struct LiveCount {
    /// Route, or taxonomy field.
    pub group: String,
    /// Status, or taxonomy code.
    pub key: String,
    /// Cases.
    pub cases: i64,
}

pub async fn live_stats(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<LiveStats>, ApiError> {
    let staff = staff.caseworker()?;
    let routes = routes_of(&state, staff);
    let counts = state.store().live_counts(&routes).await?;
    state
        .store()
        .append_audit(&staff.actor(), Action::StatsLive, "")
        .await?;
    let rows = |v: Vec<(String, String, i64)>| {
        v.into_iter()
            .map(|(group, key, cases)| LiveCount { group, key, cases })
            .collect()
    };
    Ok(Json(LiveStats {
        routes,
        by_status: rows(counts.by_status),
        by_code: rows(counts.by_code),
    }))
}

/// `POST /api/v1/cases/{id}/victim` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VictimLinkRequest {
    /// Another case, on the caller's routes, about the same person.
    pub same_as: String,
}

/// Links two cases of one victim, so statistics count that person once per table.
pub async fn link_victim(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Json<VictimLinkRequest>, JsonRejection>,
) -> Result<Json<VictimLinkRequest>, ApiError> {
    let staff = staff.caseworker()?;
    let Json(request) = body.map_err(super::api::json_rejection)?;
    if request.same_as == id {
        return Err(ApiError::unprocessable(
            "same_case",
            "a case cannot be linked to itself; name another case",
        ));
    }
    let case = own_case(&state, staff, &id).await?;
    let other = own_case(&state, staff, &request.same_as).await?;
    state
        .store()
        .link_victims(&case.public_id, &other.public_id)
        .await?;
    state
        .store()
        .append_audit(&staff.actor(), Action::Code, &case.public_id)
        .await?;
    Ok(Json(request))
}
