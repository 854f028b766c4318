//! Cross-cutting layers: security headers, request counting, and turning a panic into an
//! answer in the client's form.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

use super::failure::{Client, Failure};
use crate::i18n::Lang;
use crate::store::Store;

/// No inline script, nothing from another origin, no framing, forms post only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ),
];

/// Pages may show a codephrase or a report; no browser or proxy may keep a copy. Only an
/// answer that sets its own policy is kept: content-named scripts, which never change.
const CACHE_CONTROL: &str = "no-store";

/// Adds the security headers to every response.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    // An oversize body was not read to its end: the connection cannot carry another request,
    // so tell the client not to reuse it.
    let too_large = response.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE;
    let headers = response.headers_mut();
    if too_large {
        headers.insert(
            axum::http::header::CONNECTION,
            HeaderValue::from_static("close"),
        );
    }
    for (name, value) in SECURITY_HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    headers
        .entry(axum::http::header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(CACHE_CONTROL));
    response
}

/// Says `Content-Language` on every response that does not say it itself: a page is in the
/// language its handler negotiated (the same [`Lang::of_request`]), and varies with
/// `Accept-Language`; everything else (the API's messages, scripts, files) is in English.
pub async fn content_language(request: Request, next: Next) -> Response {
    let page_lang = match Client::of(request.uri(), request.headers()) {
        Client::Browser(lang) => lang,
        Client::Api => Lang::default(),
    };
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let is_page = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let tag = if is_page {
        page_lang.tag()
    } else {
        Lang::default().tag()
    };
    if !headers.contains_key(axum::http::header::CONTENT_LANGUAGE)
        && let Ok(value) = HeaderValue::from_str(&tag)
    {
        headers.insert(axum::http::header::CONTENT_LANGUAGE, value);
    }
    if is_page {
        headers.append(
            axum::http::header::VARY,
            HeaderValue::from_static("accept-language"),
        );
    }
    response
}

/// HSTS, sent when the public URL is https: two years, so a State on the network cannot
/// strip TLS from a returning reporter's visit.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=63072000";

/// Adds `Strict-Transport-Security` when `https` (the public URL is https).
pub async fn strict_transport(https: bool, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    response
}

/// Counts the request under its method, route template and status, for the current UTC day.
/// Nothing is logged per request, at any level: a log line is written at a time, so it would
/// date a report (see `store::counts`). Never the client address, user agent, query string,
/// body or latency: the route template (`/api/v1/reports`) is all that is recorded, so the
/// number of counters stays bounded whatever clients send.
pub async fn count_request(State(store): State<Store>, request: Request, next: Next) -> Response {
    // Only standard methods are named: a client-chosen one would add a key per request.
    const NAMED: [(Method, &str); 7] = [
        (Method::GET, "GET"),
        (Method::HEAD, "HEAD"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::DELETE, "DELETE"),
        (Method::PATCH, "PATCH"),
        (Method::OPTIONS, "OPTIONS"),
    ];
    let method = NAMED
        .iter()
        .find(|(m, _)| m == request.method())
        .map_or("OTHER", |(_, name)| *name);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let response = next.run(request).await;
    store.count(
        "request",
        &format!("{method} {route}"),
        response.status().as_str(),
    );
    response
}

/// Answers a request whose handler panicked as any other failure: JSON for the API, a page in
/// the reporter's language for a browser. Nothing about the panic reaches the client.
pub async fn catch_panic(request: Request, next: Next) -> Response {
    let client = Client::of(request.uri(), request.headers());
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!("a request handler panicked");
            Failure::Unexpected.respond(&client)
        }
    }
}
