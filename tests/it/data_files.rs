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

/// The README's walk-through table says which demo caseworker reads which route: it must be
/// the demo policy's, or a newcomer decrypts with the wrong identity and finds nothing.
#[test]
fn the_readme_says_who_reads_each_demo_route() {
    let readme = std::fs::read_to_string(crate::common::repo().join("README.md")).unwrap();
    let (_, policy) = safehold::server::load_keys_and_policy(
        &crate::common::repo().join("keys/DEMO"),
        &crate::common::repo().join("policy/DEMO"),
        true,
    )
    .unwrap();
    let routes = policy.routing.routes();
    assert!(!routes.is_empty());
    for route in routes {
        let row = readme
            .lines()
            .map(str::trim_start)
            .find(|l| l.starts_with('|') && l.contains(&format!("| `{}` |", route.name)))
            .unwrap_or_else(|| panic!("README has no walk-through row for route {}", route.name));
        let people: Vec<&str> = row
            .rsplit('|')
            .nth(1)
            .unwrap()
            .split(',')
            .map(str::trim)
            .collect();
        let mut expected: Vec<&str> = route.caseworkers.iter().map(String::as_str).collect();
        let mut listed = people.clone();
        expected.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, expected, "README row for {}: {row}", route.name);
    }
}
