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
use crate::stats::release::NOT_SHOWN;
use crate::stats::{Mechanism, Release, ReleasedTable, Value};

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
    /// Rows shown: code, label, values (cells then row total). A thresholded table shows only
    /// the rows over its threshold.
    pub rows: Vec<ShownRow>,
    /// Column totals then the grand total (one value for a one-way table).
    pub totals: Vec<ShownValue>,
    /// Whether figures carry intervals (noisy releases from format v2 on).
    pub intervals: bool,
    /// The noise in plain words.
    pub noise_words: String,
    /// The threshold in plain words, for a thresholded table.
    pub threshold_words: Option<String>,
    /// Inline SVG chart (empty when nothing can be drawn).
    pub chart: String,
    /// What the chart shows.
    pub chart_caption: String,
}

/// A figure as shown: the number (or `x`, `<5`) and its interval in words.
pub struct ShownValue {
    /// The figure.
    pub text: String,
    /// Its 90% interval in words ("9 to 15", "0 to 4, may be zero"); empty without one.
    pub interval: String,
    /// Whether the interval reaches zero.
    pub may_be_zero: bool,
}

/// A row of a shown table.
pub struct ShownRow {
    /// Category code.
    pub code: String,
    /// Category label.
    pub label: String,
    /// Displayed values.
    pub values: Vec<ShownValue>,
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
    /// The headline total in words, when the release has one.
    pub headline: Option<String>,
    /// The tiny-sample warning, when the total is under what the breakdowns resolve.
    pub tiny_sample: Option<String>,
    /// Its tables (the headline table excluded: it is the sentence above).
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
    /// The country table's false-phantom rate (`4.4%`), from the policy's plan.
    pub phantom_rate: String,
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
        phantom_rate: crate::stats::plan::plan(&policy)
            .tables
            .iter()
            .find_map(|t| t.phantom_rate)
            .map_or_else(|| "5%".into(), crate::stats::plan::percent),
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
    // From format v2 on, noisy figures carry their 90% intervals.
    let intervals = release.resolvable_total.is_some();
    let protection = match release.mechanism {
        Mechanism::DiscreteLaplace if intervals => lang.t_with(
            "stats-release-noise-intervals",
            &[("epsilon", release.epsilon.to_string())],
        ),
        Mechanism::DiscreteLaplace => lang.t_with(
            "stats-release-noise",
            &[
                ("epsilon", release.epsilon.to_string()),
                ("threshold", release.display_threshold.to_string()),
            ],
        ),
        Mechanism::SuppressionRounding => lang.t("stats-release-no-noise"),
    };
    let headline_table = release.tables.iter().find(|t| t.headline);
    let headline = headline_table.and_then(|t| {
        let v = &t.total;
        Some(lang.t_with(
            if v.may_be_zero() {
                "stats-headline-may-be-zero"
            } else {
                "stats-headline"
            },
            &[
                ("total", v.value?.to_string()),
                ("low", v.low?.to_string()),
                ("high", v.high?.to_string()),
            ],
        ))
    });
    // The headline total, or (a policy without one) the first table's.
    let total = headline_table
        .or(release.tables.first())
        .and_then(|t| t.total.value);
    let tiny_sample = match (total, release.resolvable_total) {
        (Some(total), Some(needed)) if total < i64::try_from(needed).unwrap_or(i64::MAX) => {
            Some(lang.t_with(
                "stats-tiny-sample",
                &[("total", total.to_string()), ("needed", needed.to_string())],
            ))
        }
        _ => None,
    };
    let tables = release
        .tables
        .iter()
        .filter(|t| !(t.headline && headline.is_some()))
        .cloned()
        .map(|t| shown_table(&lang, t, intervals))
        .collect();
    StatsReleasePage {
        self_path: format!("/stats/{}", release.id),
        lang,
        release,
        protection,
        headline,
        tiny_sample,
        tables,
    }
}

fn shown_value(lang: &Lang, v: &Value) -> ShownValue {
    let interval = match (v.low, v.high) {
        (Some(low), Some(high)) => lang.t_with(
            if v.may_be_zero() {
                "stats-interval-may-be-zero"
            } else {
                "stats-interval"
            },
            &[("low", low.to_string()), ("high", high.to_string())],
        ),
        _ => String::new(),
    };
    ShownValue {
        text: v.shown.clone(),
        interval,
        may_be_zero: v.may_be_zero(),
    }
}

