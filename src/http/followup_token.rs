//! The signed, expiring, single-use token a receipt page carries so its follow-up form need
//! not carry the codephrase: `case.expiry.nonce.mac`. It names a case and a time, nothing else.
//!
//! - It is bound to the browser that asked for the page: the MAC covers that browser's CSRF
//!   token (derived from its `safehold_csrf` cookie), so a token copied out of a page, a
//!   screenshot or a cache is refused from any other browser.
//! - It is good once: redeeming it records the hash of its MAC (and the day), and a second
//!   use is refused with a page saying to open the receipt again. Spent hashes are kept only as
//!   long as a token lives (see `store::followup_tokens`).

use sha2::{Digest, Sha256};

use crate::mac::{hmac_sha256, same_mac};

/// How long a receipt page may send a follow-up without asking for the codephrase again.
const FOLLOWUP_TOKEN_SECONDS: i64 = 3600;

/// Domain separation of the token's MAC.
const LABEL: &[u8] = b"safehold followup token v2";

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn mac(key: &[u8], case_id: &str, expiry: i64, nonce: &[u8], browser: &str) -> [u8; 32] {
    let browser = Sha256::digest(browser.as_bytes());
    hmac_sha256(
        key,
        &[
            LABEL,
            case_id.as_bytes(),
            &expiry.to_be_bytes(),
            nonce,
            &browser[..],
        ],
    )
}

/// A token for `case_id`, valid for an hour, for the browser whose CSRF token is `browser`.
pub fn issue(key: &[u8], case_id: &str, browser: &str) -> String {
    let expiry = now() + FOLLOWUP_TOKEN_SECONDS;
    let mut nonce = [0u8; 16];
    // Without randomness two pages of one browser would share a token; that only makes the
    // second refused as a replay, so failing open is not a risk here.
    let _ = getrandom::fill(&mut nonce);
    format!(
        "{case_id}.{expiry}.{}.{}",
        hex::encode(nonce),
        hex::encode(mac(key, case_id, expiry, &nonce, browser))
    )
}

/// A genuine, unexpired token for this browser: the case it names, and the value that marks
/// it spent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The case the token names.
    pub case_id: String,
    /// What [`crate::store::Store::spend_followup_token`] records: a hash of the MAC.
    pub spent_id: [u8; 32],
}

/// The case a token names, if the token is genuine, unexpired and this browser's.
pub fn verify(key: &[u8], token: &str, browser: &str) -> Option<Verified> {
    let mut parts = token.splitn(4, '.');
    let case_id = parts.next()?;
    let expiry: i64 = parts.next()?.parse().ok()?;
    let nonce = hex::decode(parts.next()?).ok()?;
    let given = hex::decode(parts.next()?).ok()?;
    let expected = mac(key, case_id, expiry, &nonce, browser);
    (same_mac(&expected, &given) && expiry >= now()).then(|| Verified {
        case_id: case_id.to_owned(),
        spent_id: Sha256::digest(expected).into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_case_and_nothing_forged_passes() {
        let token = issue(b"key", "AAAA-BBBB-CCCC", "browser");
        let verified = verify(b"key", &token, "browser").unwrap();
        assert_eq!(verified.case_id, "AAAA-BBBB-CCCC");
        assert_eq!(verify(b"other key", &token, "browser"), None);
        let forged = token.replacen("AAAA", "ZZZZ", 1);
        assert_eq!(verify(b"key", &forged, "browser"), None);
        let (head, _) = token.rsplit_once('.').unwrap();
        assert_eq!(verify(b"key", head, "browser"), None);
        let nonce = [7u8; 16];
        let expired = format!(
            "AAAA-BBBB-CCCC.1.{}.{}",
            hex::encode(nonce),
            hex::encode(mac(b"key", "AAAA-BBBB-CCCC", 1, &nonce, "browser"))
        );
        assert_eq!(verify(b"key", &expired, "browser"), None);
    }

    #[test]
    fn a_token_is_bound_to_its_browser_and_each_page_gets_its_own() {
        let token = issue(b"key", "AAAA-BBBB-CCCC", "browser");
        assert_eq!(verify(b"key", &token, "another browser"), None);
        let again = issue(b"key", "AAAA-BBBB-CCCC", "browser");
        assert_ne!(token, again);
        assert_ne!(
            verify(b"key", &token, "browser").unwrap().spent_id,
            verify(b"key", &again, "browser").unwrap().spent_id
        );
    }
}
