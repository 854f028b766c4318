//! Public statistics: the list of releases, each release as HTML tables with server-rendered
//! SVG charts, its stored CSV and JSON, and a page explaining how the figures protect people.
//! No login, no JavaScript, nothing loaded from elsewhere. Releases are read as stored: the
//! stored values are the truth, nothing is recomputed here.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use super::failure::PageError;
use super::pages::render;
use super::traffic::Traffic;
use crate::i18n::Lang;
use crate::policy::statistics::{Epsilon, StatisticsPolicy};
use crate::stats::{Mechanism, Release, ReleasedTable};

/// One line of the list.
pub struct ReleaseLink {
    /// Release id.
    pub id: String,
    /// First day.
    pub period_start: String,
    /// Last day.
    pub period_end: String,
    /// Day published.
    pub released_day: String,
    /// How it was protected, in words.
    pub protection: String,
}

/// `/stats`.
#[derive(Template)]
#[template(path = "stats_index.html")]
pub struct StatsIndexPage {
    /// The page's language.
    pub lang: Lang,
    /// The page's own path, for the language selector.
    pub self_path: String,
    /// The releases.
    pub releases: Vec<ReleaseLink>,
}

/// A table ready to show.
pub struct ShownTable {
    /// The stored table.
    pub table: ReleasedTable,
    /// Rows: code, label, values (cells then row total).
    pub rows: Vec<ShownRow>,
    /// Column totals then the grand total (one value for a one-way table).
    pub totals: Vec<String>,
    /// The noise in plain words.
    pub noise_words: String,
    /// Inline SVG chart.
    pub chart: String,
    /// What the chart shows.
    pub chart_caption: String,
}

/// A row of a shown table.
pub struct ShownRow {
    /// Category code.
    pub code: String,
    /// Category label.
    pub label: String,
    /// Displayed values.
    pub values: Vec<String>,
}

/// `/stats/{release}`.
#[derive(Template)]
#[template(path = "stats_release.html")]
pub struct StatsReleasePage {
    /// The page's language.
    pub lang: Lang,
    /// The page's own path, for the language selector.
    pub self_path: String,
    /// The stored release.
    pub release: Release,
    /// How it was protected, in words.
    pub protection: String,
    /// Its tables.
    pub tables: Vec<ShownTable>,
}

/// `/stats/about`.
#[derive(Template)]
#[template(path = "stats_about.html")]
pub struct StatsAboutPage {
    /// The page's language.
    pub lang: Lang,
    /// The page's own path, for the language selector.
    pub self_path: String,
    /// Counted statuses, in words.
    pub statuses: String,
    /// Number of countries on the list (without `other`).
    pub countries: usize,
    /// The period rule.
    pub period: String,
    /// Display threshold.
    pub threshold: i64,
    /// Lifetime budget.
    pub lifetime: String,
    /// Fallback threshold.
    pub below: u64,
    /// Fallback rounding base.
    pub base: u64,
}

/// `/stats`, `/stats/about`, `/stats/{release}` (with `.csv` and `.json`).
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    traffic.page(
        Router::new()
            .route("/stats", get(index))
            .route("/stats/about", get(about))
            .route("/stats/{release}", get(release)),
    )
}

fn unavailable(lang: &Lang) -> Response {
    PageError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        lang,
        "stats-unavailable",
        &[],
    )
    .back_to("/stats")
    .into_response()
}

fn not_found(lang: &Lang) -> Response {
    PageError::new(StatusCode::NOT_FOUND, lang, "stats-not-found", &[])
        .back_to("/stats")
        .into_response()
}

fn protection(lang: &Lang, mechanism: &str, epsilon_millis: i64) -> String {
    if mechanism == "discrete_laplace" {
        let epsilon = Epsilon(u32::try_from(epsilon_millis.max(0)).unwrap_or(0));
        lang.t_with(
            "stats-protection-noise",
            &[("epsilon", epsilon.to_string())],
        )
    } else {
        lang.t("stats-protection-none")
    }
}

/// `GET /stats`.
async fn index(State(state): State<AppState>, lang: Lang) -> Response {
    match state.store().stats_ledger().await {
        Ok(ledger) => render(&StatsIndexPage {
            self_path: "/stats".to_owned(),
            releases: ledger
                .into_iter()
                .rev()
                .map(|e| ReleaseLink {
                    protection: protection(&lang, &e.mechanism, e.epsilon_millis),
                    id: e.id,
                    period_start: e.period_start,
                    period_end: e.period_end,
                    released_day: e.released_day,
                })
                .collect(),
            lang,
        }),
        Err(e) => {
            tracing::error!(error = %e, "cannot read the statistics ledger");
            unavailable(&lang)
        }
    }
}

/// `GET /stats/about`.
async fn about(lang: Lang) -> Response {
    let Ok(policy) = StatisticsPolicy::builtin() else {
        return unavailable(&lang);
    };
    let (start, _) = (policy.period_starting(2025), ());
    render(&StatsAboutPage {
        self_path: "/stats/about".to_owned(),
        statuses: policy.counted_statuses.join(", ").replace('_', " "),
        countries: policy
            .dimensions
            .get("country")
            .map_or(0, |d| d.categories.len().saturating_sub(1)),
        period: lang.t_with(
            "stats-about-period",
            &[("month", start.start.month().to_string())],
        ),
        threshold: policy.display_threshold,
        lifetime: policy.lifetime_epsilon.to_string(),
        below: policy.fallback.suppress_below,
        base: policy.fallback.rounding_base,
        lang,
    })
}

