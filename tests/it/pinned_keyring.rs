//! Pinned keys (issue 10, point 2) and no roster (point 4, the public half): the public API
//! names nobody; the CLI pins the keyring on first use and refuses to encrypt to a swapped
//! key until a person trusts the new fingerprint; every reporter page shows the fingerprint
//! the page checks, and where to compare it.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{
    Action, Audit, Backend, FormReport, TestServer, demo_identity_file, element_text, marker,
    on_both_backends, open_as, repo, run_with_input, seal,
};

/// `safehold case code` arguments that record the reporter's consent from the report.
const CODE: &[&str] = &[
    "--act-nature",
    "reprisal",
    "--reprisal-type",
    "travel_ban",
    "--mechanism",
    "special_procedures",
    "--country",
    "UA",
    "--victim-profile",
    "hrd",
    "--perpetrator",
    "intelligence",
    "--target",
    "self",
    "--cooperation-basis",
    "12_2a",
    "--victim-gender",
    "woman",
    "--subnational-location",
    "UA-30",
    "--incident-date",
    "2026-03",
    "--precision",
    "month",
    "--consent-from-report",
];

/// A copy of the DEMO public keys in `dir`, with `keys/rapporteurs/sr-defenders.pub` replaced
/// by a key only `attacker` opens: what a State that seized the server would do.
fn keys_with_swapped_rapporteur(dir: &Path, attacker: &age::x25519::Identity) -> PathBuf {
    let keys = dir.join("swapped-keys");
    for role in ["caseworkers", "rapporteurs"] {
        std::fs::create_dir_all(keys.join(role)).unwrap();
        for entry in std::fs::read_dir(repo().join("keys/DEMO").join(role)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, keys.join(role).join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        keys.join("rapporteurs/sr-defenders.pub"),
        format!("{}\n", attacker.to_public()),
    )
    .unwrap();
    keys
}

/// Fresh keys (no DEMO key) for every person the DEMO policy names.
fn own_keys(dir: &Path) -> PathBuf {
    let keys = dir.join("own-keys");
    for (role, name) in [
        ("caseworkers", "amina"),
        ("caseworkers", "bruno"),
        ("caseworkers", "chen"),
        ("rapporteurs", "sr-defenders"),
        ("rapporteurs", "cat-reprisals"),
    ] {
        std::fs::create_dir_all(keys.join(role)).unwrap();
        let key = age::x25519::Identity::generate().to_public();
        std::fs::write(
            keys.join(role).join(format!("{name}.pub")),
            format!("{key}\n"),
        )
        .unwrap();
    }
    keys
}

const SR_DEFENDERS: &str = "age1lrds2zjw4mznmtf7q6qshcz5pu95arxtdn3danhdx0kkwhac83ss84zaf5";

async fn a_swapped_rapporteur_key_stops_escalate_reply_and_submit(backend: Backend) {
    let server = TestServer::start(backend).await;
    let url = server.url.clone();
    let id = server
        .submit_form(
            &FormReport::simple(&marker("pin"))
                .with_mechanism("special_procedures")
                .with_mechanism_consent(),
        )
        .await
        .id;
    let amina = |server: &TestServer, args: &[&str]| server.cli("caseworker/bruno", args);

    // Nothing pinned yet; the first command that encrypts pins what the server serves.
    let (ok, out, err) = server.cli_anonymous(&["keyring", "show", "--server", &url]);
    assert!(ok && out.contains("Pinned:      none yet"), "{out}{err}");
    let (ok, out, err) = amina(&server, &["case", "login"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = amina(&server, &[&["case", "code", &id][..], CODE].concat());
    assert!(ok, "{out}{err}");
    let (ok, out, err) = amina(
        &server,
        &["case", "escalate", "--yes", &id, "--to", "sr-defenders"],
    );
    assert!(ok, "{out}{err}");
    assert!(err.contains("Pinned the keyring of"), "{err}");
    let pinned = server.routes().await.keyring_fingerprint;
    let (ok, out, err) = server.cli_anonymous(&["keyring", "show", "--server", &url]);
    assert!(ok && out.contains("(the same)"), "{out}{err}");
    let (ok, out, err) = server.cli_anonymous(&[
        "submit",
        "--server",
        &url,
        "--what-happened",
        "before the swap",
    ]);
    assert!(ok, "{out}{err}");

    // The server comes back with its own key in place of the Special Rapporteur's.
    let attacker = age::x25519::Identity::generate();
    let swapped = keys_with_swapped_rapporteur(server.dir.path(), &attacker);
    let server = server.restart_with(|c| c.keys = swapped).await;
    assert_ne!(server.routes().await.keyring_fingerprint, pinned);
    let packages = server.store.escalations_of_case(&id).await.unwrap().len();
    let messages = server.store.messages(&id).await.unwrap().len();
    let reports = server.store.count_reports().await.unwrap();

    // Escalation, reply and submit all refuse, saying what changed and what to do.
    let attacker_key = attacker.to_public().to_string();
    let said_what_changed = |err: &str| {
        assert!(
            err.contains(&format!(
                "escalation named_mechanism gained the key {attacker_key}"
            )) && err.contains(&format!(
                "escalation named_mechanism lost the key {SR_DEFENDERS}"
            )) && err.contains("nothing was encrypted")
                && err.contains("safehold keyring trust"),
            "{err}"
        );
    };
    let (ok, out, err) = amina(
        &server,
        &["case", "escalate", "--yes", &id, "--to", "sr-defenders"],
    );
    assert!(!ok, "{out}");
    said_what_changed(&err);
    let (ok, out, err) = server.cli_with_input(
        "caseworker/bruno",
        &["case", "reply", &id, "--yes"],
        "Come to the annex.",
    );
    assert!(!ok, "{out}");
    said_what_changed(&err);
    let (ok, out, err) =
        server.cli_anonymous(&["submit", "--server", &url, "--what-happened", "after"]);
    assert!(!ok, "{out}");
    said_what_changed(&err);
    assert_eq!(
        server.store.escalations_of_case(&id).await.unwrap().len(),
        packages,
        "no package was stored"
    );
    assert_eq!(server.store.messages(&id).await.unwrap().len(), messages);
    assert_eq!(server.store.count_reports().await.unwrap(), reports);

    // `keyring show` names both fingerprints and the change; trusting a fingerprint other
    // than the one served pins nothing.
    let served = server.routes().await.keyring_fingerprint;
    let short = |fp: &str| {
        fp.as_bytes()[..20]
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (ok, out, err) = server.cli_anonymous(&["keyring", "show", "--server", &url]);
    assert!(ok, "{err}");
    assert!(
        out.contains(&short(&served))
            && out.contains(&short(&pinned))
            && out.contains("DIFFERENT")
            && out.contains(&attacker_key),
        "{out}"
    );
    let (ok, _, err) =
        server.cli_anonymous(&["keyring", "trust", &short(&pinned), "--server", &url]);
    assert!(!ok && err.contains("nothing was pinned"), "{err}");
    let (ok, _, err) = amina(
        &server,
        &["case", "escalate", "--yes", &id, "--to", "sr-defenders"],
    );
    assert!(!ok && err.contains("nothing was encrypted"), "{err}");

    // Once a person trusts the new fingerprint, packages go to the new key (and only to it).
    let (ok, out, err) =
        server.cli_anonymous(&["keyring", "trust", &short(&served), "--server", &url]);
    assert!(ok && out.contains("Pinned the keyring"), "{out}{err}");
    let (ok, out, err) = amina(
        &server,
        &[
            "case",
            "escalate",
            "--yes",
            &id,
            "--to",
            "sr-defenders",
            "--json",
        ],
    );
    assert!(ok, "{out}{err}");
    let sent: Value = serde_json::from_str(&out).unwrap();
    let package = server
        .store
        .download_escalation(
            sent["id"].as_str().unwrap(),
            "sr-defenders",
            Audit::new("rapporteur/sr-defenders", Action::Download),
        )
        .await
        .unwrap()
        .expect("the package is stored");
    assert!(
        seal::decrypt(&package.ciphertext, &[&attacker as &dyn age::Identity]).is_ok(),
        "encrypted to the key the person trusted"
    );
    assert!(open_as(&package.ciphertext, "sr-defenders").is_none());
    server.stop().await;
}

on_both_backends!(a_swapped_rapporteur_key_stops_escalate_reply_and_submit);

#[tokio::test]
async fn the_public_routes_name_nobody_and_hash_to_their_fingerprint() {
    let server = TestServer::start(Backend::Sqlite).await;
    let text = server.get_text("/api/v1/routes").await;
    for name in ["amina", "bruno", "chen", "sr-defenders", "cat-reprisals"] {
        assert!(!text.contains(name), "{name} is named: {text}");
    }
    for word in [
        "people",
        "caseworker",
        "rapporteur",
        "admin",
        "role",
        "devices",
    ] {
        assert!(!text.contains(word), "{word}: {text}");
    }
    let routes: Value = serde_json::from_str(&text).unwrap();
    // Recomputed here from the definition in keys/README.md, not by the server's code.
    let mut canonical = String::from("safehold keyring v2\n");
    let mut places: Vec<(String, Vec<String>)> = Vec::new();
    for (section, list, label) in [
        ("route", "routes", "name"),
        ("escalation", "escalation", "purpose"),
    ] {
        let mut entries: Vec<(String, Vec<String>)> = routes[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let mut keys: Vec<String> = p["recipients"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| k.as_str().unwrap().to_owned())
                    .collect();
                keys.sort();
                (format!("{section} {}", p[label].as_str().unwrap()), keys)
            })
            .collect();
        entries.sort();
        places.extend(entries);
    }
    for (place, keys) in &places {
        canonical.push_str(&format!("{place}\n"));
        for key in keys {
            canonical.push_str(&format!("{key}\n"));
        }
    }
    use sha2::Digest;
    assert_eq!(
        routes["keyring_fingerprint"],
        hex::encode(sha2::Sha256::digest(canonical.as_bytes()))
    );
    assert!(canonical.contains("escalation named_mechanism\n"));
    assert!(canonical.contains(SR_DEFENDERS));
    server.stop().await;
}

/// The no-JavaScript path encrypts to exactly the published recipients of the route: every
/// published key opens the report, and the file has one stanza per published key (plus the
/// grease stanza age adds).
#[tokio::test]
async fn the_form_path_encrypts_to_exactly_the_published_route_keys() {
    let server = TestServer::start(Backend::Sqlite).await;
    let routes = server.routes().await;
    let id = server
        .submit_form(&FormReport::simple("published keys"))
        .await
        .id;
    let stored = server.store.report(&id).await.unwrap().unwrap();
    let published = &routes
        .routes
        .iter()
        .find(|r| r.name == stored.route)
        .unwrap()
        .recipients;
    let identities = std::fs::read_dir(repo().join("keys/DEMO/identities"))
        .unwrap()
        .map(|e| {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            let line = text
                .lines()
                .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
                .unwrap();
            line.parse::<age::x25519::Identity>().unwrap()
        })
        .collect::<Vec<_>>();
    for key in published {
        let identity = identities
            .iter()
            .find(|i| i.to_public().to_string() == *key)
            .expect("a demo identity for every published key");
        assert!(
            seal::decrypt(&stored.ciphertext, &[identity as &dyn age::Identity]).is_ok(),
            "{key} opens the report"
        );
    }
    let header_end = stored
        .ciphertext
        .windows(4)
        .position(|w| w == b"--- ")
        .unwrap();
    let header = String::from_utf8_lossy(&stored.ciphertext[..header_end]);
    assert_eq!(
        header.matches("\n-> X25519 ").count(),
        published.len(),
        "{header}"
    );
    server.stop().await;
}

#[tokio::test]
async fn every_reporter_page_shows_the_fingerprint_it_checks_and_where_to_compare_it() {
    let server = TestServer::start(Backend::Sqlite).await;
    let fingerprint = server.routes().await.keyring_fingerprint;
    let short = format!(
        "{} {} {} {} {}",
        &fingerprint[0..4],
        &fingerprint[4..8],
        &fingerprint[8..12],
        &fingerprint[12..16],
        &fingerprint[16..20]
    );
    let intake = server.get_text("/").await;
    let receipt = server.get_text("/receipt").await;
    let submitted = server.submit_form(&FormReport::simple("footer")).await;
    for page in [&intake, &receipt, &submitted.page] {
        assert_eq!(
            element_text(page, "keyring-fingerprint-short").as_deref(),
            Some(short.as_str())
        );
        assert!(
            element_text(page, "keyring-published")
                .unwrap()
                .contains("demonstration site"),
            "the demo says it is a demo"
        );
    }
    for form in [&intake, &receipt] {
        assert!(form.contains(&format!("data-keyring-fingerprint=\"{fingerprint}\"")));
    }
    server.stop().await;

    // An organisation's own keys: the page names where it publishes the fingerprint.
    let own = tempfile::tempdir().unwrap();
    let keys = own_keys(own.path());
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.keys = keys;
        c.keyring_published_at = Some("https://example.org/keys (and our annual report)".into());
    })
    .await;
    let page = server.get_text("/").await;
    let text = element_text(&page, "keyring-published").unwrap();
    assert!(
        text.contains("https://example.org/keys (and our annual report)"),
        "{text}"
    );
    server.stop().await;
}

/// A server whose endpoints disagree: `/api/v1/routes` still serves the keyring the CLI
/// pinned, but the staff endpoints hand out a key of the attacker's (for the rapporteur, and
/// among a case's route keys). Played by a rewriting proxy in front of the real server.
async fn tampering_proxy(
    upstream: String,
    attacker: String,
) -> (String, tokio::task::JoinHandle<()>) {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, Method, StatusCode, Uri};

    let client = reqwest::Client::new();
    let forward = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let (client, upstream, attacker) = (client.clone(), upstream.clone(), attacker.clone());
        async move {
            let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
            let mut request = client.request(
                reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap(),
                format!("{upstream}{path}"),
            );
            for name in ["authorization", "content-type"] {
                if let Some(value) = headers.get(name) {
                    request = request.header(name, value.to_str().unwrap());
                }
            }
            let response = request.body(body.to_vec()).send().await.unwrap();
            let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
            let bytes = response.bytes().await.unwrap();
            let mut json: Value = match serde_json::from_slice(&bytes) {
                Ok(json) => json,
                Err(_) => return (status, bytes.to_vec()),
            };
            if path == "/api/v1/escalation/recipients" {
                for r in json.as_array_mut().unwrap() {
                    if r["name"] == "sr-defenders" {
                        r["recipients"] = serde_json::json!([attacker]);
                    }
                }
            } else if path.starts_with("/api/v1/cases/")
                && path.matches('/').count() == 4
                && let Some(keys) = json["route_recipients"].as_array_mut()
            {
                keys.push(Value::String(attacker));
            }
            (status, serde_json::to_vec(&json).unwrap())
        }
    };
    let app = axum::Router::new().fallback(forward);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_endpoints_cannot_hand_out_keys_outside_the_pinned_keyring() {
    let server = TestServer::start(Backend::Sqlite).await;
    let id = server
        .submit_form(
            &FormReport::simple(&marker("proxy"))
                .with_mechanism("special_procedures")
                .with_mechanism_consent(),
        )
        .await
        .id;
    let attacker = age::x25519::Identity::generate().to_public().to_string();
    let (proxy, task) = tampering_proxy(server.url.clone(), attacker.clone()).await;
    let amina = |args: &[&str]| server.cli_via(&proxy, "caseworker/bruno", args);
    let (ok, out, err) = amina(&["case", "login"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = amina(&[&["case", "code", &id][..], CODE].concat());
    assert!(ok, "{out}{err}");

    // The keyring served at /api/v1/routes is unchanged, so it is pinned on first use; the
    // rapporteur's keys from the staff endpoint are not in it.
    let (ok, out, err) = amina(&["case", "escalate", "--yes", &id, "--to", "sr-defenders"]);
    assert!(!ok, "{out}");
    assert!(err.contains("Pinned the keyring of"), "{err}");
    assert!(
        err.contains("keys outside the keyring you trust for `named_mechanism`")
            && err.contains(&attacker)
            && err.contains("nothing was encrypted or sent"),
        "{err}"
    );
    assert!(
        server
            .store
            .escalations_of_case(&id)
            .await
            .unwrap()
            .is_empty()
    );

    // A case view that adds a key to the route's keys gets no reply.
    let (ok, out, err) = run_with_input(
        &mut server.cli_command_at(
            &proxy,
            "caseworker/bruno",
            &demo_identity_file("bruno"),
            &["case", "reply", &id, "--yes"],
        ),
        "Come to the annex.",
    );
    assert!(!ok, "{out}");
    assert!(
        err.contains("differ from the keyring you trust")
            && err.contains(&format!("not trusted: {attacker}"))
            && err.contains("nothing was encrypted"),
        "{err}"
    );
    assert!(server.store.messages(&id).await.unwrap().is_empty());
    task.abort();
    server.stop().await;
}
