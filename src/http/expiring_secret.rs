//! Staff nonces and session tokens carry their own exact expiry: `<random>.<unix seconds>`.
//!
//! The server stores only a secret's SHA-256, which covers the expiry (so it cannot be moved),
//! and the expiry's UTC day, for cleanup. So nothing at rest dates a staff login finer than a
//! day: a login right after a report would otherwise date the report.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::staff::now;

const DAY: i64 = 86_400;

/// A fresh secret with `prefix`, 32 random bytes, valid for `lifetime` seconds; and its
/// expiry's UTC day (days since 1970-01-01), to store.
pub fn mint(prefix: &str, lifetime: i64) -> Option<(String, i64)> {
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).ok()?;
    let expiry = now().saturating_add(lifetime);
    let secret = format!("{prefix}{}.{expiry}", URL_SAFE_NO_PAD.encode(random));
    Some((secret, expiry.div_euclid(DAY)))
}

/// Whether a secret (already found by its hash, so unaltered) is still within its lifetime.
pub fn unexpired(secret: &str) -> bool {
    secret
        .rsplit_once('.')
        .and_then(|(_, expiry)| expiry.parse::<i64>().ok())
        .is_some_and(|expiry| expiry >= now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_knows_its_own_expiry_and_the_store_only_its_day() {
        let (secret, day) = mint("shs_", 3600).unwrap();
        assert!(secret.starts_with("shs_"));
        assert!(unexpired(&secret));
        assert_eq!(day, (now() + 3600).div_euclid(DAY));
        let (old, _) = mint("shs_", -10).unwrap();
        assert!(!unexpired(&old));
        assert!(!unexpired("shs_no-expiry"));
    }
}
