//! Webhook delivery: an HTTP POST of the JSON, signed with HMAC-SHA256 under the target's
//! secret, within the policy's timeout, never following redirects.

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use super::DeliveryError;

/// Header carrying `sha256=<hex HMAC-SHA256(secret, body)>`.
pub const SIGNATURE_HEADER: &str = "X-Safehold-Signature";

/// `sha256=<hex>` over `body` under `secret`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    // HMAC takes keys of any length, so this never fails in practice.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// An HTTP client for webhooks: rustls with `ring`, no redirects, the policy's timeout.
pub fn client(timeout: Duration) -> Result<reqwest::Client, DeliveryError> {
    // Installing twice is harmless: the first provider stays.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent("safehold-alerts")
        .build()
        .map_err(|_| DeliveryError::Network)
}

/// POSTs `body` to `url`. Success is any 2xx answer; the answer's body is never read.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    secret: &SecretString,
    body: Vec<u8>,
) -> Result<(), DeliveryError> {
    let signature = signature(secret.expose_secret().as_bytes(), &body);
    let response = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .await
        .map_err(|e| classify(&e))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(DeliveryError::Status(status.as_u16()))
    }
}

/// Turns a reqwest error into a class. reqwest's own message names the URL, which may hold a
/// token, so it is never kept.
fn classify(e: &reqwest::Error) -> DeliveryError {
    if e.is_timeout() {
        DeliveryError::Timeout
    } else if e.is_connect() {
        // rustls errors surface as connect errors; look for them in the source chain.
        let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
        while let Some(s) = source {
            if s.downcast_ref::<rustls::Error>().is_some() {
                return DeliveryError::Tls;
            }
            source = s.source();
        }
        DeliveryError::Connect
    } else {
        DeliveryError::Network
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_a_known_vector() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
