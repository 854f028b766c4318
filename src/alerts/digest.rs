//! Digests: one message per target per period, at fixed boundaries of unix time (`hourly` is
//! every full hour UTC, `daily` every midnight UTC), sent **even when nothing arrived**, and
//! always exactly the same size.
//!
//! What an observer of the traffic learns: that a digest was sent at the boundary, every
//! boundary, and its fixed size. Neither depends on reports.
//!
//! Counts: the digest *does* list what arrived (kind, route, urgent, and the case id only where
//! the target's `include_case` asks for it) in up to [`SLOTS`] entries, in random order, then
//! "and N more", inside a body padded to a fixed length. We decided to keep them: whoever can
//! read the body (the relay, the mailbox) is already trusted with what an immediate alert
//! says, and a digest without them would send caseworkers to the server every period for
//! nothing. Against that reader the digest hides the arrival times to the period (a `daily`
//! digest, the default for e-mail, dates nothing finer than the day) and the arrival order;
//! against everyone else on the wire it hides everything. Operators who want even less use a
//! webhook to a relay they run.
//!
//! The functions here are pure, with the time passed in, so a test can run a whole simulated
//! schedule.

use serde::Serialize;

use crate::domain::AlertKind;

/// Entries listed in one digest; the rest are counted in `more`.
pub const SLOTS: usize = 20;
/// Exact size of every digest's JSON body, in bytes.
pub const JSON_BYTES: usize = 4096;
/// Exact size of every digest's e-mail body, in bytes.
pub const EMAIL_BYTES: usize = 4096;
/// Lines in every digest e-mail body.
pub const EMAIL_LINES: usize = 100;
/// Longest line of a digest e-mail body (short enough for 7-bit transfer).
pub const EMAIL_WIDTH: usize = 72;
/// Format tag of the digest JSON.
pub const FORMAT: &str = "digest.v1";

/// The period `now` (unix seconds) falls in, for a schedule of `every` seconds.
pub fn period_of(now: i64, every: i64) -> i64 {
    now.div_euclid(every.max(1))
}

/// When period `period` starts (unix seconds).
pub fn period_start(period: i64, every: i64) -> i64 {
    period.saturating_mul(every.max(1))
}

/// The next boundary strictly after `now`.
pub fn next_boundary(now: i64, every: i64) -> i64 {
    period_start(period_of(now, every) + 1, every)
}

/// One event listed in a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DigestItem {
    /// Event kind.
    pub kind: AlertKind,
    /// Route.
    pub route: String,
    /// Public case id.
    pub case: String,
    /// Urgent or not.
    pub urgent: bool,
}

/// A digest ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Digest {
    /// Always [`FORMAT`].
    pub safehold: &'static str,
    /// Idempotency id of the digest.
    pub id: String,
    /// Always `digest`.
    pub kind: AlertKind,
    /// The schedule boundary this digest belongs to, RFC 3339 UTC.
    pub boundary: String,
    /// Events since the last digest.
    pub count: usize,
    /// Of which urgent.
    pub urgent: usize,
    /// Up to [`SLOTS`] of them.
    pub items: Vec<DigestItem>,
    /// Events not listed.
    pub more: usize,
    /// One-line summary (for relays that show `text`).
    pub text: String,
    /// Filler that makes every digest exactly [`JSON_BYTES`] long.
    pub pad: String,
}

impl Digest {
    /// A digest of `items` for the boundary at or before `now` of a schedule of `every`
    /// seconds.
    pub fn new(id: &str, now: i64, every: i64, items: Vec<DigestItem>) -> Digest {
        let count = items.len();
        let urgent = items.iter().filter(|i| i.urgent).count();
        let boundary = period_start(period_of(now, every), every);
        let boundary = time::OffsetDateTime::from_unix_timestamp(boundary)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default();
        let text = match (count, urgent) {
            (0, _) => "Safehold digest: nothing new".to_owned(),
            (n, 0) => format!("Safehold digest: {n} new"),
            (n, u) => format!("Safehold digest: {n} new, {u} URGENT"),
        };
        let mut listed = items;
        listed.truncate(SLOTS);
        Digest {
            safehold: FORMAT,
            id: id.to_owned(),
            kind: AlertKind::Digest,
            boundary,
            count,
            urgent,
            more: count - listed.len(),
            items: listed,
            text,
            pad: String::new(),
        }
    }

