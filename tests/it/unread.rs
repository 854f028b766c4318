//! `case list` marks the cases with reporter messages a caseworker has not read: each
//! caseworker's own mark, kept on the server as a position in the thread (no time), moved by
//! `case show`, on both backends.

use serde_json::Value;

use crate::common::{Backend, FormReport, TestServer, on_both_backends};

/// `case list --json` as `who`: each case's unread count, by id.
fn unread(server: &TestServer, who: &str, id: &str) -> i64 {
    let (ok, out, err) = server.cli(who, &["case", "list", "--json"]);
    assert!(ok, "{out}{err}");
    let cases: Value = serde_json::from_str(&out).unwrap();
    cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .expect("the case is listed")["unread"]
        .as_i64()
        .unwrap()
}

async fn case_list_marks_reporter_messages_each_caseworker_has_not_read(backend: Backend) {
    let server = TestServer::start(backend).await;
    let submitted = server
        .submit_form(&FormReport::simple("They searched my office."))
        .await;
    let id = submitted.id;
    for who in ["caseworker/amina", "caseworker/bruno"] {
        assert!(server.cli(who, &["case", "login"]).0);
    }
    assert_eq!(unread(&server, "caseworker/amina", &id), 0);

    // The reporter writes twice; a caseworker's reply is nobody's unread news.
    let (status, page) = server
        .send_followup_form(&submitted.codephrase, "They came back.", &[])
        .await;
    assert_eq!(status, 201, "{page}");
    let (ok, out, err) = server.cli_with_input(
        "caseworker/bruno",
        &["case", "reply", &id, "--yes"],
        "We are on it.",
    );
    assert!(ok, "{out}{err}");
    let (status, page) = server
        .send_followup_form(&submitted.codephrase, "And again today.", &[])
        .await;
    assert_eq!(status, 201, "{page}");
    assert_eq!(unread(&server, "caseworker/amina", &id), 2);
    assert_eq!(unread(&server, "caseworker/bruno", &id), 2);
    let (ok, out, _) = server.cli("caseworker/amina", &["case", "list"]);
    assert!(ok);
    let line = out.lines().find(|l| l.starts_with(&id)).unwrap();
    assert!(line.contains("2 new"), "{out}");
    assert!(out.lines().next().unwrap().contains("UNREAD"), "{out}");

    // Reading it with `case show` is amina's alone.
    let (ok, out, err) = server.cli("caseworker/amina", &["case", "show", &id]);
    assert!(ok, "{out}{err}");
    assert_eq!(unread(&server, "caseworker/amina", &id), 0);
    assert_eq!(unread(&server, "caseworker/bruno", &id), 2);
    let (ok, out, _) = server.cli("caseworker/amina", &["case", "list"]);
    assert!(ok && !out.contains(" new "), "{out}");

    // A new message is new again; the mark never moves back or past the thread's end.
    let (status, _) = server
        .send_followup_form(&submitted.codephrase, "One more thing.", &[])
        .await;
    assert_eq!(status, 201);
    assert_eq!(unread(&server, "caseworker/amina", &id), 1);
    let token = server.login("caseworker", "amina", "amina").await;
    let path = format!("/api/v1/cases/{id}/read");
    let (status, body) = server
        .call(
            "POST",
            &path,
            &token,
            Some(serde_json::json!({ "seq": 99 })),
        )
        .await;
    assert_eq!(
        (status, &body["seq"]),
        (200, &serde_json::json!(4)),
        "{body}"
    );
    let (status, body) = server
        .call("POST", &path, &token, Some(serde_json::json!({ "seq": 1 })))
        .await;
    assert_eq!(
        (status, &body["seq"]),
        (200, &serde_json::json!(4)),
        "{body}"
    );
    assert_eq!(unread(&server, "caseworker/amina", &id), 0);
    // Another route's case does not exist for the caller.
    let treaty = server
        .submit_form(&FormReport::simple("treaty").with_mechanism("treaty_body"))
        .await
        .id;
    let (status, _) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{treaty}/read"),
            &token,
            Some(serde_json::json!({ "seq": 1 })),
        )
        .await;
    assert_eq!(status, 404);
    server.stop().await;
}
on_both_backends!(case_list_marks_reporter_messages_each_caseworker_has_not_read);
