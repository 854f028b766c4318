//! What an operator learns about traffic: counts per UTC day, method, route and status, written
//! when the day is over or the server stops, and read with `safehold admin counts`. Never a
//! time of day, and nothing before the server has written them.

use std::process::Command;

use crate::common::{
    Backend, Clock, FormReport, Site, fresh_database, on_both_backends, run, today,
};
use crate::process::ServerProcess;

fn admin_counts(database_url: &str) -> String {
    let (ok, out, err) = run(Command::new(env!("CARGO_BIN_EXE_safehold")).args([
        "admin",
        "counts",
        "--days",
        "1",
        "--database-url",
        database_url,
    ]));
    assert!(ok, "{err}");
    out
}

async fn requests_are_counted_per_day_and_shown_to_the_operator(backend: Backend) {
    let clock = Clock::now();
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(backend, dir.path()).await;
    let mut server = ServerProcess::spawn(dir.path(), &database_url);
    let site = Site::at(&server.url);
    site.submit_form(&FormReport::simple("counted, never logged"))
        .await;
    site.submit_form(&FormReport::simple("counted twice")).await;
    // A method a client makes up is counted as OTHER: it adds no counter of its own.
    let made_up = reqwest::Method::from_bytes(b"FOOBAR").unwrap();
    site.client()
        .request(made_up, site.endpoint("/"))
        .send()
        .await
        .unwrap();

    // While the day runs, nothing is written: the counts live in the server's memory.
    let out = admin_counts(&database_url);
    assert!(out.starts_with("no counts since"), "{out}");

    // A server that stops writes the day so far.
    assert!(server.terminate().success());
    let out = admin_counts(&database_url);
    let day = today();
    assert!(
        out.lines()
            .any(|l| l == format!("{day}\trequest\tPOST /report\t201\t2")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with(&format!("{day}\trequest\tGET /\t200\t"))),
        "{out}"
    );
    assert!(clock.in_text(&out).is_empty(), "{out}");
    assert!(
        !out.contains("FOOBAR") && out.contains("\trequest\tOTHER "),
        "{out}"
    );
    let log = std::fs::read_to_string(&server.stderr).unwrap();
    assert!(
        log.contains(&format!(
            "daily counts written; see `safehold admin counts` day={day}"
        )),
        "{log}"
    );
}
on_both_backends!(requests_are_counted_per_day_and_shown_to_the_operator);
