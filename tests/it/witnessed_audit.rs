//! The witnessed audit log: every staff CLI keeps the last audit head it saw, and a log cut
//! below it, or re-hashed from scratch with actions reassigned, stops that CLI's next command.
//! Also: each action and its entry commit together, and reads of codes and escalations and
//! consent changes are audited. Real binary, real SQLite file and real PostgreSQL.

use std::path::PathBuf;

use serde_json::json;

use crate::common::{
    Backend, CodedCase, TestServer, demo_identity_file, insert_coded_case, on_both_backends, run,
};

/// The staff CLI as `who` with the demo identity `identity`, on its own machine `machine`
/// (its own session cache and audit head).
fn on_machine(
    server: &TestServer,
    machine: &str,
    who: &str,
    identity: &str,
    args: &[&str],
) -> (bool, String, String) {
    let home = machine_home(server, machine);
    let mut command = server.cli_command(who, &demo_identity_file(identity), args);
    command
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_STATE_HOME", home.join("state"));
    run(&mut command)
}

fn machine_home(server: &TestServer, machine: &str) -> PathBuf {
    let home = server.dir.path().join(format!("machine-{machine}"));
    std::fs::create_dir_all(&home).unwrap();
    home
}

/// The head a machine keeps: `SEQ:HASH`.
fn kept_head(server: &TestServer, machine: &str) -> String {
    let dir = machine_home(server, machine).join("state/safehold");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("audit-head-")
        })
        .expect("an audit head file");
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .find(|l| !l.starts_with('#'))
        .unwrap()
        .to_owned()
}

fn amina(server: &TestServer, args: &[&str]) -> (bool, String, String) {
    on_machine(server, "amina", "caseworker/amina", "amina", args)
}

fn bruno(server: &TestServer, args: &[&str]) -> (bool, String, String) {
    on_machine(server, "bruno", "caseworker/bruno", "bruno", args)
}

/// Asserts that a CLI run was refused because the log was rewritten.
fn assert_rewritten(run: &(bool, String, String), case_id: &str) {
    let (ok, out, err) = run;
    assert!(!ok, "the command must fail: {out}{err}");
    assert!(
        err.contains("STOP: the server's audit log was rewritten")
            && err.contains("security contact")
            && err.contains("safehold admin audit verify --head"),
        "{err}"
    );
    assert!(!out.contains(case_id), "nothing is shown: {out}");
}

/// Replaces the whole stored chain with `entries`, behind the server's back.
async fn replace_chain(server: &TestServer, entries: &[safehold::audit::Entry]) {
    macro_rules! write_chain {
        ($pool:expr) => {{
            let pool = $pool;
            sqlx::query("DELETE FROM audit_log")
                .execute(&pool)
                .await
                .unwrap();
            for e in entries {
                sqlx::query(
                    "INSERT INTO audit_log (seq, at_minute, actor, action, subject, salt, content_hash, prev_hash, hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(e.seq)
                .bind(&e.at_minute)
                .bind(&e.actor)
                .bind(&e.action)
                .bind(&e.subject)
                .bind(&e.salt)
                .bind(&e.content_hash)
                .bind(&e.prev_hash)
                .bind(&e.hash)
                .execute(&pool)
                .await
                .unwrap();
            }
            pool.close().await;
        }};
    }
    let url = &server.config.database_url;
    match server.backend {
        Backend::Sqlite => write_chain!(sqlx::SqlitePool::connect(url).await.unwrap()),
        Backend::Postgres => write_chain!(sqlx::PgPool::connect(url).await.unwrap()),
    }
}

/// Codes the demo taxonomy accepts.
fn valid_codes() -> serde_json::Value {
    json!({ "act_nature": ["reprisal"], "reprisal_type": ["travel_ban"], "mechanism": ["upr"], "country": ["UA"] })
}

async fn a_cut_audit_log_stops_the_next_command(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, accepted) = server.submit_api("general", "a report").await;
    let case_id = accepted.id.clone();
    let (ok, out, err) = amina(&server, &["case", "login"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = amina(&server, &["case", "list"]);
    assert!(ok && out.contains(&case_id), "{out}{err}");

    // The head kept holds the command's own entry: the last one, amina's listing.
    let log = server.store.audit_log().await.unwrap();
    let last = log.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.action.as_str()),
        ("caseworker/amina", "list")
    );
    let head = kept_head(&server, "amina");
    assert_eq!(head, format!("{}:{}", last.seq, hex::encode(&last.hash)));
    let (ok, out, err) = amina(&server, &["case", "audit-head"]);
    assert!(ok && out.contains(&head), "{out}{err}");
    let (ok, out, err) = server.admin(&["audit", "verify", "--head", &head]);
    assert!(ok && out.contains("extends the head given"), "{out}{err}");

    // Cut the last entries: the rest is still a valid chain, so verify alone sees nothing.
    server
        .sql("DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) FROM audit_log) - 2")
        .await;
    let (ok, out, err) = server.admin(&["audit", "verify"]);
    assert!(ok && out.contains("intact"), "{out}{err}");
    let (ok, _, err) = server.admin(&["audit", "verify", "--head", &head]);
    assert!(!ok && err.contains("AUDIT LOG REWRITTEN"), "{err}");

    // The caseworker who had seen beyond the cut is stopped at once.
    let refused = amina(&server, &["case", "list"]);
    assert_rewritten(&refused, &case_id);
    assert!(refused.2.contains("entries were cut off"), "{}", refused.2);

    // A machine that never saw the log trusts it on first use (what remains), and its use
    // grows the log past the cut: amina's next command is refused all the same.
    let (ok, out, err) = bruno(&server, &["case", "login"]);
    assert!(ok, "{out}{err}");
    for _ in 0..3 {
        let (ok, out, err) = bruno(&server, &["case", "list"]);
        assert!(ok && out.contains(&case_id), "{out}{err}");
    }
    let grown = server.store.audit_log().await.unwrap().last().unwrap().seq;
    assert!(grown > last.seq, "the log grew past the cut");
    let refused = amina(&server, &["case", "list"]);
    assert_rewritten(&refused, &case_id);
    assert!(refused.2.contains("another hash"), "{}", refused.2);
    server.stop().await;
}
on_both_backends!(a_cut_audit_log_stops_the_next_command);

