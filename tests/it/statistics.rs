//! Statistics releases against a real store and server: consent and status decide what
//! counts, the ledger refuses repeats and overspending, releases survive a restart byte for
//! byte, and the public pages list every country with no JavaScript and nothing from outside.

use safehold::policy::statistics::{BUILTIN, StatisticsPolicy};
use safehold::stats::publish::{PublishError, release_period_with};
use safehold::stats::{OsRandom, RandomSource};

use crate::common::{
    Backend, CodedCase, Store, StoredCode, TestServer, insert_coded_case, on_both_backends,
    run_with_input, wrapped,
};

const TODAY: &str = "2026-05-02";

/// A general-route case taken to `status`, coded for `country` and `reprisal_type`, with or
/// without the reporter's consent to statistics.
async fn coded_case(
    store: &Store,
    status: &str,
    statistics: bool,
    country: &str,
    reprisal_type: &str,
) {
    let code = CodedCase::code;
    let codes = vec![
        code("country", country),
        code("reprisal_type", reprisal_type),
        code("mechanism", "upr"),
        code("incident_date", "2025-07"),
        code("incident_date_precision", "month"),
        StoredCode {
            field: "victim_gender".into(),
            code: "woman".into(),
            restricted: true,
        },
    ];
    let case = CodedCase {
        route: "general",
        status,
        codes,
        statistics,
        coder: "caseworker/ana",
    };
    insert_coded_case(store, case).await;
}

fn policy(lifetime: &str) -> StatisticsPolicy {
    let text = BUILTIN.replace(
        "lifetime_epsilon = 15.0",
        &format!("lifetime_epsilon = {lifetime}"),
    );
    StatisticsPolicy::parse(&text, std::path::Path::new("test.toml")).unwrap()
}

