//! A real server in this process, on 127.0.0.1:0, with a fresh database per test.

use std::net::SocketAddr;
use std::ops::Deref;
use std::path::Path;

use safehold::config::{ServeArgs, ServeConfig};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::library::{Backend, Store};
use super::site::Site;
use super::{fresh_database, repo};

/// A running in-process server. It dereferences to its [`Site`], so `server.url`,
/// `server.submit_form(..)`, `server.login(..)` and the other endpoint helpers work on it.
pub struct TestServer {
    site: Site,
    pub addr: SocketAddr,
    pub backend: Backend,
    pub store: Store,
    pub config: ServeConfig,
    pub dir: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Deref for TestServer {
    type Target = Site;

    fn deref(&self) -> &Site {
        &self.site
    }
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
        Self::launch(backend, config, dir).await
    }

    /// Stops the server and starts it again at the same address, on the same database and
    /// secret, with its configuration changed by `tweak` (e.g. another keys directory): what an
    /// operator, or whoever seized the machine, does.
    pub async fn restart_with(mut self, tweak: impl FnOnce(&mut ServeConfig)) -> TestServer {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.store.close().await;
        let mut config = self.config.clone();
        config.listen = self.addr;
        tweak(&mut config);
        Self::launch(self.backend, config, self.dir).await
    }

    async fn launch(backend: Backend, config: ServeConfig, dir: tempfile::TempDir) -> TestServer {
        let server = safehold::server::build(&config)
            .await
            .expect("server builds");
        let listener = TcpListener::bind(config.listen).await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let router = server.router;
        let connections = config.connections;
        let task = tokio::spawn(async move {
            safehold::http::serve(listener, router, connections, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
        });
        TestServer {
            site: Site::at(&format!("http://{addr}")),
            addr,
            backend,
            store: server.store,
            config,
            dir,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Runs one SQL statement on the server's database behind its back (to tamper with it).
    pub async fn sql(&self, statement: &'static str) {
        let url = &self.config.database_url;
        match self.backend {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(url).await.unwrap();
                sqlx::query(statement).execute(&pool).await.unwrap();
                pool.close().await;
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                sqlx::query(statement).execute(&pool).await.unwrap();
                pool.close().await;
            }
        }
    }

    /// The SQLite database's directory.
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    /// Every file of the SQLite database (main file, WAL, shared memory), concatenated.
    pub fn sqlite_bytes(&self) -> Vec<u8> {
        let mut all = Vec::new();
        for entry in std::fs::read_dir(self.dir.path().join("data")).unwrap() {
            all.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        all
    }

    /// Everything the database holds, as text a test can search: on SQLite every file's bytes
    /// (lossy UTF-8, then again as hex so raw blobs are found by their hex), on PostgreSQL
    /// every row of every table of the schema (`bytea` prints as hex).
    pub async fn database_text(&self) -> String {
        match self.backend {
            Backend::Sqlite => {
                let bytes = self.sqlite_bytes();
                format!(
                    "{}\n{}",
                    String::from_utf8_lossy(&bytes),
                    hex::encode(&bytes)
                )
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&self.config.database_url)
                    .await
                    .unwrap();
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
                )
                .fetch_all(&pool)
                .await
                .unwrap();
                let mut all = String::new();
                for table in tables {
                    let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                        "SELECT t::text FROM \"{table}\" t"
                    )))
                    .fetch_all(&pool)
                    .await
                    .unwrap();
                    for row in rows {
                        all.push_str(&row);
                        all.push('\n');
                    }
                }
                pool.close().await;
                all
            }
        }
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