async fn a_rehashed_log_with_reassigned_actions_stops_every_witness(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, accepted) = server.submit_api("general", "a report").await;
    let case_id = accepted.id.clone();
    for run in [
        amina(&server, &["case", "login"]),
        amina(&server, &["case", "show", &case_id]),
        bruno(&server, &["case", "login"]),
        bruno(&server, &["case", "list"]),
    ] {
        assert!(run.0, "{}{}", run.1, run.2);
    }
    let amina_head = kept_head(&server, "amina");

    // Rewrite the chain from scratch, as someone holding the database would: amina's pull of
    // the case becomes chen's, and every hash is recomputed with Safehold's own functions.
    let mut prev = safehold::audit::GENESIS.to_vec();
    let forged: Vec<safehold::audit::Entry> = server
        .store
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .map(|mut e| {
            if e.actor == "caseworker/amina" {
                e.actor = "caseworker/chen".into();
            }
            let content = safehold::audit::content_hash(
                &e.salt,
                &e.at_minute,
                &e.actor,
                &e.action,
                &e.subject,
            );
            e.content_hash = content.to_vec();
            e.prev_hash = prev.clone();
            e.hash = safehold::audit::link_hash(&prev, e.seq, &content).to_vec();
            prev = e.hash.clone();
            e
        })
        .collect();
    assert!(
        forged
            .iter()
            .any(|e| e.actor == "caseworker/chen" && e.action == "pull")
    );
    replace_chain(&server, &forged).await;

    // The forgery is a valid chain: only a witness can tell.
    let (ok, out, err) = server.admin(&["audit", "verify"]);
    assert!(ok && out.contains("intact"), "{out}{err}");
    let (ok, _, err) = server.admin(&["audit", "verify", "--head", &amina_head]);
    assert!(!ok && err.contains("AUDIT LOG REWRITTEN"), "{err}");

    // Both caseworkers had seen beyond the reassigned entry: both are stopped.
    assert_rewritten(&amina(&server, &["case", "list"]), &case_id);
    assert_rewritten(&bruno(&server, &["case", "list"]), &case_id);
    server.stop().await;
}
on_both_backends!(a_rehashed_log_with_reassigned_actions_stops_every_witness);

async fn an_action_whose_entry_cannot_be_written_does_not_happen(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, accepted) = server.submit_api("general", "a report").await;
    let id = accepted.id;
    let token = server.login("caseworker", "amina", "amina").await;
    let (status, _) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/status"),
            &token,
            Some(json!({ "status": "under_assessment" })),
        )
        .await;
    assert_eq!(status, 200);

    // From now on, no audit entry can be written.
    match backend {
        Backend::Sqlite => {
            server
                .sql("CREATE TRIGGER no_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END")
                .await;
        }
        Backend::Postgres => {
            server
                .sql("CREATE FUNCTION no_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql")
                .await;
            server
                .sql("CREATE TRIGGER no_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION no_audit()")
                .await;
        }
    }
    let entries = server.store.audit_log().await.unwrap().len();
    let (status, _) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/status"),
            &token,
            Some(json!({ "status": "credible" })),
        )
        .await;
    assert!(status >= 500, "the change fails with its entry: {status}");
    let report = server.store.report(&id).await.unwrap().unwrap();
    assert_eq!(
        report.status.as_str(),
        "under_assessment",
        "nothing changed"
    );
    let (status, _) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/codes"),
            &token,
            Some(json!({ "codes": valid_codes() })),
        )
        .await;
    assert!(status >= 500, "coding fails with its entry: {status}");
    assert!(
        server.store.coding(&id).await.unwrap().is_none(),
        "not coded"
    );
    // Reads are refused too: no data leaves without its entry.
    let (status, _) = server.get_as(&format!("/api/v1/cases/{id}"), &token).await;
    assert!(status >= 500, "the pull fails with its entry: {status}");
    assert_eq!(server.store.audit_log().await.unwrap().len(), entries);
    server.stop().await;
}
on_both_backends!(an_action_whose_entry_cannot_be_written_does_not_happen);

