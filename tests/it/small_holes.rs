//! Smaller holes found on the way: the follow-up token is good once and only in the browser
//! that got it; the keyring loader finds a private key wherever it hides under `keys/`; over
//! https the CSRF cookie is `Secure` and HSTS is sent.

use crate::common::{
    Backend, FormReport, TestServer, hidden_value, on_both_backends, repo, run, safehold_command,
};

/// The receipt page's follow-up form, as a browser without JavaScript has it.
struct FollowupForm {
    cookie: String,
    csrf: String,
    receipt_token: String,
    /// The reporter's thread key, sealed for this page's token.
    thread_key: String,
}

async fn open_followup_form(server: &TestServer, codephrase: &str) -> FollowupForm {
    let (status, page, cookie) = server.receipt_lookup(codephrase).await;
    assert_eq!(status, 200, "{page}");
    FollowupForm {
        cookie,
        csrf: hidden_value(&page, "authenticity_token").unwrap(),
        receipt_token: hidden_value(&page, "receipt_token").unwrap(),
        thread_key: hidden_value(&page, "thread_key").unwrap(),
    }
}

/// Posts the follow-up form with `cookie`, `csrf` and the token (and its sealed thread key)
/// of `page`: (status, page).
async fn post_followup(
    server: &TestServer,
    cookie: &str,
    csrf: &str,
    page: &FollowupForm,
    text: &str,
) -> (u16, String) {
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", csrf.to_owned())
        .text("receipt_token", page.receipt_token.clone())
        .text("thread_key", page.thread_key.clone())
        .text("text", text.to_owned());
    let response = server
        .client()
        .post(server.endpoint("/receipt/followup"))
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn a_followup_token_is_good_once_and_only_in_its_browser(backend: Backend) {
    let server = TestServer::start(backend).await;
    let submitted = server
        .submit_form(&FormReport::simple("first report"))
        .await;
    let (id, codephrase) = (submitted.id, submitted.codephrase);
    let count = || async { server.store.messages(&id).await.unwrap().len() };

    // Another browser opened its own receipt page (its own cookie); the first page's token,
    // copied into it, is refused.
    let mine = open_followup_form(&server, &codephrase).await;
    let theirs = open_followup_form(&server, &codephrase).await;
    assert_ne!(mine.cookie, theirs.cookie);
    let (status, page) = post_followup(
        &server,
        &theirs.cookie,
        &theirs.csrf,
        &mine,
        "from a copied token",
    )
    .await;
    assert_eq!(status, 403, "{page}");
    assert!(page.contains("Open your report again"), "{page}");
    assert_eq!(count().await, 0);

    // The form is sent once.
    let (status, page) =
        post_followup(&server, &mine.cookie, &mine.csrf, &mine, "They came back.").await;
    assert_eq!(status, 201, "{page}");
    assert_eq!(count().await, 1);

    // Sent again (the back button, a replay by whoever saw the request): a clear page, and
    // nothing added.
    let (status, page) =
        post_followup(&server, &mine.cookie, &mine.csrf, &mine, "They came back.").await;
    assert_eq!(status, 409, "{page}");
    assert!(
        page.contains("already sent once") && page.contains("open your report again"),
        "{page}"
    );
    assert!(
        page.contains("href=\"/receipt"),
        "the page leads back: {page}"
    );
    assert_eq!(count().await, 1);

    // The other browser's own page still works, once.
    let (status, page) = post_followup(
        &server,
        &theirs.cookie,
        &theirs.csrf,
        &theirs,
        "And again today.",
    )
    .await;
    assert_eq!(status, 201, "{page}");
    assert_eq!(count().await, 2);
    server.stop().await;
}
on_both_backends!(a_followup_token_is_good_once_and_only_in_its_browser);

/// `Set-Cookie` of the CSRF cookie and `Strict-Transport-Security` of the form page.
async fn cookie_and_hsts(server: &TestServer) -> (String, Option<String>) {
    let response = server
        .client()
        .get(server.endpoint("/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("safehold_csrf="))
        .expect("CSRF cookie")
        .to_owned();
    let hsts = response
        .headers()
        .get("strict-transport-security")
        .map(|v| v.to_str().unwrap().to_owned());
    (cookie, hsts)
}

fn is_secure(cookie: &str) -> bool {
    cookie
        .split(';')
        .any(|part| part.trim().eq_ignore_ascii_case("secure"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_the_csrf_cookie_is_secure_and_hsts_is_sent() {
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.public_url = Some("https://safehold.example.org".into());
    })
    .await;
    let (cookie, hsts) = cookie_and_hsts(&server).await;
    assert!(is_secure(&cookie), "{cookie}");
    assert_eq!(hsts.as_deref(), Some("max-age=63072000"));
    server.stop().await;

    for public_url in [None, Some("http://safehold.example.onion".to_owned())] {
        let server = TestServer::start_with(Backend::Sqlite, |c| c.public_url = public_url).await;
        let (cookie, hsts) = cookie_and_hsts(&server).await;
        assert!(
            !is_secure(&cookie),
            "plain http keeps a usable cookie: {cookie}"
        );
        assert_eq!(hsts, None);
        server.stop().await;
    }
}

#[test]
fn a_public_url_that_is_not_http_is_refused() {
    let (ok, _, err) =
        run(safehold_command().args(["serve", "--demo", "--public-url", "safehold.example.org"]));
    assert!(!ok);
    assert!(
        err.contains("public_url") && err.contains("https://"),
        "{err}"
    );
}

/// A copy of the DEMO keys with `extra` files added; `safehold check` on it.
fn check_keys_with(extra: &[(&str, &str)]) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    for role in ["caseworkers", "rapporteurs"] {
        let from = repo().join("keys/DEMO").join(role);
        std::fs::create_dir_all(keys.join(role)).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), keys.join(role).join(entry.file_name())).unwrap();
        }
    }
    for (path, text) in extra {
        let path = keys.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut command = safehold_command();
    command
        .args(["check", "--demo", "--keys"])
        .arg(&keys)
        .arg("--policy")
        .arg(repo().join("policy/DEMO"));
    run(&mut command)
}

/// Not a real key: the right shape, from nobody.
const SECRET: &str = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";

#[test]
fn a_private_key_anywhere_under_keys_is_refused_naming_the_file() {
    let (ok, out, err) = check_keys_with(&[]);
    assert!(ok, "the DEMO copy loads: {out}{err}");
    let demo_identity =
        std::fs::read_to_string(repo().join("keys/DEMO/identities/amina.age-identity")).unwrap();
    let (ok, out, err) = check_keys_with(&[
        (
            "caseworkers/README.md",
            "Put only age1… lines here, never an AGE-SECRET-KEY-1… line.",
        ),
        ("identities/amina.age-identity", &demo_identity),
    ]);
    assert!(
        ok,
        "documentation and the public DEMO identities pass: {out}{err}"
    );

    let hidden = format!("# old laptop\n{SECRET}\n");
    let readme = format!("Backup of my key: {SECRET}\n");
    let (ok, _, err) = check_keys_with(&[
        ("caseworkers/.amina.pub.swp", &hidden),
        ("README", &readme),
        (
            "rapporteurs/README.md",
            "AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQQQQQQQQQQQQ\n",
        ),
        (
            "caseworkers/.passphrase-protected",
            "age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 18\nAAAA\n--- AAAA\n",
        ),
        (
            "DEMO/notes.txt",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n",
        ),
    ]);
    assert!(!ok);
    for (file, what) in [
        (
            "caseworkers/.amina.pub.swp",
            "PRIVATE key (AGE-SECRET-KEY-1…)",
        ),
        ("keys/README", "PRIVATE key (AGE-SECRET-KEY-1…)"),
        ("rapporteurs/README.md", "PRIVATE plugin identity"),
        ("caseworkers/.passphrase-protected", "age-ENCRYPTED file"),
        ("DEMO/notes.txt", "PRIVATE key (PEM/OpenSSH)"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(file) && l.contains(what)),
            "{file}: {what}\n{err}"
        );
    }
    assert!(err.contains("remove it from the server now"), "{err}");
    assert!(
        !err.contains("QQQQQQ"),
        "the key itself is never repeated: {err}"
    );
}