/// `GET /stats/{release}`, `/stats/{release}.csv`, `/stats/{release}.json`.
async fn release(State(state): State<AppState>, lang: Lang, Path(name): Path<String>) -> Response {
    if name == "about" {
        return about(lang).await;
    }
    let (id, kind) = if let Some(id) = name.strip_suffix(".csv") {
        (id, "csv")
    } else if let Some(id) = name.strip_suffix(".json") {
        (id, "json")
    } else {
        (name.as_str(), "html")
    };
    if id.len() > 40
        || !id
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '_')
    {
        return not_found(&lang);
    }
    let (json, csv) = match state.store().stats_release(id).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return not_found(&lang),
        Err(e) => {
            tracing::error!(error = %e, "cannot read a statistics release");
            return unavailable(&lang);
        }
    };
    match kind {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                // The stored release's labels are the policy's, in English.
                (header::CONTENT_LANGUAGE, "en".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"safehold-statistics-{id}.csv\""),
                ),
            ],
            csv,
        )
            .into_response(),
        "json" => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_LANGUAGE, "en"),
            ],
            json,
        )
            .into_response(),
        _ => match Release::from_json(&json) {
            Ok(release) => render(&page(lang, release)),
            Err(e) => {
                tracing::error!(error = %e, "a stored statistics release does not parse");
                unavailable(&lang)
            }
        },
    }
}

fn page(lang: Lang, release: Release) -> StatsReleasePage {
    let protection = match release.mechanism {
        Mechanism::DiscreteLaplace => lang.t_with(
            "stats-release-noise",
            &[
                ("epsilon", release.epsilon.to_string()),
                ("threshold", release.display_threshold.to_string()),
            ],
        ),
        Mechanism::SuppressionRounding => lang.t("stats-release-no-noise"),
    };
    let tables = release
        .tables
        .iter()
        .cloned()
        .map(|t| shown_table(&lang, t))
        .collect();
    StatsReleasePage {
        self_path: format!("/stats/{}", release.id),
        lang,
        release,
        protection,
        tables,
    }
}

fn shown_table(lang: &Lang, table: ReleasedTable) -> ShownTable {
    let noise_words = match (&table.noise_scale, table.interval90) {
        (Some(scale), Some(k)) => lang.t_with(
            "stats-table-noise",
            &[
                ("scale", scale.to_string()),
                ("epsilon", table.epsilon.to_string()),
                ("interval", k.to_string()),
            ],
        ),
        _ => lang.t("stats-table-no-noise"),
    };
    let two_way = !table.columns.is_empty();
    let rows: Vec<ShownRow> = table
        .rows
        .iter()
        .enumerate()
        .map(|(r, l)| {
            let mut values: Vec<String> = table
                .cells
                .get(r)
                .map(|c| c.iter().map(|v| v.shown.clone()).collect())
                .unwrap_or_default();
            if two_way && let Some(t) = table.row_totals.get(r) {
                values.push(t.shown.clone());
            }
            ShownRow {
                code: l.code.clone(),
                label: l.label.clone(),
                values,
            }
        })
        .collect();
    let mut totals: Vec<String> = table
        .column_totals
        .iter()
        .map(|v| v.shown.clone())
        .collect();
    totals.push(table.total.shown.clone());
    // Bars: one per row, the cell (one-way) or the row total (two-way), for figures shown as
    // numbers; hidden and "<5" figures have no bar.
    let bars: Vec<(String, i64)> = table
        .rows
        .iter()
        .enumerate()
        .filter_map(|(r, l)| {
            let v = if two_way {
                table.row_totals.get(r)
            } else {
                table.cells.get(r).and_then(|c| c.first())
            }?;
            Some((l.label.clone(), v.value?))
        })
        .collect();
    let chart_caption = lang.t(if bars.is_empty() {
        "stats-chart-empty"
    } else if two_way {
        "stats-chart-row-totals"
    } else {
        "stats-chart-figures"
    });
    ShownTable {
        chart: svg_bars(&bars, &format!("{}: {chart_caption}", table.title)),
        chart_caption,
        table,
        rows,
        totals,
        noise_words,
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart as inline SVG, named `title` for screen readers: presentation
/// attributes only (no style attribute, no script), so it passes the CSP and needs no
/// JavaScript. It is drawn left to right in every language, as the figures are.
pub fn svg_bars(bars: &[(String, i64)], title: &str) -> String {
    let (label_w, bar_w, row_h) = (260i64, 400i64, 22i64);
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(1).max(1);
    let height = row_h * bars.len().max(1) as i64 + 10;
    let width = label_w + bar_w + 60;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"13\" direction=\"ltr\"><title>{}</title>",
        escape(title)
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = 5 + row_h * i as i64;
        let w = (bar_w * v.max(&0)) / max;
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#222\">{}</text><rect x=\"{label_w}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"#2f5d8a\"/><text x=\"{}\" y=\"{}\" fill=\"#222\">{v}</text>",
            label_w - 6,
            y + 15,
            escape(label),
            y + 3,
            row_h - 6,
            label_w + w + 4,
            y + 15,
        ));
    }
    out.push_str("</svg>");
    out
}