async fn reads_of_codes_and_escalations_and_consent_changes_are_audited(backend: Backend) {
    let server = TestServer::start(backend).await;
    let id = insert_coded_case(
        &server.store,
        CodedCase {
            route: "general",
            status: "under_assessment",
            codes: vec![CodedCase::code("country", "UA")],
            statistics: true,
            coder: "caseworker/amina",
        },
    )
    .await;
    let token = server.login("caseworker", "amina", "amina").await;
    let actions = |log: Vec<safehold::audit::Entry>| -> Vec<(String, String, String)> {
        log.into_iter()
            .map(|e| (e.actor, e.action, e.subject))
            .collect()
    };
    let before = server.store.audit_log().await.unwrap().len();
    let (status, _) = server
        .get_as(&format!("/api/v1/cases/{id}/codes"), &token)
        .await;
    assert_eq!(status, 200);
    let (status, _) = server
        .get_as(&format!("/api/v1/cases/{id}/escalations"), &token)
        .await;
    assert_eq!(status, 200);
    let amina = "caseworker/amina".to_owned();
    let log = actions(server.store.audit_log().await.unwrap());
    assert_eq!(
        log[before..],
        [
            (amina.clone(), "read_codes".into(), id.clone()),
            (amina.clone(), "read_escalations".into(), id.clone()),
        ]
    );

    // Re-coding is a code entry; a caseworker's narrowing of the reporter's consent is a
    // consent entry (one that changes nothing is not an action and leaves none).
    let before = server.store.audit_log().await.unwrap().len();
    let (status, body) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/codes"),
            &token,
            Some(json!({ "codes": valid_codes() })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let log = actions(server.store.audit_log().await.unwrap());
    assert_eq!(log[before..], [(amina.clone(), "code".into(), id.clone())]);
    let narrow = |purpose: &'static str| {
        let server = &server;
        let token = token.clone();
        let id = id.clone();
        async move {
            let (status, body) = server
                .call(
                    "POST",
                    &format!("/api/v1/cases/{id}/consent/narrow"),
                    &token,
                    Some(json!({ "withdraw": [purpose] })),
                )
                .await;
            assert_eq!(status, 200, "{body}");
        }
    };
    narrow("statistics").await;
    let log = actions(server.store.audit_log().await.unwrap());
    assert_eq!(
        log[before + 1..],
        [(amina.clone(), "consent".into(), id.clone())]
    );
    narrow("statistics").await;
    assert_eq!(server.store.audit_log().await.unwrap().len(), before + 2);
    assert_eq!(
        safehold::audit::verify(&server.store.audit_log().await.unwrap()),
        Ok(())
    );
    server.stop().await;
}
on_both_backends!(reads_of_codes_and_escalations_and_consent_changes_are_audited);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_proof_is_for_staff_tells_no_content_and_checks_its_input() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (_, accepted) = server.submit_api("general", "a report").await;
    let token = server.login("caseworker", "amina", "amina").await;
    let (status, _) = server
        .get_as(&format!("/api/v1/cases/{}", accepted.id), &token)
        .await;
    assert_eq!(status, 200);
    // Not public.
    let anonymous = server
        .client()
        .get(server.endpoint("/api/v1/audit/proof?from=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    // Bad input is a clear 4xx.
    let (status, body) = server.get_as("/api/v1/audit/proof?from=-1", &token).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = server.get_as("/api/v1/audit/proof?from=x", &token).await;
    assert_eq!(status, 400, "{body}");
    // The proof from the start: links only, no actor, action or case.
    let (status, proof) = server.get_as("/api/v1/audit/proof?from=0", &token).await;
    assert_eq!(status, 200);
    let text = proof.to_string();
    assert!(!text.contains("amina") && !text.contains(&accepted.id) && !text.contains("pull"));
    let log = server.store.audit_log().await.unwrap();
    assert_eq!(proof["links"].as_array().unwrap().len(), log.len());
    assert_eq!(
        proof["head"]["hash"],
        hex::encode(&log.last().unwrap().hash)
    );
    // Without `from`, the head alone.
    let (_, head) = server.get_as("/api/v1/audit/proof", &token).await;
    assert!(head["links"].as_array().unwrap().is_empty() && head["at"].is_null());
    server.stop().await;
}
