//! The test harness: start a real server, talk to it, inspect what it stored.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use safehold::config::{ServeArgs, ServeConfig};
use safehold::store::{Backend, Store};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The repository root, for the DEMO keys and policy.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The demo caseworker identities, by name.
pub fn demo_identity(name: &str) -> age::x25519::Identity {
    let path = repo().join(format!("keys/DEMO/identities/{name}.age-identity"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let line = text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .expect("identity line");
    line.parse().expect("valid identity")
}

/// Runs a scenario on SQLite, and on PostgreSQL when the environment names one.
macro_rules! on_both_backends {
    ($scenario:ident) => {
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$scenario(safehold::store::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::common::postgres_base_url().is_none() {
                    eprintln!("SAFEHOLD_TEST_POSTGRES_URL is not set: PostgreSQL run skipped");
                    return;
                }
                super::$scenario(safehold::store::Backend::Postgres).await;
            }
        }
    };
}
pub(crate) use on_both_backends;

/// The PostgreSQL server tests may create databases on.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("SAFEHOLD_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A fresh, empty database of `backend`, inside `dir` for SQLite.
pub async fn fresh_database(backend: Backend, dir: &Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("data/safehold.db").display()),
        Backend::Postgres => {
            let base = postgres_base_url().expect("SAFEHOLD_TEST_POSTGRES_URL");
            let name = format!("safehold_t_{}", hex::encode(random_bytes::<6>()));
            let admin = sqlx::PgPool::connect(&base)
                .await
                .expect("connect to PostgreSQL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&admin)
                .await
                .expect("create test database");
            admin.close().await;
            let (prefix, _) = base.rsplit_once('/').expect("database URL with a path");
            format!("{prefix}/{name}")
        }
    }
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("OS randomness");
    bytes
}

/// A unique marker string that must never appear in plaintext at rest.
pub fn marker(label: &str) -> String {
    format!("CANARY-{label}-{}", hex::encode(random_bytes::<8>()))
}

/// A running in-process server.
pub struct TestServer {
    pub url: String,
    pub addr: SocketAddr,
    pub store: Store,
    pub config: ServeConfig,
    pub dir: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Demo configuration rooted in `dir`.
pub fn demo_config(dir: &Path, database_url: String) -> ServeConfig {
    let mut config = ServeArgs {
        demo: true,
        listen: Some("127.0.0.1:0".parse().unwrap()),
        database_url: Some(database_url),
        secret_file: Some(dir.join("server-secret")),
        ..ServeArgs::default()
    }
    .resolve()
    .expect("demo config");
    config.keys = repo().join("keys/DEMO");
    config.policy = repo().join("policy/DEMO");
    config
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut ServeConfig)) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = fresh_database(backend, dir.path()).await;
        let mut config = demo_config(dir.path(), url);
        tweak(&mut config);
        let server = safehold::server::build(&config)
            .await
            .expect("server builds");
        let listener = TcpListener::bind(config.listen).await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let router = server.router;
        let task = tokio::spawn(async move {
            safehold::http::serve(listener, router, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
        });
        TestServer {
            url: format!("http://{addr}"),
            addr,
            store: server.store,
            config,
            dir,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    pub fn client(&self) -> reqwest::Client {
        safehold::cli::http_client()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.store.close().await;
    }
}

/// A browser-like session on the report form: the CSRF cookie and token from `GET /`.
pub struct FormSession {
    pub cookie: String,
    pub token: String,
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
        FormSession { cookie, token }
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
}

impl FormReport {
    pub fn simple(what_happened: &str) -> FormReport {
        FormReport {
            what_happened: what_happened.to_owned(),
            mechanism: "",
            immediate_danger: "",
            attachments: vec![],
        }
    }

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
        form
    }
}

/// Submits a report through the no-JavaScript form; returns (status, page).
pub async fn submit_form(server: &TestServer, report: &FormReport) -> (u16, String) {
    let client = server.client();
    let session = FormSession::open(&client, &format!("{}/", server.url)).await;
    let response = client
        .post(format!("{}/report", server.url))
        .header("cookie", &session.cookie)
        .multipart(report.multipart(&session.token))
        .send()
        .await
        .expect("POST /report");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Opens the receipt page with a codephrase, without JavaScript: (status, page, CSRF cookie).
/// Every answer must forbid caching, as it may show replies.
pub async fn receipt_lookup(server: &TestServer, codephrase: &str) -> (u16, String, String) {
    let client = server.client();
    let session = FormSession::open(&client, &format!("{}/receipt", server.url)).await;
    let response = client
        .post(format!("{}/receipt", server.url))
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
