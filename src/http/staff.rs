//! Who is logged in: the `Staff` extractor reads `Authorization: Bearer …`, finds the session
//! by the token's hash, and checks that the key which answered its login challenge is still
//! that person's in the keyring as it is now (a reload takes effect at the next request).
//! Also the role checks and the routes a caseworker works on.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::AppState;
use super::expiring_secret;
use super::failure::ApiError;
use crate::keyring::Role;
use crate::store::StoredReport;

/// Unix seconds now: sessions and challenges expire by it.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The role a session names, if it still exists.
pub fn parse_role(role: &str) -> Option<Role> {
    Role::ALL.into_iter().find(|r| r.as_str() == role)
}

/// A logged-in staff member, from `Authorization: Bearer …`.
#[derive(Debug, Clone)]
pub struct Staff {
    /// Their role, from the folder of their key.
    pub role: Role,
    /// Their name.
    pub name: String,
    /// The hash of the session's token.
    session: [u8; 32],
}

impl Staff {
    /// The hash of this request's session token, to end it.
    pub fn session(&self) -> &[u8; 32] {
        &self.session
    }

    /// `role/name`, as the audit log records it.
    pub fn actor(&self) -> String {
        format!("{}/{}", self.role, self.name)
    }

    /// Refuses anyone but caseworkers.
    pub fn caseworker(&self) -> Result<&Self, ApiError> {
        if self.role == Role::Caseworker {
            Ok(self)
        } else {
            Err(ApiError::forbidden(format!(
                "this is for caseworkers; you are logged in as a {}",
                self.role
            )))
        }
    }

    /// Refuses anyone but rapporteurs.
    pub fn rapporteur(&self) -> Result<&Self, ApiError> {
        if self.role == Role::Rapporteur {
            Ok(self)
        } else {
            Err(ApiError::forbidden(format!(
                "the inbox is for rapporteurs; you are logged in as a {}",
                self.role
            )))
        }
    }

    /// The routes this caseworker works on.
    pub fn routes(&self, state: &AppState) -> Vec<String> {
        state
            .policy()
            .routing
            .routes()
            .iter()
            .filter(|r| r.caseworkers.iter().any(|c| c == &self.name))
            .map(|r| r.name.clone())
            .collect()
    }

    /// A case on this caseworker's routes, or the same 404 whether it is missing or someone
    /// else's.
    pub async fn own_case(&self, state: &AppState, id: &str) -> Result<StoredReport, ApiError> {
        state
            .store()
            .case_on_routes(id, &self.routes(state))
            .await?
            .ok_or_else(no_such_case)
    }
}

/// The answer for a case that is missing or on another route.
pub fn no_such_case() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_case",
        "no case with this id on your routes",
    )
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
        let session = state
            .store()
            .session(&token_hash)
            .await
            .map_err(|e| ApiError::from(e).into_response())?
            .ok_or_else(|| {
                unauthorized("this session is not known; log in again: safehold case login")
            })?;
        if !expiring_secret::unexpired(token.trim()) {
            return Err(unauthorized(
                "this session has expired; log in again: safehold case login",
            ));
        }
        let who = session.who;
        let role = parse_role(&who.role)
            .ok_or_else(|| unauthorized("this session's role no longer exists; log in again"))?;
        // A key removed from keys/, or replaced under the same name, ends its sessions at once.
        let key_still_theirs = state
            .person(role, &who.name)
            .is_some_and(|person| person.holds_key(&session.key_id));
        if !key_still_theirs {
            return Err(unauthorized(
                "the key you logged in with is no longer in the server's keyring, so this session has ended; log in again: safehold case login",
            ));
        }
        Ok(Staff {
            role,
            name: who.name,
            session: token_hash,
        })
    }
}