    /// The webhook body, exactly [`JSON_BYTES`] long.
    pub fn json(&self) -> Vec<u8> {
        let mut digest = self.clone();
        digest.pad.clear();
        loop {
            let body = serde_json::to_vec(&digest).unwrap_or_default();
            if body.len() <= JSON_BYTES {
                digest.pad = ".".repeat(JSON_BYTES - body.len());
                return serde_json::to_vec(&digest).unwrap_or_default();
            }
            // Only very long route names get here: list fewer, count the rest.
            if digest.items.pop().is_none() {
                return body;
            }
            digest.more += 1;
        }
    }

    /// E-mail subject (fixed) and body. The body is exactly [`EMAIL_BYTES`] long and always
    /// [`EMAIL_LINES`] lines of at most [`EMAIL_WIDTH`] ASCII characters, so its size on the
    /// wire stays fixed whatever the transfer encoding and line-ending conversion.
    pub fn email(&self) -> (String, String) {
        let mut lines = vec![
            self.text.clone(),
            format!("boundary: {}", self.boundary),
            format!("id: {}", self.id),
            String::new(),
        ];
        for item in &self.items {
            let case = if item.case.is_empty() {
                String::new()
            } else {
                format!("case {}, ", item.case)
            };
            lines.push(format!(
                "- {case}{}{}",
                item.kind.label(),
                if item.urgent { ", URGENT" } else { "" }
            ));
            lines.push(format!("  route {}", item.route));
        }
        if self.more > 0 {
            lines.push(format!("- and {} more", self.more));
        }
        lines.push(String::new());
        lines.push("Read them with `safehold case list` on your own machine.".to_owned());
        lines.truncate(EMAIL_LINES);
        for line in &mut lines {
            line.retain(|c| c.is_ascii() && !c.is_ascii_control());
            line.truncate(EMAIL_WIDTH);
        }
        // Filler lines of dots take whatever characters are left.
        let used: usize = lines.iter().map(String::len).sum();
        let mut left = (EMAIL_BYTES - EMAIL_LINES).saturating_sub(used);
        while lines.len() < EMAIL_LINES {
            let n = left.min(EMAIL_WIDTH);
            lines.push(".".repeat(n));
            left -= n;
        }
        let mut body = lines.join("\n");
        body.push('\n');
        ("Safehold digest".to_owned(), body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(n: usize, urgent: bool) -> DigestItem {
        DigestItem {
            kind: AlertKind::NewReport,
            route: if n.is_multiple_of(2) {
                "general".into()
            } else {
                "a-much-longer-route-name-for-special-procedures".into()
            },
            case: format!("AAAA-BBBB-{n:04}"),
            urgent,
        }
    }

    #[test]
    fn a_simulated_schedule_gives_equal_sizes() {
        let every = 3600;
        // A day of hourly boundaries starting mid-period, with 0, 1 and many events.
        let start = 1_795_000_123_i64;
        let mut sizes = Vec::new();
        let mut last = period_of(start, every);
        for step in 0..24 * 60 {
            let now = start + step * 60;
            let period = period_of(now, every);
            if period == last {
                continue;
            }
            last = period;
            let n = match period % 4 {
                0 => 0,
                1 => 1,
                2 => 7,
                _ => 250,
            };
            let items = (0..n).map(|i| item(i, i % 5 == 0)).collect();
            let digest = Digest::new("0123456789abcdef0123456789abcdef", now, every, items);
            let (_, email) = digest.email();
            sizes.push((n, digest.json().len(), email.len()));
            assert_eq!(digest.boundary.len(), 20, "{}", digest.boundary);
        }
        assert_eq!(sizes.len(), 24);
        assert!(
            sizes
                .iter()
                .all(|&(_, j, e)| j == JSON_BYTES && e == EMAIL_BYTES),
            "{sizes:?}"
        );
    }

    #[test]
    fn boundaries() {
        assert_eq!(period_of(7199, 3600), 1);
        assert_eq!(next_boundary(7199, 3600), 7200);
        assert_eq!(next_boundary(7200, 3600), 10800);
    }
}
