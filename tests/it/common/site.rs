//! The server's endpoints at a base URL, as a reporter's browser, a reporter's API client or a
//! staff client uses them. A [`crate::common::TestServer`] dereferences to its `Site`; for a
//! `ServerProcess`, use [`Site::at`].

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::form::{FormReport, FormSession, Submitted, hidden_value};
use super::library::{
    Channel, Codephrase, Consent, ReceiptKeys, Report, ReportFields, RoutesResponse,
    RoutingAnswers, SubmitResponse, seal,
};
use super::open_as;

/// A Safehold server's HTTP endpoints at `url`.
#[derive(Clone)]
pub struct Site {
    pub url: String,
    client: reqwest::Client,
}

/// A report built, padded and encrypted on the client, and the JSON body that submits it.
pub struct ApiSubmission {
    pub ciphertext: Vec<u8>,
    pub body: Value,
    pub keys: ReceiptKeys,
    /// The codephrase the receipt keys were derived from.
    pub codephrase: String,
}

impl Site {
    /// The server at `url`, through the CLI's HTTP client with redirects left to the caller.
    pub fn at(url: &str) -> Site {
        let client = safehold::cli::http_client()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Site::with_client(url, client)
    }

    /// The server at `url`, through `client` (a reporter with its own address, say).
    pub fn with_client(url: &str, client: reqwest::Client) -> Site {
        Site {
            url: url.to_owned(),
            client,
        }
    }