async fn statistics_story(backend: Backend) {
    let mut server = TestServer::start(backend).await;
    let store = server.store.clone();
    for _ in 0..23 {
        coded_case(&store, "credible", true, "BY", "travel_ban").await;
    }
    for _ in 0..12 {
        coded_case(&store, "referred", true, "RU", "arbitrary_arrest_detention").await;
    }
    let p = policy("5.0");
    let y2025 = p.parse_period("2025-05-01..2026-04-30").unwrap();
    let y2024 = p.parse_period("2024-05-01..2025-04-30").unwrap();
    let y2023 = p.parse_period("2023-05-01..2024-04-30").unwrap();

    // Consent: without noise, cases lacking statistics consent, or still received or under
    // assessment, change nothing: the stored release equals one computed before they existed.
    let rows_before = store.stats_code_rows().await.unwrap();
    let before = safehold::stats::make_release(
        &p,
        &y2025,
        &safehold::stats::publish::incidents_from_rows(&rows_before),
        None,
        TODAY,
    )
    .unwrap();
    coded_case(&store, "credible", false, "AM", "killing").await;
    coded_case(&store, "received", true, "AM", "killing").await;
    coded_case(&store, "under_assessment", true, "AM", "killing").await;
    // Closed straight after assessment began, never found credible: not counted either.
    coded_case(&store, "closed", true, "AM", "killing").await;
    assert!(store.stats_code_rows().await.unwrap().len() > rows_before.len());
    let release = release_period_with(&store, &p, &y2025, None, TODAY)
        .await
        .unwrap();
    assert_eq!(
        release.to_csv(),
        before.to_csv(),
        "consent and status respected"
    );
    assert!(release.to_csv().contains(",country,BY,Belarus,,,25,,,\n"));
    assert!(release.to_csv().contains(",country,AM,Armenia,,,x,,,\n"));

    // The same period again: refused, with or without noise.
    let again = release_period_with(&store, &p, &y2025, Some(&mut OsRandom), TODAY).await;
    assert!(
        matches!(&again, Err(PublishError::AlreadyReleased { released_day, .. }) if released_day == TODAY),
        "{again:?}"
    );
    // A period not over yet: refused.
    let open = release_period_with(&store, &p, &y2025, None, "2026-04-30").await;
    assert!(matches!(
        open,
        Err(PublishError::AlreadyReleased { .. } | PublishError::NotClosed { .. })
    ));

    // Budget 5: a noisy release spends 3.6; the next one would need 3.6 with 1.4 left.
    let mut rng = OsRandom;
    let rng: &mut dyn RandomSource = &mut rng;
    release_period_with(&store, &p, &y2024, Some(rng), TODAY)
        .await
        .unwrap();
    let over = release_period_with(&store, &p, &y2023, Some(&mut OsRandom), TODAY).await;
    let message = match over {
        Err(e @ PublishError::OverBudget { .. }) => e.to_string(),
        other => panic!("expected a budget refusal, got {other:?}"),
    };
    assert!(
        message.contains("needs epsilon 3.6, but only 1.4 of the lifetime budget 5 is left"),
        "{message}"
    );
    let ledger = store.stats_ledger().await.unwrap();
    assert_eq!(ledger.len(), 2);
    assert_eq!(ledger[0].epsilon_millis, 3600);
    assert_eq!(ledger[1].epsilon_millis, 0);

    // Publication: list, page, CSV, JSON, explanation.
    let client = server.client();
    let get = |path: &str| {
        let client = client.clone();
        let url = format!("{}{path}", server.url);
        async move { client.get(url).send().await.unwrap() }
    };
    let index = get("/stats").await;
    assert_eq!(index.status(), 200);
    let html = index.text().await.unwrap();
    assert!(html.contains("/stats/2025-05-01_2026-04-30"), "{html}");
    for path in [
        "/stats",
        "/stats/about",
        "/stats/2025-05-01_2026-04-30",
        "/stats/2024-05-01_2025-04-30",
    ] {
        let response = get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let csp = response
            .headers()
            .get("content-security-policy")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        assert!(csp.contains("default-src"), "{path}: CSP {csp}");
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script"), "{path}: no JavaScript");
        assert!(!html.contains(" style="), "{path}: no inline style");
        for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
            assert!(
                !html.contains(attr),
                "{path}: nothing from outside ({attr})"
            );
        }
    }
    // The noisy release covers a year with no victim: its total is near zero, so the page
    // warns that the breakdowns cannot resolve it, gives every figure its 90% interval, says
    // which intervals reach zero, and shows no country under the threshold.
    let noisy = server.get_text("/stats/2024-05-01_2025-04-30").await;
    let english = safehold::i18n::Lang::negotiate(Some("en"), None);
    assert!(noisy.contains("id=\"tiny-sample\""), "{noisy}");
    assert!(noisy.contains("id=\"headline\""), "{noisy}");
    assert!(
        noisy.contains(&english.t("stats-table-interval")),
        "{noisy}"
    );
    assert!(noisy.contains("may be zero"), "{noisy}");
    assert!(noisy.contains("id=\"threshold-country\""), "{noisy}");
    assert!(
        noisy.contains("that does not mean that they had no victims"),
        "{noisy}"
    );
    assert!(noisy.contains("class=\"table-scroll\""), "{noisy}");
    assert!(
        noisy.contains("<svg") && noisy.contains("<title id=\"chart-region-title\">"),
        "{noisy}"
    );
    let noisy_json: serde_json::Value = server.get_json("/stats/2024-05-01_2025-04-30.json").await;
    assert_eq!(noisy_json["format"], "safehold.stats.release.v2");
    assert!(
        noisy_json["tables"][1]["cells"][0][0]["low"].is_i64(),
        "{noisy_json}"
    );
    // As stored and served: one total everywhere, and every breakdown adds up to it (a
    // thresholded one to at most it).
    let headline = &noisy_json["tables"][0]["total"]["value"];
    for table in noisy_json["tables"].as_array().unwrap() {
        assert_eq!(&table["total"]["value"], headline, "{}", table["name"]);
        let sum: i64 = table["cells"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|row| row.as_array().unwrap())
            .filter_map(|v| v["value"].as_i64())
            .sum();
        if table["threshold"].is_null() {
            assert_eq!(Some(sum), headline.as_i64(), "{}", table["name"]);
        } else {
            assert!(Some(sum) <= headline.as_i64(), "{}", table["name"]);
        }
    }
    // Every country of the fixed list has a row, zeros included.
    let countries = p.dimensions.get("country").unwrap();
    let page = server.get_text("/stats/2025-05-01_2026-04-30").await;
    let csv = get("/stats/2025-05-01_2026-04-30.csv").await;
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    for c in &countries.categories {
        assert!(
            page.contains(&format!("data-code=\"{}\"", c.code)),
            "{}",
            c.code
        );
        assert!(
            csv.contains(&format!("2025-05-01_2026-04-30,country,{},", c.code)),
            "{}",
            c.code
        );
    }
    assert_eq!(countries.categories.len(), 196);
    let json: serde_json::Value = server.get_json("/stats/2025-05-01_2026-04-30.json").await;
    let country = json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "country")
        .unwrap();
    assert_eq!(country["rows"].as_array().unwrap().len(), 196);
    assert_eq!(get("/stats/1999-05-01_2000-04-30").await.status(), 404);
    assert_eq!(get("/stats/..%2Fetc").await.status(), 404);
    // The pages speak the request's language, from the message catalogue.
    let about = server.get_text("/stats/about?lang=en").await;
    assert!(about.contains("<html lang=\"en\" dir=\"ltr\">"), "{about}");
    assert!(
        about.contains(&format!("<h1>{}</h1>", english.t("stats-about-title"))),
        "{about}"
    );

    // Restart: the release reads back byte for byte.
    let noisy_csv = server.get_text("/stats/2024-05-01_2025-04-30.csv").await;
    let url = server.config.database_url.clone();
    // Keep the SQLite file's directory past the server's stop.
    let _dir = std::mem::replace(&mut server.dir, tempfile::tempdir().unwrap());
    server.stop().await;
    let reopened = Store::connect(&url).await.unwrap();
    let (_, stored_csv) = reopened
        .stats_release("2024-05-01_2025-04-30")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored_csv.as_bytes(), noisy_csv.as_bytes());
    let (_, fallback_csv) = reopened
        .stats_release("2025-05-01_2026-04-30")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fallback_csv, csv);
    reopened.close().await;
}
on_both_backends!(statistics_story);

