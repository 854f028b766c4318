//! The signed, expiring token a receipt page carries so its follow-up form need not carry the
//! codephrase: `case.expiry.hmac`. It names a case and a time, nothing else.

use crate::mac::{hmac_sha256, same_mac};

/// How long a receipt page may send a follow-up without asking for the codephrase again.
const FOLLOWUP_TOKEN_SECONDS: i64 = 3600;

/// Domain separation of the token's MAC.
const LABEL: &[u8] = b"safehold followup token";

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn mac(key: &[u8], case_id: &str, expiry: i64) -> [u8; 32] {
    hmac_sha256(key, &[LABEL, case_id.as_bytes(), &expiry.to_be_bytes()])
}

/// A token for `case_id`, valid for an hour.
pub fn issue(key: &[u8], case_id: &str) -> String {
    let expiry = now() + FOLLOWUP_TOKEN_SECONDS;
    format!(
        "{case_id}.{expiry}.{}",
        hex::encode(mac(key, case_id, expiry))
    )
}

/// The case a token names, if the token is genuine and unexpired.
pub fn verify(key: &[u8], token: &str) -> Option<String> {
    let mut parts = token.splitn(3, '.');
    let case_id = parts.next()?;
    let expiry: i64 = parts.next()?.parse().ok()?;
    let given = hex::decode(parts.next()?).ok()?;
    (same_mac(&mac(key, case_id, expiry), &given) && expiry >= now()).then(|| case_id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_case_and_nothing_forged_passes() {
        let token = issue(b"key", "AAAA-BBBB-CCCC");
        assert_eq!(verify(b"key", &token).as_deref(), Some("AAAA-BBBB-CCCC"));
        assert_eq!(verify(b"other key", &token), None);
        let forged = token.replacen("AAAA", "ZZZZ", 1);
        assert_eq!(verify(b"key", &forged), None);
        let (head, _) = token.rsplit_once('.').unwrap();
        let expired = format!(
            "AAAA-BBBB-CCCC.1.{}",
            hex::encode(mac(b"key", "AAAA-BBBB-CCCC", 1))
        );
        assert_eq!(verify(b"key", &expired), None);
        assert_eq!(verify(b"key", head), None);
    }
}
