//! The browser bundle on a slow link: sent as Brotli or gzip as the browser accepts, under a
//! content-hashed name that browsers keep for a year, and still exactly the file its
//! integrity hash and the published hashes name.

use std::io::Read;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::Digest;

use crate::common::{Backend, TestServer};

/// The bundle's `src` and `integrity` in a page.
fn bundle_tag(page: &str) -> (String, String) {
    let tag = page
        .split("<script ")
        .find(|tag| tag.contains("/static/safehold-bundle."))
        .expect("the page loads the bundle");
    let attribute = |name: &str| {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[start..start + tag[start..].find('"').unwrap()].to_owned()
    };
    (attribute("src"), attribute("integrity"))
}

fn brotli_decoded(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(body, 4096)
        .read_to_end(&mut out)
        .expect("valid Brotli");
    out
}

fn gzip_decoded(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

#[tokio::test]
async fn the_bundle_goes_compressed_under_its_content_hash_and_is_kept_a_year() {
    let server = TestServer::start(Backend::Sqlite).await;
    let page = server.get_text("/").await;
    let (src, integrity) = bundle_tag(&page);
    let hash = src
        .strip_prefix("/static/safehold-bundle.")
        .and_then(|rest| rest.strip_suffix(".js"))
        .unwrap_or_else(|| panic!("{src}"));
    assert!(
        hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{src}"
    );

    let mut sizes = Vec::new();
    for (accept, encoding) in [
        (Some("gzip, deflate, br, zstd"), Some("br")),
        (Some("gzip, deflate"), Some("gzip")),
        (Some("br;q=0, gzip;q=0.8"), Some("gzip")),
        (Some("identity"), None),
        (None, None),
    ] {
        let mut request = server.client().get(server.endpoint(&src));
        if let Some(accept) = accept {
            request = request.header("accept-encoding", accept);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "{accept:?}");
        let headers = response.headers().clone();
        assert_eq!(
            headers.get("content-encoding").map(|v| v.to_str().unwrap()),
            encoding,
            "{accept:?}"
        );
        assert_eq!(headers["vary"], "accept-encoding", "{accept:?}");
        assert_eq!(
            headers["cache-control"], "public, max-age=31536000, immutable",
            "{accept:?}"
        );
        assert_eq!(
            headers["content-type"], "text/javascript; charset=utf-8",
            "{accept:?}"
        );
        // The page's other protections stay on the script too.
        assert!(headers.contains_key("content-security-policy"));
        let body = response.bytes().await.unwrap();
        sizes.push((encoding, body.len()));
        let decoded = match encoding {
            Some("br") => brotli_decoded(&body),
            Some("gzip") => gzip_decoded(&body),
            _ => body.to_vec(),
        };
        assert_eq!(
            format!("sha384-{}", STANDARD.encode(sha2::Sha384::digest(&decoded))),
            integrity,
            "{accept:?}: the integrity hash is of the file, whatever the encoding"
        );
        assert_eq!(&hex::encode(sha2::Sha256::digest(&decoded))[..16], hash);
    }
    let size = |wanted: Option<&str>| sizes.iter().find(|(e, _)| *e == wanted).unwrap().1;
    eprintln!("bundle sizes: {sizes:?}");
    assert!(size(Some("br")) * 3 < size(None), "{sizes:?}");
    assert!(size(Some("gzip")) * 2 < size(None), "{sizes:?}");
    assert!(size(Some("br")) < size(Some("gzip")), "{sizes:?}");

    // The published hashes name the served path.
    let published: Vec<serde_json::Value> =
        server.get_json("/.well-known/safehold-scripts.json").await;
    assert!(
        published.iter().any(|s| s["path"] == src.as_str()),
        "{published:?}"
    );
    // One name per file: the unhashed name is gone (pages are never cached, so none names
    // it), and so is a stale hash.
    for gone in [
        "/static/safehold-bundle.js".to_owned(),
        "/static/safehold-bundle.0000000000000000.js".to_owned(),
    ] {
        let response = server
            .client()
            .get(server.endpoint(&gone))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{gone}");
    }
    // Pages are still never kept.
    let response = server
        .client()
        .get(server.endpoint("/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");
    server.stop().await;
}
