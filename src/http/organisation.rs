//! Who runs this Safehold (`organisation.toml`), as the pages and `/.well-known/security.txt`
//! say it.
//!
//! Every reporter page names the organisation and says what happens next, error pages
//! included. Those are rendered by `IntoResponse` impls and fallbacks that never see the
//! server's state, so the organisation of the server answering is made current for the whole
//! request by [`in_scope`], the outermost layer, and [`current`] reads it (the page frame,
//! `pages::Frame::new`). Outside a request nothing is current and the frame leaves the notice
//! out.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use time::format_description::well_known::Rfc3339;

use super::AppState;
use super::traffic::Traffic;
use crate::policy::Organisation;

tokio::task_local! {
    /// The organisation of the server answering the current request.
    static CURRENT: Arc<Organisation>;
}

/// The organisation of the server answering the current request, if inside one.
pub fn current() -> Option<Arc<Organisation>> {
    CURRENT.try_with(Arc::clone).ok()
}

/// Layer: makes `organisation` current while the request is answered.
pub async fn in_scope(
    State(organisation): State<Arc<Organisation>>,
    request: Request,
    next: Next,
) -> Response {
    CURRENT.scope(organisation, next.run(request)).await
}

/// `/.well-known/security.txt`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    traffic.page(Router::new().route("/.well-known/security.txt", get(security_txt)))
}

/// `GET /.well-known/security.txt` (RFC 9116): where to report a vulnerability in this
/// deployment, as the operator wrote it in `organisation.toml`.
async fn security_txt(State(state): State<AppState>) -> Response {
    let body = security_txt_text(&state.policy().organisation, state.public_url());
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// The file's text. `Canonical` is given only when the server knows the address it is
/// reached at (`--public-url`); every value was checked to hold no line break when the
/// policy was loaded.
fn security_txt_text(organisation: &Organisation, public_url: Option<&str>) -> String {
    let security = &organisation.security;
    let mut text = format!(
        "# Vulnerability reports for this Safehold, run by {}\n",
        organisation.name
    );
    for contact in &security.contact {
        text.push_str(&format!("Contact: {contact}\n"));
    }
    // Rfc3339 formats every UTC time the policy loader can produce.
    let expires = security.expires.format(&Rfc3339).unwrap_or_default();
    text.push_str(&format!("Expires: {expires}\n"));
    if !security.preferred_languages.is_empty() {
        text.push_str(&format!(
            "Preferred-Languages: {}\n",
            security.preferred_languages.join(", ")
        ));
    }
    if let Some(url) = public_url {
        text.push_str(&format!(
            "Canonical: {}/.well-known/security.txt\n",
            url.trim_end_matches('/')
        ));
    }
    text
}