    pub fn client(&self) -> reqwest::Client {
        self.client.clone()
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    // ─── The reporter's pages, without JavaScript ─────────────────────────────────────────

    /// Opens the form page at `path` for its CSRF cookie and token.
    pub async fn form_session(&self, path: &str) -> FormSession {
        FormSession::open(&self.client, &self.endpoint(path)).await
    }

    /// Submits a report through the no-JavaScript form; it must be accepted (201).
    pub async fn submit_form(&self, report: &FormReport) -> Submitted {
        let session = self.form_session("/").await;
        let response = self
            .client
            .post(self.endpoint("/report"))
            .header("cookie", &session.cookie)
            .multipart(report.multipart_from(&session))
            .send()
            .await
            .expect("POST /report");
        let status = response.status().as_u16();
        let page = response.text().await.unwrap();
        assert_eq!(status, 201, "{page}");
        Submitted::from_page(page)
    }

    /// Opens the receipt page with a codephrase, without JavaScript: (status, page, CSRF
    /// cookie). Every answer must forbid caching, as it may show replies.
    pub async fn receipt_lookup(&self, codephrase: &str) -> (u16, String, String) {
        let session = self.form_session("/receipt").await;
        let response = self
            .client
            .post(self.endpoint("/receipt"))
            .header("cookie", &session.cookie)
            .form(&[
                ("authenticity_token", session.token.as_str()),
                ("codephrase", codephrase),
            ])
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let no_store = response
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(
            no_store.as_deref(),
            Some("no-store"),
            "receipt pages are never cached"
        );
        (status, response.text().await.unwrap(), session.cookie)
    }

    /// Opens the receipt page with `codephrase` and sends its consent form with the boxes
    /// `ticked` (`consent_ohchr`, `consent_statistics`, …) from the same browser: (status,
    /// page, the form as sent, for replays).
    pub async fn change_consent_form(
        &self,
        codephrase: &str,
        ticked: &[&str],
    ) -> (u16, String, Vec<(String, String)>, String) {
        let (status, page, cookie) = self.receipt_lookup(codephrase).await;
        assert_eq!(status, 200, "{page}");
        let form = &page[page.find("id=\"consent-form\"").expect("consent form")..];
        let mut fields = vec![
            (
                "authenticity_token".to_owned(),
                hidden_value(form, "authenticity_token").unwrap(),
            ),
            (
                "receipt_token".to_owned(),
                hidden_value(form, "receipt_token").unwrap(),
            ),
        ];
        for name in ticked {
            fields.push(((*name).to_owned(), "yes".to_owned()));
        }
        let (status, answer) = self.post_consent_form(&cookie, &fields).await;
        (status, answer, fields, cookie)
    }

    /// Opens the receipt page with `codephrase` and adds a follow-up from it, with `files`
    /// (name, bytes), as a reporter without JavaScript: (status, page).
    pub async fn send_followup_form(
        &self,
        codephrase: &str,
        text: &str,
        files: &[(&str, &[u8])],
    ) -> (u16, String) {
        let (status, page, cookie) = self.receipt_lookup(codephrase).await;
        assert_eq!(status, 200, "{page}");
        let mut form = reqwest::multipart::Form::new()
            .text(
                "authenticity_token",
                hidden_value(&page, "authenticity_token").unwrap(),
            )
            .text(
                "receipt_token",
                hidden_value(&page, "receipt_token").unwrap(),
            )
            .text("thread_key", hidden_value(&page, "thread_key").unwrap())
            .text("text", text.to_owned());
        for (name, bytes) in files {
            let part = reqwest::multipart::Part::bytes(bytes.to_vec())
                .file_name((*name).to_owned())
                .mime_str("application/octet-stream")
                .unwrap();
            form = form.part("attachments", part);
        }
        let response = self
            .client
            .post(self.endpoint("/receipt/followup"))
            .header("cookie", &cookie)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// `POST /receipt/consent` with `fields` and the CSRF `cookie`: (status, page).
    pub async fn post_consent_form(
        &self,
        cookie: &str,
        fields: &[(String, String)],
    ) -> (u16, String) {
        let response = self
            .client
            .post(self.endpoint("/receipt/consent"))
            .header("cookie", cookie)
            .form(fields)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// `POST /api/v1/receipt/consent` with the receipt `keys` and `flags`: (status, body).
    pub async fn change_consent_api(&self, keys: &ReceiptKeys, flags: &str) -> (u16, Value) {
        let response = self
            .client
            .post(self.endpoint("/api/v1/receipt/consent"))
            .json(&json!({
                "receipt_verifier": STANDARD.encode(keys.lookup_key()),
                "consent": flags,
            }))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    // ─── The report API ───────────────────────────────────────────────────────────────────

    /// `GET path` without credentials, read as JSON.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self.client.get(self.endpoint(path)).send().await.unwrap();
        response.json().await.unwrap()
    }

    /// `GET path` without credentials, read as text (a page, a CSV file).
    pub async fn get_text(&self, path: &str) -> String {
        let response = self.client.get(self.endpoint(path)).send().await.unwrap();
        response.text().await.unwrap()
    }

    pub async fn routes(&self) -> RoutesResponse {
        self.get_json("/api/v1/routes").await
    }

    /// Builds, pads and encrypts a report with `text` for the recipients of `route`, as an API
    /// client does, with fresh receipt keys.
    pub async fn api_submission(&self, route: &str, text: &str) -> ApiSubmission {
        let codephrase = Codephrase::generate();
        let keys = ReceiptKeys::derive(&codephrase).unwrap();
        let report = sample_report_for(text, &keys);
        let plaintext = report.to_padded_plaintext().unwrap();
        let consent = report.consent;
        self.api_submission_keyed(route, codephrase, keys, consent, |recipients, slots| {
            seal::encrypt_in_slots(&plaintext, recipients, slots).unwrap()
        })
        .await
    }

    /// Pads and encrypts `report` for the recipients of `route` (decoys up to the slots), as
    /// an API client does, with fresh receipt keys.
    pub async fn api_submission_of(&self, route: &str, report: &Report) -> ApiSubmission {
        let plaintext = report.to_padded_plaintext().unwrap();
        let codephrase = Codephrase::generate();
        let keys = ReceiptKeys::derive(&codephrase).unwrap();
        let mut submission = self
            .api_submission_keyed(
                route,
                codephrase,
                keys,
                report.consent,
                |recipients, slots| seal::encrypt_in_slots(&plaintext, recipients, slots).unwrap(),
            )
            .await;
        // The mechanism answer travels beside the ciphertext, as the page sends it.
        if let Some(mechanism) = &report.routing.mechanism {
            submission.body["mechanism"] = json!(mechanism);
        }
        submission
    }

    /// An API submission for `route` whose ciphertext `encrypt` makes from the route's
    /// recipients (for crafted, possibly malicious files).
    pub async fn api_submission_of_ciphertext(
        &self,
        route: &str,
        encrypt: impl FnOnce(&[age::x25519::Recipient]) -> Vec<u8>,
    ) -> ApiSubmission {
        let codephrase = Codephrase::generate();
        let keys = ReceiptKeys::derive(&codephrase).unwrap();
        self.api_submission_keyed(
            route,
            codephrase,
            keys,
            Consent::default(),
            |recipients, _| encrypt(recipients),
        )
        .await
    }

    /// The request body for a report on `route` that `encrypt` seals from the route's
    /// recipients and the recipient slots, with the receipt `keys` and `consent` beside it.
    async fn api_submission_keyed(
        &self,
        route: &str,
        codephrase: Codephrase,
        keys: ReceiptKeys,
        consent: Consent,
        encrypt: impl FnOnce(&[age::x25519::Recipient], usize) -> Vec<u8>,
    ) -> ApiSubmission {
        let routes = self.routes().await;
        let route = routes
            .routes
            .iter()
            .find(|r| r.name == route)
            .expect("route");
        let recipients: Vec<age::x25519::Recipient> = route
            .recipients
            .iter()
            .map(|r| r.parse().unwrap())
            .collect();
        let ciphertext = encrypt(&recipients, recipient_slots(&routes));
        let body = json!({
            "route_tag": route.tag,
            "consent": consent.flags(),
            "ciphertext": STANDARD.encode(&ciphertext),
            "receipt_verifier": STANDARD.encode(keys.lookup_key()),
        });
        ApiSubmission {
            ciphertext,
            body,
            keys,
            codephrase: codephrase.expose().to_owned(),
        }
    }

    /// `POST /api/v1/reports` with `body`.
    pub async fn post_report(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(self.endpoint("/api/v1/reports"))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Builds and submits a report through the API; it must be accepted (201).
    pub async fn submit_api(&self, route: &str, text: &str) -> (ApiSubmission, SubmitResponse) {
        let submission = self.api_submission(route, text).await;
        let response = self.post_report(&submission.body).await;
        assert_eq!(response.status(), 201);
        let accepted = response.json().await.unwrap();
        (submission, accepted)
    }

    // ─── Staff ────────────────────────────────────────────────────────────────────────────

    /// Asks for a login challenge for `role/name` and opens it with a demo identity: the nonce.
    pub async fn challenge_nonce(&self, role: &str, name: &str, identity: &str) -> String {
        let challenge: Value = self
            .client
            .post(self.endpoint("/api/v1/session/challenge"))
            .json(&json!({ "role": role, "name": name }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // One challenge per key of the person: this identity opens exactly one of them.
        let opened: Vec<Vec<u8>> = challenge["challenges"]
            .as_array()
            .expect("challenges")
            .iter()
            .filter_map(|c| open_as(&STANDARD.decode(c.as_str().unwrap()).unwrap(), identity))
            .collect();
        assert_eq!(opened.len(), 1, "my key opens exactly one challenge");
        String::from_utf8(opened.into_iter().next().unwrap()).unwrap()
    }

    /// Logs in over the API with a demo identity; returns the bearer token.
    pub async fn login(&self, role: &str, name: &str, identity: &str) -> String {
        let nonce = self.challenge_nonce(role, name, identity).await;
        let response = self
            .client
            .post(self.endpoint("/api/v1/session"))
            .json(&json!({ "role": role, "name": name, "nonce": nonce }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let session: Value = response.json().await.unwrap();
        session["token"].as_str().unwrap().to_owned()
    }

    /// A staff API call with a bearer token: (status, JSON body or null). `method` is `GET`
    /// or `POST`.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = self.endpoint(path);
        let mut request = match method {
            "POST" => self.client.post(url),
            "GET" => self.client.get(url),
            other => panic!("no helper for {other}"),
        }
        .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// `GET path` with a bearer token: (status, JSON body or null).
    pub async fn get_as(&self, path: &str, token: &str) -> (u16, Value) {
        self.call("GET", path, token, None).await
    }
}

/// How many recipients every report carries: the largest route's count (decoys fill the rest).
pub fn recipient_slots(routes: &RoutesResponse) -> usize {
    routes
        .routes
        .iter()
        .map(|r| r.recipients.len())
        .max()
        .unwrap()
}

/// A report with only `text` filled in, as the CLI would send it, answerable with `keys`.
fn sample_report_for(text: &str, keys: &ReceiptKeys) -> Report {
    Report::new(
        "en",
        Channel::Cli,
        RoutingAnswers {
            mechanism: None,
            region: None,
            immediate_danger: None,
        },
        ReportFields {
            what_happened: text.into(),
            when: String::new(),
            location: String::new(),
            un_engagement: String::new(),
            people_affected: String::new(),
            contact: String::new(),
        },
        Consent::default(),
        keys.reply_to(),
        vec![],
    )
}
