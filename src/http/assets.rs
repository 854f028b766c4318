//! Static assets, compiled into the binary and served from our own origin only. Scripts are
//! referenced with Subresource Integrity, and their hashes are published at
//! `/.well-known/safehold-scripts.json` so outsiders can check the code a page runs.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use sha2::{Digest, Sha256, Sha384};

use super::AppState;
use super::failure::ApiError;
use super::traffic::Traffic;

const STYLESHEET: &str = include_str!("../../static/safehold.css");

/// `/static/{file}`, `/.well-known/safehold-scripts.json`, `/favicon.ico`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    traffic.page(
        Router::new()
            .route("/static/{file}", get(serve))
            .route("/.well-known/safehold-scripts.json", get(published_hashes))
            // Browsers ask for it on every site; answering keeps their consoles and our logs quiet.
            .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT })),
    )
}

/// A served script with its integrity hashes.
pub struct Script {
    /// The name it is served under in `/static/`: the file's name with the first 16 hex
    /// digits of its SHA-256 before the extension. A new build gets a new name, so browsers
    /// may keep a copy for a year and never run an old one.
    pub name: String,
    /// The file, as built (see `scripts/build-browser-bundle.sh`).
    pub bytes: &'static [u8],
    /// The same bytes as Brotli and gzip, compressed at build time (`build.rs`), if worth it.
    compressed: Option<Compressed>,
    /// `sha384-…`, for the `integrity` attribute (of `bytes`, whatever the transfer encoding).
    pub sri: String,
    /// Lowercase hex SHA-256, for people comparing with a local build.
    pub sha256: String,
}

/// A script's pre-compressed copies.
struct Compressed {
    brotli: &'static [u8],
    gzip: &'static [u8],
}

impl Script {
    fn new(file: &'static str, bytes: &'static [u8], compressed: Option<Compressed>) -> Script {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let name = match file.rsplit_once('.') {
            Some((stem, extension)) => format!("{stem}.{}.{extension}", &sha256[..16]),
            None => format!("{file}.{}", &sha256[..16]),
        };
        Script {
            name,
            bytes,
            compressed,
            sri: format!("sha384-{}", STANDARD.encode(Sha384::digest(bytes))),
            sha256,
        }
    }

    /// Its address: what pages put in `src` and what the published hashes name.
    pub fn path(&self) -> String {
        format!("/static/{}", self.name)
    }

    /// The answer to a request that accepts `accept_encoding`: the best copy the client takes,
    /// kept by browsers for a year (the name changes with the content).
    fn respond(&self, accept_encoding: Option<&HeaderValue>) -> Response {
        let (encoding, body) = match (&self.compressed, Encoding::accepted(accept_encoding)) {
            (Some(c), Encoding::Brotli) => (Some("br"), c.brotli),
            (Some(c), Encoding::Gzip) => (Some("gzip"), c.gzip),
            _ => (None, self.bytes),
        };
        let mut response = (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, IMMUTABLE),
            ],
            body,
        )
            .into_response();
        let headers = response.headers_mut();
        if self.compressed.is_some() {
            // Caches keep one copy per encoding.
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    }
}

/// Cache policy of content-named files: they never change under their name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A transfer encoding a client accepts, best first.
#[derive(Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The best encoding `Accept-Encoding` allows: Brotli, then gzip, else none. A coding
    /// with `q=0` is refused, and `*` stands for any coding not named.
    fn accepted(header: Option<&HeaderValue>) -> Encoding {
        let Some(value) = header.and_then(|v| v.to_str().ok()) else {
            return Encoding::Identity;
        };
        let weight = |coding: &str| -> Option<bool> {
            value.split(',').find_map(|item| {
                let mut parts = item.split(';');
                let name = parts.next()?.trim();
                if !name.eq_ignore_ascii_case(coding) {
                    return None;
                }
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                Some(!refused)
            })
        };
        let takes = |coding: &str| weight(coding).or_else(|| weight("*")).unwrap_or(false);
        if takes("br") {
            Encoding::Brotli
        } else if takes("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

/// The browser bundle: Safehold's code and the pinned age-encryption library.
pub static BUNDLE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        "safehold-bundle.js",
        include_bytes!("../../static/safehold-bundle.js"),
        Some(Compressed {
            brotli: include_bytes!(concat!(env!("OUT_DIR"), "/safehold-bundle.js.br")),
            gzip: include_bytes!(concat!(env!("OUT_DIR"), "/safehold-bundle.js.gz")),
        }),
    )
});
/// The boot script, which starts the bundle or explains the fallback (too small to compress).
pub static BOOT: LazyLock<Script> =
    LazyLock::new(|| Script::new("boot.js", include_bytes!("../../static/boot.js"), None));

/// `GET /static/{file}`. Scripts answer only under their content-hashed names: pages are
/// never cached (`no-store`), so no page can still name an old one, and one name per file
/// keeps what outsiders check against `/.well-known/safehold-scripts.json` unambiguous.
async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let accept_encoding = headers.get(header::ACCEPT_ENCODING);
    match file.as_str() {
        "safehold.css" => (
            [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
            STYLESHEET,
        )
            .into_response(),
        name if name == BUNDLE.name => BUNDLE.respond(accept_encoding),
        name if name == BOOT.name => BOOT.respond(accept_encoding),
        _ => ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such asset").into_response(),
    }
}

/// One entry of the published script list.
#[derive(Serialize)]
pub struct PublishedScript {
    path: String,
    integrity: String,
    sha256: String,
}

/// `GET /.well-known/safehold-scripts.json`: every script a page may run, with its hashes.
async fn published_hashes() -> Json<Vec<PublishedScript>> {
    Json(
        [&*BUNDLE, &*BOOT]
            .into_iter()
            .map(|s| PublishedScript {
                path: s.path(),
                integrity: s.sri.clone(),
                sha256: s.sha256.clone(),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(value: &str) -> Encoding {
        Encoding::accepted(Some(&HeaderValue::from_str(value).unwrap()))
    }

    #[test]
    fn brotli_is_preferred_then_gzip_and_a_refused_coding_is_never_sent() {
        assert_eq!(Encoding::accepted(None), Encoding::Identity);
        assert_eq!(accepted("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(accepted("gzip, deflate"), Encoding::Gzip);
        assert_eq!(accepted("br;q=0, gzip;q=0.5"), Encoding::Gzip);
        assert_eq!(accepted("BR ; q=1.0"), Encoding::Brotli);
        assert_eq!(accepted("identity"), Encoding::Identity);
        assert_eq!(accepted("*"), Encoding::Brotli);
        assert_eq!(accepted("*;q=0"), Encoding::Identity);
        assert_eq!(accepted("br;q=0, *"), Encoding::Gzip);
        assert_eq!(accepted("gzip;q=0"), Encoding::Identity);
    }

    #[test]
    fn served_names_carry_the_content_hash() {
        assert_eq!(
            BUNDLE.name,
            format!("safehold-bundle.{}.js", &BUNDLE.sha256[..16])
        );
        assert_eq!(
            BOOT.path(),
            format!("/static/boot.{}.js", &BOOT.sha256[..16])
        );
    }
}
