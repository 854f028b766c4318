//! The intake ticket: proof that a report comes from a fresh round trip through the form page
//! (GET the page, then send it), which earns the report priority over sends without one.
//!
//! Behind Tor every reporter arrives from 127.0.0.1, so a flood of posts from "the same
//! address" is the normal case, and a per-address limit alone would lock a real reporter out
//! with the flood. A ticket tells them apart: the page hands one out with every form, each is
//! good for one report, and a report that spends one skips the per-address quota that replays
//! and scripted posts share (see `http::intake_gate`).
//!
//! - A ticket is `epoch.nonce.mac`, the MAC under a key drawn at start-up: it survives no
//!   restart (a report after one simply takes the ordinary lane) and holds no clock time, only
//!   a counter of half-hours since start-up.
//! - Issuing one stores nothing, so a flood of page reads costs no memory. Spending one records
//!   its nonce in the set of the current half-hour; sets older than the previous half-hour are
//!   dropped whole, so a ticket lives at most an hour and the server keeps no time per report.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::mac::{hmac_sha256, same_mac};

/// How long one spent-ticket set is current; a ticket is good in its epoch and the next.
const EPOCH: Duration = Duration::from_secs(30 * 60);

/// Most tickets spent per epoch that are remembered; past it, tickets take the ordinary lane,
/// so memory stays bounded whatever a flood sends.
const MAX_SPENT_PER_EPOCH: usize = 200_000;

/// Domain separation of the ticket MAC.
const LABEL: &[u8] = b"safehold.intake-ticket.v1";

/// Length of every ticket's text, so that a body with one has a fixed length.
pub const TICKET_LEN: usize = crate::wire::INTAKE_TICKET_LEN;
const _: () = assert!(TICKET_LEN == 4 + 1 + 22 + 1 + 22);

/// Hands out and redeems intake tickets.
pub struct IntakeTickets {
    key: [u8; 32],
    started: Instant,
    spent: Mutex<SpentSets>,
}

struct SpentSets {
    epoch: u64,
    current: HashSet<[u8; 16]>,
    previous: HashSet<[u8; 16]>,
}

impl IntakeTickets {
    /// A ticket office with a fresh random key.
    pub fn new() -> IntakeTickets {
        let mut key = [0u8; 32];
        // Without randomness the key is all zeros: tickets could then be forged, which only
        // lets a sender skip the per-address quota, never read or store anything.
        let _ = getrandom::fill(&mut key);
        IntakeTickets {
            key,
            started: Instant::now(),
            spent: Mutex::new(SpentSets {
                epoch: 0,
                current: HashSet::new(),
                previous: HashSet::new(),
            }),
        }
    }

    fn epoch(&self) -> u64 {
        (self.started.elapsed().as_secs() / EPOCH.as_secs()) % 10_000
    }

    fn mac(&self, epoch: u64, nonce: &[u8; 16]) -> [u8; 16] {
        let full = hmac_sha256(&self.key, &[LABEL, &epoch.to_be_bytes(), nonce]);
        let mut short = [0u8; 16];
        short.copy_from_slice(&full[..16]);
        short
    }

    /// A new ticket for a form page.
    pub fn issue(&self) -> String {
        let epoch = self.epoch();
        let mut nonce = [0u8; 16];
        let _ = getrandom::fill(&mut nonce);
        format!(
            "{epoch:04}.{}.{}",
            URL_SAFE_NO_PAD.encode(nonce),
            URL_SAFE_NO_PAD.encode(self.mac(epoch, &nonce))
        )
    }

    /// Spends `ticket`: true once for a genuine ticket of this epoch or the last, false for
    /// anything else (forged, expired, from before a restart, already spent, or empty).
    pub fn redeem(&self, ticket: &str) -> bool {
        let Some((epoch, nonce)) = self.genuine(ticket) else {
            return false;
        };
        let now = self.epoch();
        let Ok(mut spent) = self.spent.lock() else {
            return false;
        };
        if spent.epoch != now {
            // Rotate: the last epoch's set becomes the previous one; anything older goes.
            let previous = if now == (spent.epoch + 1) % 10_000 {
                std::mem::take(&mut spent.current)
            } else {
                HashSet::new()
            };
            spent.previous = previous;
            spent.current = HashSet::new();
            spent.epoch = now;
        }
        let fresh = epoch == now || epoch == (now + 10_000 - 1) % 10_000;
        if !fresh || spent.previous.contains(&nonce) || spent.current.contains(&nonce) {
            return false;
        }
        if spent.current.len() >= MAX_SPENT_PER_EPOCH {
            return false;
        }
        spent.current.insert(nonce)
    }

    fn genuine(&self, ticket: &str) -> Option<(u64, [u8; 16])> {
        if ticket.len() != TICKET_LEN {
            return None;
        }
        let mut parts = ticket.split('.');
        let epoch_text = parts.next()?;
        if epoch_text.len() != 4 || !epoch_text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let epoch: u64 = epoch_text.parse().ok()?;
        let nonce: [u8; 16] = URL_SAFE_NO_PAD
            .decode(parts.next()?)
            .ok()?
            .try_into()
            .ok()?;
        let given = URL_SAFE_NO_PAD.decode(parts.next()?).ok()?;
        if parts.next().is_some() {
            return None;
        }
        same_mac(&self.mac(epoch, &nonce), &given).then_some((epoch, nonce))
    }
}

impl Default for IntakeTickets {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_is_good_once_and_has_a_fixed_length() {
        let office = IntakeTickets::new();
        let ticket = office.issue();
        assert_eq!(ticket.len(), TICKET_LEN);
        assert!(office.redeem(&ticket));
        assert!(
            !office.redeem(&ticket),
            "a ticket is spent by its first use"
        );
        assert!(office.redeem(&office.issue()));
    }

    #[test]
    fn forged_foreign_and_malformed_tickets_are_refused() {
        let office = IntakeTickets::new();
        let other = IntakeTickets::new();
        assert!(!office.redeem(&other.issue()), "another key's ticket");
        let mut tampered = office.issue().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(!office.redeem(&String::from_utf8(tampered).unwrap()));
        for junk in ["", "0000..", "x", &"a".repeat(TICKET_LEN)] {
            assert!(!office.redeem(junk), "{junk:?}");
        }
    }
}