fn shown_table(lang: &Lang, table: ReleasedTable, intervals: bool) -> ShownTable {
    let noise_words = match (&table.noise_scale, table.interval90) {
        (Some(scale), Some(k)) if intervals && table.threshold.is_some() => lang.t_with(
            "stats-table-noise-threshold",
            &[
                ("scale", scale.to_string()),
                ("epsilon", table.epsilon.to_string()),
                ("interval", k.to_string()),
            ],
        ),
        (Some(scale), Some(k)) if intervals => lang.t_with(
            "stats-table-noise-intervals",
            &[
                ("scale", scale.to_string()),
                ("epsilon", table.epsilon.to_string()),
                ("interval", k.to_string()),
                (
                    "coverage",
                    table
                        .interval_coverage
                        .clone()
                        .unwrap_or_else(|| "90%".into()),
                ),
            ],
        ),
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
    let hidden = table
        .cells
        .iter()
        .filter(|r| r.iter().all(|v| v.shown == NOT_SHOWN))
        .count();
    let threshold_words = table.threshold.map(|tau| {
        lang.t_with(
            "stats-threshold",
            &[
                ("threshold", tau.to_string()),
                (
                    "rate",
                    table.phantom_rate.clone().unwrap_or_else(|| "5%".into()),
                ),
                ("categories", table.rows.len().to_string()),
                ("hidden", hidden.to_string()),
            ],
        )
    });
    let two_way = !table.columns.is_empty();
    let rows: Vec<ShownRow> = table
        .rows
        .iter()
        .enumerate()
        .filter(|(r, _)| {
            table
                .cells
                .get(*r)
                .is_none_or(|c| c.iter().any(|v| v.shown != NOT_SHOWN))
        })
        .map(|(r, l)| {
            let mut values: Vec<ShownValue> = table
                .cells
                .get(r)
                .map(|c| c.iter().map(|v| shown_value(lang, v)).collect())
                .unwrap_or_default();
            if two_way && let Some(t) = table.row_totals.get(r) {
                values.push(shown_value(lang, t));
            }
            ShownRow {
                code: l.code.clone(),
                label: l.label.clone(),
                values,
            }
        })
        .collect();
    let mut totals: Vec<ShownValue> = table
        .column_totals
        .iter()
        .map(|v| shown_value(lang, v))
        .collect();
    totals.push(shown_value(lang, &table.total));
    // Bars: one per row shown, the cell (one-way) or the row total (two-way), for figures
    // shown as numbers; hidden and "<5" figures have no bar.
    let bars: Vec<Bar> = table
        .rows
        .iter()
        .enumerate()
        .filter_map(|(r, l)| {
            let v = if two_way {
                table.row_totals.get(r)
            } else {
                table.cells.get(r).and_then(|c| c.first())
            }?;
            Some(Bar {
                label: l.label.clone(),
                value: v.value?,
                interval: v.low.zip(v.high),
            })
        })
        .collect();
    let chart_caption = lang.t(if bars.is_empty() {
        "stats-chart-empty"
    } else if intervals {
        "stats-chart-intervals"
    } else if two_way {
        "stats-chart-row-totals"
    } else {
        "stats-chart-figures"
    });
    let chart = if bars.is_empty() {
        String::new()
    } else {
        let figures: Vec<String> = bars
            .iter()
            .map(|b| match b.interval {
                Some((low, high)) => lang.t_with(
                    "stats-chart-figure-interval",
                    &[
                        ("label", b.label.clone()),
                        ("value", b.value.to_string()),
                        ("low", low.to_string()),
                        ("high", high.to_string()),
                    ],
                ),
                None => lang.t_with(
                    "stats-chart-figure",
                    &[("label", b.label.clone()), ("value", b.value.to_string())],
                ),
            })
            .collect();
        svg_bars(
            &format!("chart-{}", table.name),
            &lang.t_with("stats-chart-title", &[("title", table.title.clone())]),
            &lang.t_with(
                "stats-chart-desc",
                &[
                    ("count", bars.len().to_string()),
                    ("figures", figures.join("; ")),
                ],
            ),
            &bars,
        )
    };
    ShownTable {
        chart,
        chart_caption,
        table,
        rows,
        totals,
        intervals,
        noise_words,
        threshold_words,
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One bar of a chart: a figure and its interval.
pub struct Bar {
    /// What the bar counts.
    pub label: String,
    /// The figure.
    pub value: i64,
    /// Its 90% interval, drawn as a line across the bar's end.
    pub interval: Option<(i64, i64)>,
}

/// Splits a label into lines of at most `width` characters, at spaces (a longer word gets a
/// line of its own): labels are wrapped, never cut.
pub fn wrap(label: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in label.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A horizontal bar chart as inline SVG, each label on its own line(s) above its bar, the 90%
/// interval drawn as a line with end ticks. It has no width or height of its own: it scales
/// to its container (a phone's width too), and its text scales with it. `title` and `desc`
/// give it an accessible name and description. Presentation attributes only (no style
/// attribute, no script), so it passes the CSP and needs no JavaScript.
pub fn svg_bars(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    // 360 units wide: on a phone the chart is drawn about 1:1, so its 15-unit text reads as
    // 15 px; the stylesheet caps its width on a wide screen.
    let (width, bar_w, line_h, bar_h, gap) = (360i64, 280i64, 19i64, 14i64, 10i64);
    let max = bars
        .iter()
        .map(|b| b.interval.map_or(b.value, |(_, high)| high.max(b.value)))
        .max()
        .unwrap_or(1)
        .max(1);
    let x = |v: i64| (bar_w * v.max(0)) / max;
    let wrapped: Vec<Vec<String>> = bars.iter().map(|b| wrap(&b.label, 38)).collect();
    let height: i64 = wrapped
        .iter()
        .map(|l| line_h * l.len() as i64 + bar_h + gap)
        .sum::<i64>()
        + gap;
    let id = escape(id);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {height}\" preserveAspectRatio=\"xMinYMin meet\" direction=\"ltr\" font-family=\"sans-serif\" font-size=\"15\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
    let mut y = gap;
    for (b, lines) in bars.iter().zip(&wrapped) {
        for line in lines {
            y += line_h;
            out.push_str(&format!(
                "<text x=\"0\" y=\"{}\" fill=\"#222\">{}</text>",
                y - 4,
                escape(line)
            ));
        }
        let w = x(b.value);
        out.push_str(&format!(
            "<rect x=\"0\" y=\"{y}\" width=\"{w}\" height=\"{bar_h}\" fill=\"#2f5d8a\"/>"
        ));
        let mut end = w;
        if let Some((low, high)) = b.interval {
            let (x0, x1, mid) = (x(low), x(high), y + bar_h / 2);
            out.push_str(&format!(
                "<path d=\"M{x0} {mid}H{x1}M{x0} {}V{}M{x1} {}V{}\" stroke=\"#000\" stroke-width=\"2\" fill=\"none\"/>",
                y + 1,
                y + bar_h - 1,
                y + 1,
                y + bar_h - 1
            ));
            end = end.max(x1);
        }
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" fill=\"#222\">{}</text>",
            end + 6,
            y + bar_h - 2,
            b.value
        ));
        y += bar_h + gap;
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_wrapped_never_cut() {
        let label =
            "Treaty body: Committee on the Elimination of Discrimination against Women (CEDAW)";
        let lines = wrap(label, 30);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), label);
        assert!(lines.iter().all(|l| l.chars().count() <= 30));
        assert_eq!(
            wrap("Supercalifragilisticexpialidocious", 5),
            ["Supercalifragilisticexpialidocious"]
        );
    }

    #[test]
    fn a_chart_has_an_accessible_name_and_no_fixed_size() {
        let svg = svg_bars(
            "chart-x",
            "Victims <by> region",
            "desc",
            &[Bar {
                label: "A".into(),
                value: 5,
                interval: Some((3, 7)),
            }],
        );
        assert!(svg.contains("aria-labelledby=\"chart-x-title chart-x-desc\""));
        assert!(svg.contains("<title id=\"chart-x-title\">Victims &lt;by&gt; region</title>"));
        let open = &svg[..svg.find('>').unwrap_or(0)];
        assert!(
            !open.contains(" width=") && !open.contains(" height="),
            "{open}"
        );
        assert!(svg.contains("<path d=\"M"), "the interval is drawn");
    }
}