/// `stats plan` shows what a release publishes and spends nothing; `stats release` shows the
/// same plan and releases only when the operator answers y at a terminal, or with --yes; with
/// no terminal to ask on (a pipe, no controlling terminal), nothing is released.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_is_planned_and_confirmed_first() {
    let server = TestServer::start(Backend::Sqlite).await;
    for _ in 0..12 {
        coded_case(&server.store, "credible", true, "BY", "travel_ban").await;
    }
    let released = || async { server.store.stats_ledger().await.unwrap().len() };
    let (ok, plan, err) = crate::common::run(&mut server.stats_command(&["plan"]));
    assert!(ok, "{err}");
    assert!(plan.contains("country") && plan.contains("4.4%"), "{plan}");
    assert!(plan.contains("spent 0 of 15, 15 left"), "{plan}");
    assert_eq!(released().await, 0);

    let release = &["release", "--period", "2025-05-01..2026-04-30"];
    let (ok, out, err) = run_with_input(
        &mut wrapped(&["setsid", "-w"], &server.stats_command(release)),
        "y\n",
    );
    assert!(!ok, "{out}{err}");
    assert!(
        err.contains("nothing was released") && err.contains("--yes"),
        "{err}"
    );
    assert_eq!(released().await, 0);

    let at_terminal = |answer: &str| {
        run_with_input(
            &mut wrapped(
                &["script", "-q", "-e", "-c"],
                &server.stats_command(release),
            ),
            answer,
        )
    };
    let (ok, out, err) = at_terminal("n\n");
    assert!(!ok, "{out}{err}");
    assert!(out.contains("Release it? [y/N]"), "{out}");
    assert!(
        out.contains("threshold") && out.contains("4.4%"),
        "the plan is shown: {out}"
    );
    assert_eq!(released().await, 0);
    let (ok, out, err) = at_terminal("y\n");
    assert!(ok, "{out}{err}");
    assert!(out.contains("released 2025-05-01..2026-04-30"), "{out}");
    assert_eq!(released().await, 1);

    // --yes, for scripts: no question.
    let (ok, out, err) = crate::common::run(&mut server.stats_command(&[
        "release",
        "--period",
        "2024-05-01..2025-04-30",
        "--yes",
    ]));
    assert!(ok, "{out}{err}");
    assert_eq!(released().await, 2);
    let (_, plan, _) = crate::common::run(&mut server.stats_command(&["plan"]));
    assert!(plan.contains("spent 7.2 of 15, 7.8 left"), "{plan}");
    server.stop().await;
}
