//! The no-JavaScript report form: its fields, its CSRF session, and reading the pages.

/// A browser-like session on a form page: the CSRF cookie and token from `GET` of the page.
pub struct FormSession {
    pub cookie: String,
    pub token: String,
    /// The page's single-use intake ticket (empty on pages without one).
    pub ticket: String,
}

impl FormSession {
    pub async fn open(client: &reqwest::Client, url: &str) -> FormSession {
        let response = client.get(url).send().await.expect("GET form");
        assert_eq!(response.status(), 200, "form page");
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("safehold_csrf="))
            .map(|v| v.split(';').next().unwrap().to_owned())
            .expect("CSRF cookie");
        let html = response.text().await.unwrap();
        let token = hidden_value(&html, "authenticity_token").expect("token in form");
        let ticket = hidden_value(&html, "intake_ticket").unwrap_or_default();
        FormSession {
            cookie,
            token,
            ticket,
        }
    }
}

/// The value of a hidden input in a page.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    let end = rest.find('"')?;
    Some(
        rest[..end]
            .replace("&#43;", "+")
            .replace("&#x2B;", "+")
            .replace("&#61;", "=")
            .replace("&#x3D;", "="),
    )
}

/// The text of the element with `id` (simple pages only).
pub fn element_text(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')?;
    Some(rest[start..start + end].trim().to_owned())
}

/// The fields of a typical report.
pub struct FormReport {
    pub what_happened: String,
    pub mechanism: &'static str,
    pub immediate_danger: &'static str,
    pub attachments: Vec<(String, Vec<u8>)>,
    /// Consent to share with the named mechanism (`consent_mechanism=yes`).
    pub consent_mechanism: bool,
}

impl FormReport {
    pub fn simple(what_happened: &str) -> FormReport {
        FormReport {
            what_happened: what_happened.to_owned(),
            mechanism: "",
            immediate_danger: "",
            attachments: vec![],
            consent_mechanism: false,
        }
    }

    /// The same report, answering the routing question with `mechanism`.
    pub fn with_mechanism(mut self, mechanism: &'static str) -> FormReport {
        self.mechanism = mechanism;
        self
    }

    /// The same report, marked as in immediate danger.
    pub fn urgent(mut self) -> FormReport {
        self.immediate_danger = "yes";
        self
    }

    /// The same report, with consent for the named mechanism too.
    pub fn with_mechanism_consent(mut self) -> FormReport {
        self.consent_mechanism = true;
        self
    }

    /// The form as a browser sends it from `session`'s page: its token and its ticket.
    pub fn multipart_from(&self, session: &FormSession) -> reqwest::multipart::Form {
        self.multipart(&session.token)
            .text("intake_ticket", session.ticket.clone())
    }

    /// The form with `token` and no intake ticket (a script's or a replayed post).
    pub fn multipart(&self, token: &str) -> reqwest::multipart::Form {
        let mut form = reqwest::multipart::Form::new()
            .text("authenticity_token", token.to_owned())
            .text("mechanism", self.mechanism)
            .text("region", "")
            .text("immediate_danger", self.immediate_danger)
            .text("what_happened", self.what_happened.clone())
            .text("when", "early March 2026")
            .text("where", "Geneva")
            .text(
                "un_engagement",
                "testimony to the Committee against Torture",
            )
            .text("people_affected", "the reporter")
            .text("contact", "")
            .text("consent_ohchr", "yes")
            .text("consent_statistics", "yes");
        for (name, bytes) in &self.attachments {
            let part = reqwest::multipart::Part::bytes(bytes.clone())
                .file_name(name.clone())
                .mime_str("application/octet-stream")
                .unwrap();
            form = form.part("attachments", part);
        }
        if self.consent_mechanism {
            form = form.text("consent_mechanism", "yes");
        }
        form
    }
}

/// A report the form accepted (201): its receipt page, and the id and codephrase it shows.
pub struct Submitted {
    pub id: String,
    pub codephrase: String,
    pub page: String,
}

impl Submitted {
    /// Reads the receipt page of an accepted report.
    pub fn from_page(page: String) -> Submitted {
        Submitted {
            id: element_text(&page, "report-id").expect("report id on the receipt page"),
            codephrase: element_text(&page, "codephrase").expect("codephrase shown"),
            page,
        }
    }
}
