//! What an alert says, as JSON for webhooks and as text for e-mail. Only the kind of event, the
//! route, "urgent", a random idempotency id, and the public case id only where the target's
//! policy asks for it (`include_case`; otherwise `case` is empty): never any content, no
//! attachment names, no sizes, no time.
//!
//! The JSON works with common relays as it is:
//! - **ntfy**: POST the body to a topic URL (`https://ntfy.example.org/<topic>`). ntfy shows
//!   the body as the message and ignores `X-Safehold-Signature`.
//! - **Matrix hookshot** (generic webhooks): hookshot posts the `text` field to the room when
//!   there is one, so the payload carries `text`, a one-line summary made of the same fields.
//! - **A plain HTTP receiver**: verify `X-Safehold-Signature: sha256=<hex>` (HMAC-SHA256 of the
//!   exact body under the target's secret) and drop repeated `id`s: delivery is at least once.

use serde::Serialize;

use crate::domain::AlertKind;

/// Format tag of the alert JSON.
pub const FORMAT: &str = "alert.v1";

/// One alert, as delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// Always [`FORMAT`].
    pub safehold: &'static str,
    /// Idempotency id, random, stable for the outbox row: receivers drop duplicates by it.
    pub id: String,
    /// What happened.
    pub kind: AlertKind,
    /// The route's name (empty for a test alert).
    pub route: String,
    /// The public case id (empty for a test alert).
    pub case: String,
    /// The reporter said someone is in immediate danger.
    pub urgent: bool,
    /// A one-line summary of the fields above, for relays that show `text` (hookshot).
    pub text: String,
}

impl Alert {
    /// An alert with its summary line.
    pub fn new(id: &str, kind: AlertKind, route: &str, case: &str, urgent: bool) -> Alert {
        Alert {
            safehold: FORMAT,
            id: id.to_owned(),
            kind,
            route: route.to_owned(),
            case: case.to_owned(),
            urgent,
            text: summary(kind, route, case, urgent),
        }
    }

    /// A test alert for `safehold admin alerts test`.
    pub fn test(id: &str) -> Alert {
        Alert::new(id, AlertKind::Test, "", "", false)
    }

    /// The webhook body: compact JSON, fields in a fixed order.
    pub fn json(&self) -> Vec<u8> {
        // Serialising plain strings and a bool cannot fail; an empty body would be refused by
        // the receiver's signature check anyway.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// E-mail subject and body. The subject is fixed (plus "URGENT"), so a locked phone's
    /// notification shows no case id.
    pub fn email(&self) -> (String, String) {
        let subject = if self.urgent {
            "Safehold alert: URGENT".to_owned()
        } else {
            "Safehold alert".to_owned()
        };
        let case = if self.case.is_empty() {
            String::new()
        } else {
            format!("case:   {}\n", self.case)
        };
        let body = format!(
            "{}\n\nkind:   {}\nroute:  {}\n{case}urgent: {}\nid:     {}\n\nRead it with `safehold case list` on your own machine.\n",
            self.text,
            self.kind,
            self.route,
            if self.urgent { "yes" } else { "no" },
            self.id
        );
        (subject, body)
    }
}

fn summary(kind: AlertKind, route: &str, case: &str, urgent: bool) -> String {
    let mut line = format!("Safehold: {}", kind.label());
    if !route.is_empty() {
        line.push_str(&format!(" on route {route}"));
    }
    if !case.is_empty() {
        line.push_str(&format!(", case {case}"));
    }
    if urgent {
        line.push_str(" (URGENT: someone is in immediate danger)");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_has_exactly_the_allowed_fields() {
        let alert = Alert::new(
            "abc",
            AlertKind::NewReport,
            "general",
            "AAAA-BBBB-CCCC",
            true,
        );
        let value: serde_json::Value = match serde_json::from_slice(&alert.json()) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            value,
            serde_json::json!({
                "safehold": "alert.v1",
                "id": "abc",
                "kind": "new_report",
                "route": "general",
                "case": "AAAA-BBBB-CCCC",
                "urgent": true,
                "text": "Safehold: new report on route general, case AAAA-BBBB-CCCC (URGENT: someone is in immediate danger)"
            })
        );
        let (subject, body) = alert.email();
        assert_eq!(subject, "Safehold alert: URGENT");
        assert!(body.contains("case:   AAAA-BBBB-CCCC"));
    }
}
