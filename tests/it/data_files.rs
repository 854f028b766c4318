//! The data directory and the database files are the service account's alone, whatever its
//! umask: they hold ciphertext, but also which routes and days reports came on.

use std::os::unix::fs::PermissionsExt;

use crate::common::{Backend, FormReport, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_and_its_directory_are_private() {
    let server = TestServer::start(Backend::Sqlite).await;
    server.submit_form(&FormReport::simple("a report")).await;
    let dir = server.data_dir();
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        files += 1;
    }
    assert!(files >= 2, "the database and its WAL were checked");
    server.stop().await;
}
