//! Choosing a language, over HTTP: `Accept-Language` picks the first language with a
//! catalogue (by weight), the selector's `?lang=` wins over it, English is the default, every
//! response says `Content-Language`, a page's direction comes from its language, and the
//! choice survives the forms' round trips (report, receipt, errors) without a cookie.
//! Every language in `locales/` is exercised; the browser gate (`accessibility`) looks at the
//! same pages rendered.

use safehold::i18n::Lang;

use crate::common::{Backend, FormReport, TestServer};

async fn get(server: &TestServer, path: &str, accept: Option<&str>) -> (String, String, String) {
    let mut request = server.client().get(server.endpoint(path));
    if let Some(accept) = accept {
        request = request.header("accept-language", accept);
    }
    let response = request.send().await.unwrap();
    let language = header(&response, "content-language");
    let vary = header(&response, "vary");
    (language, vary, response.text().await.unwrap())
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn html_tag(lang: &Lang) -> String {
    format!("<html lang=\"{}\" dir=\"{}\">", lang.tag(), lang.dir())
}

#[tokio::test]
async fn every_response_says_its_language_and_accept_language_chooses_it() {
    let server = TestServer::start(Backend::Sqlite).await;
    let english = Lang::default();
    // No preference, or none available: English.
    for accept in [None, Some("xx-YY, *;q=0.1")] {
        let (language, vary, page) = get(&server, "/", accept).await;
        assert_eq!(language, "en", "{accept:?}");
        assert!(vary.contains("accept-language"), "{vary}");
        assert!(page.contains(&html_tag(&english)), "{accept:?}");
    }
    // Not pages: the API's messages, the stylesheet and the statistics files are English.
    for path in [
        "/api/v1/routes",
        "/api/v1/no-such-endpoint",
        "/static/safehold.css",
    ] {
        let (language, _, _) = get(&server, path, Some("ar, fr;q=0.5")).await;
        assert_eq!(language, "en", "{path}");
    }
    let choices = Lang::choices();
    assert!(choices.iter().any(|c| c.tag == "en"));
    for choice in &choices {
        let lang = Lang::negotiate(Some(&choice.tag), None);
        assert_eq!(lang.tag(), choice.tag);
        assert_eq!(lang.dir(), choice.dir);
        // The first available language by weight, whatever comes before it.
        let accept = format!("xx;q=1, {};q=0.8, en;q=0.5", choice.tag);
        for path in ["/", "/receipt", "/no-such-page", "/stats", "/stats/about"] {
            let (language, _, page) = get(&server, path, Some(&accept)).await;
            assert_eq!(language, choice.tag, "{path} for {accept}");
            assert!(page.contains(&html_tag(&lang)), "{path} for {accept}");
            // The selector, in every language's own name, marks the page's as chosen.
            assert!(
                page.contains(&format!(
                    "<option value=\"{}\" lang=\"{}\" dir=\"{}\" selected>",
                    choice.tag, choice.tag, choice.dir
                )),
                "{path}: {page}"
            );
            // The selector's choice wins over the header.
            let (language, _, _) = get(
                &server,
                &format!("{path}?lang={}", choice.tag),
                Some("xx, en"),
            )
            .await;
            assert_eq!(language, choice.tag, "{path}?lang=");
        }
    }
    // Chinese under any of its usual tags gets the Chinese catalogue, if there is one.
    if let Some(chinese) = choices.iter().find(|c| c.tag.starts_with("zh")) {
        for accept in [
            "zh",
            "zh-CN",
            "zh-Hans",
            "zh-Hans-CN",
            "zh-cn;q=0.9, en;q=0.8",
        ] {
            let (language, _, _) = get(&server, "/", Some(accept)).await;
            assert_eq!(language, chinese.tag, "{accept}");
        }
    }
    // Arabic pages are right-to-left, if there is an Arabic catalogue.
    if choices.iter().any(|c| c.tag == "ar") {
        let (_, _, page) = get(&server, "/", Some("ar")).await;
        assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"));
    }
    server.stop().await;
}

#[tokio::test]
async fn the_chosen_language_survives_the_forms_round_trips() {
    let server = TestServer::start(Backend::Sqlite).await;
    for choice in Lang::choices() {
        let tag = choice.tag.as_str();
        let keep = format!("?lang={tag}");
        // The form posts back in the same language, and the receipt page comes in it.
        let session = server.form_session(&format!("/{keep}")).await;
        let response = server
            .client()
            .post(server.endpoint(&format!("/report{keep}")))
            .header("cookie", &session.cookie)
            .header("accept-language", "xx")
            .multipart(FormReport::simple("round trip").multipart_from(&session))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{tag}");
        assert_eq!(header(&response, "content-language"), tag);
        let submitted = response.text().await.unwrap();
        assert!(
            submitted.contains(&format!("<html lang=\"{tag}\"")),
            "{tag}"
        );
        assert!(
            submitted.contains(&format!("href=\"/receipt{keep}\"")),
            "{tag}: the way back keeps the language"
        );
        // The codephrase and reference stay left to right in every language.
        assert!(submitted.contains("id=\"codephrase\" lang=\"en\" dir=\"ltr\""));
        assert!(submitted.contains("<bdi id=\"report-id\" dir=\"ltr\">"));

        // A form that fails its CSRF check: the error page is in the language, and its way
        // back keeps it.
        let response = server
            .client()
            .post(server.endpoint(&format!("/report{keep}")))
            .multipart(FormReport::simple("no token").multipart("not-the-token"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{tag}");
        assert_eq!(header(&response, "content-language"), tag);
        let error = response.text().await.unwrap();
        assert!(error.contains(&format!("<html lang=\"{tag}\"")), "{tag}");
        assert!(
            error.contains(&format!("href=\"/{keep}\"")),
            "{tag}: {error}"
        );

        // The receipt form with a short codephrase: the form again, in the language, with the
        // summary at the top linking to the field, and the message beside it.
        let session = server.form_session(&format!("/receipt{keep}")).await;
        let response = server
            .client()
            .post(server.endpoint(&format!("/receipt{keep}")))
            .header("cookie", &session.cookie)
            .form(&[
                ("authenticity_token", session.token.as_str()),
                ("codephrase", "two words"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        assert_eq!(header(&response, "content-language"), tag);
        let page = response.text().await.unwrap();
        let summary = page.find("id=\"error-summary\"").expect("a summary");
        let form = page.find("id=\"receipt-form\"").unwrap();
        let field = page.find("id=\"codephrase\"").unwrap();
        assert!(form < summary && summary < field, "at the top of the form");
        assert!(page.contains("<a href=\"#codephrase\">"));
        assert!(page.contains("aria-invalid=\"true\""));
        assert!(page.contains(&format!("action=\"/receipt{keep}\"")));
    }
    server.stop().await;
}
