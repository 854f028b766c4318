//! `policy/routing.toml`: which caseworkers receive a report, chosen from the few coarse answers
//! the reporter gives in the clear (design, flow 5).
//!
//! A route is a name, a selector over those answers, the caseworkers whose keys the report is
//! encrypted to, and the alert targets told that something arrived. Routing decides who can
//! ever read a report, so the file is validated completely at start-up against the keyring,
//! and every problem is reported with its line, route and field. This module sees answer codes
//! and names only, never report content.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use age::x25519::Recipient;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::questions::{self, MECHANISM, REGION, UnknownCode};
use super::{PolicyError, Problem};
use crate::keyring::{Keyring, Role};

/// The validated routing table: routes in file order plus the default route.
#[derive(Clone, Debug)]
pub struct Routing {
    routes: Vec<Route>,
    /// Index into `routes`; validation guarantees it exists.
    default_index: usize,
}

/// One route: who receives reports that match `when`, and whom to alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Route {
    /// Stable name, `[a-z0-9-]{1,48}`; stored with each report and shown in alerts.
    pub name: String,
    /// Free text for operators only; never shown to reporters (it may describe internal
    /// arrangements).
    pub description: String,
    /// Which answers select this route. Empty: the route is selected only as the default.
    pub when: RouteSelector,
    /// Names of people in `keys/caseworkers/`; the report is encrypted to all their devices.
    pub caseworkers: Vec<String>,
    /// Names of alert targets told "new report on route X" (delivery is configured elsewhere).
    pub alerts: Vec<String>,
}

impl Route {
    /// The fixed-size name clients send with a report: 16 hex digits of SHA-256 over
    /// `safehold.route.v1 ` and the name. Names vary in length, and the length of a request
    /// would tell a network observer which route (say, "urgent") a report took. 64 bits make a
    /// collision between a policy's few names vanishingly unlikely.
    pub fn tag(&self) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(format!("safehold.route.v1 {}", self.name).as_bytes());
        hex::encode(&digest[..8])
    }
}

/// Conditions on the reporter's answers. Every condition present must hold; a list matches if
/// the answer is any of its codes; an unanswered question never satisfies a condition on it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RouteSelector {
    /// Any of these [`questions::MECHANISMS`] codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<Vec<String>>,
    /// Any of these [`questions::REGIONS`] codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Vec<String>>,
    /// Exactly this answer to "is someone in immediate danger?".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub immediate_danger: Option<bool>,
}

impl RouteSelector {
    /// True when no condition is set: such a route is chosen only as the default route, so that
    /// a catch-all written early in the file cannot shadow the routes after it.
    pub fn is_empty(&self) -> bool {
        self.mechanism.is_none() && self.region.is_none() && self.immediate_danger.is_none()
    }

    /// Whether these answers satisfy every condition present (an empty selector matches
    /// everything; [`Routing::select`] treats it as default-only).
    pub fn matches(&self, answers: &Answers<'_>) -> bool {
        fn any_of(codes: &Option<Vec<String>>, answer: Option<&str>) -> bool {
            match codes {
                None => true,
                Some(codes) => answer.is_some_and(|a| codes.iter().any(|c| c == a)),
            }
        }
        any_of(&self.mechanism, answers.mechanism)
            && any_of(&self.region, answers.region)
            && self
                .immediate_danger
                .is_none_or(|want| answers.immediate_danger == Some(want))
    }
}

/// The reporter's answers to the routing questions; every one is optional.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Answers<'a> {
    /// A [`questions::MECHANISMS`] code.
    pub mechanism: Option<&'a str>,
    /// A [`questions::REGIONS`] code.
    pub region: Option<&'a str>,
    /// Whether someone is in immediate danger.
    pub immediate_danger: Option<bool>,
}

impl Answers<'_> {
    /// Refuses codes that are not in [`questions`], so a tampered form gets a clear 4xx instead
    /// of silently landing on the default route.
    pub fn check(&self) -> Result<(), UnknownCode> {
        if let Some(code) = self.mechanism {
            questions::check_code(MECHANISM, code)?;
        }
        if let Some(code) = self.region {
            questions::check_code(REGION, code)?;
        }
        Ok(())
    }
}

impl Routing {
    /// Parses and validates routing text. `path` is used only in messages; [`super::Policy::load`]
    /// reads the file. Useful in tests of other modules to build a routing table in memory.
    pub fn parse(text: &str, path: &Path, keyring: &Keyring) -> Result<Routing, PolicyError> {
        Self::parse_with_targets(text, path, keyring, None)
    }

    /// [`Routing::parse`], also checking every route's `alerts` against the names of the alert
    /// targets (from `alerts.toml`) when `targets` is given.
    pub fn parse_with_targets(
        text: &str,
        path: &Path,
        keyring: &Keyring,
        targets: Option<&[String]>,
    ) -> Result<Routing, PolicyError> {
        let raw: RawRouting = toml::from_str(text).map_err(|err| PolicyError::Syntax {
            path: path.to_path_buf(),
            message: err.to_string(),
        })?;
        validate(raw, text, keyring, targets)
            .map_err(|problems| PolicyError::invalid(path, problems))
    }

    /// The route for these answers: the first route, in file order, with a non-empty selector
    /// that matches; otherwise the default route. A route with an empty selector is chosen only
    /// as the default.
    pub fn select(&self, answers: &Answers<'_>) -> &Route {
        self.routes
            .iter()
            .find(|route| !route.when.is_empty() && route.when.matches(answers))
            .unwrap_or_else(|| self.default_route())
    }

    /// The route with this name (e.g. the one stored with a report).
    pub fn get(&self, name: &str) -> Option<&Route> {
        self.routes.iter().find(|route| route.name == name)
    }

    /// The route with this [`Route::tag`].
    pub fn by_tag(&self, tag: &str) -> Option<&Route> {
        self.routes.iter().find(|route| route.tag() == tag)
    }

    /// All routes in file order, for `/api/v1/routes` and operator listings.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The route for reports that match no other route.
    pub fn default_route(&self) -> &Route {
        &self.routes[self.default_index]
    }

    /// The recipients a report on `route` is encrypted to: every device of every caseworker of
    /// the route, in the route's caseworker order then file order, without duplicates.
    /// Caseworkers missing from `keyring` (only possible with a keyring other than the one the
    /// policy was validated against) contribute nothing.
    pub fn recipients<'k>(&self, route: &Route, keyring: &'k Keyring) -> Vec<&'k Recipient> {
        let mut out: Vec<&Recipient> = Vec::new();
        for name in &route.caseworkers {
            if let Some(person) = keyring.person(Role::Caseworker, name) {
                for recipient in &person.recipients {
                    if !out.contains(&recipient) {
                        out.push(recipient);
                    }
                }
            }
        }
        out
    }
}

/// What is wrong in `routing.toml`, phrased as what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RoutingReason {
    /// No `[[route]]` at all.
    #[error("no [[route]] tables: define at least the default route")]
    NoRoutes,
    /// A route name outside `[a-z0-9-]{{1,48}}`.
    #[error("`{0}` is not a valid route name: use 1-48 characters from a-z, 0-9 and '-'")]
    BadRouteName(String),
    /// Two routes with one name.
    #[error(
        "the name is already used by the route on line {first_line}: route names must be unique"
    )]
    DuplicateRoute {
        /// Line of the first route with this name.
        first_line: usize,
    },
    /// An answer code not in [`questions`].
    #[error(transparent)]
    UnknownCode(#[from] UnknownCode),
    /// A condition with an empty list.
    #[error(
        "an empty list matches nothing: list at least one code, or remove the key to accept any answer"
    )]
    EmptyList,
    /// A code or name listed twice in one list.
    #[error("`{0}` is listed twice: remove one")]
    Repeated(String),
    /// A caseworker not in the keyring.
    #[error("no caseworker `{name}` in the keyring (expected keys/caseworkers/{name}.pub); known caseworkers: {}", if known.is_empty() { "(none)".to_owned() } else { known.join(", ") })]
    UnknownCaseworker {
        /// The name in the policy.
        name: String,
        /// The caseworkers the keyring has.
        known: Vec<String>,
    },
    /// A route nobody can decrypt.
    #[error(
        "no caseworkers: list at least one name from keys/caseworkers/, or reports on this route could never be read"
    )]
    NoCaseworkers,
    /// An empty or padded alert target name.
    #[error("alert target names must be non-empty, without surrounding spaces")]
    BadAlertName,
    /// An alert name with no target in `alerts.toml`.
    #[error("no alert target `{name}` in alerts.toml; define it there, or remove it here (targets: {})", if known.is_empty() { "none".to_owned() } else { known.join(", ") })]
    UnknownAlertTarget {
        /// The name given.
        name: String,
        /// The targets that exist.
        known: Vec<String>,
    },
    /// `default_route` missing.
    #[error(
        "missing: add `default_route = \"<name>\"` naming the route for reports that match no other route"
    )]
    MissingDefault,
    /// `default_route` names no route.
    #[error("no route named `{name}`; routes: {}", routes.join(", "))]
    UnknownDefault {
        /// The name given.
        name: String,
        /// The routes that exist.
        routes: Vec<String>,
    },
    /// A non-default route with no conditions.
    #[error(
        "no `when` and not the default_route, so this route can never be selected: add a `when`, or name it in default_route"
    )]
    Unreachable,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRouting {
    default_route: Option<Spanned<String>>,
    #[serde(default)]
    route: Vec<RawRoute>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoute {
    name: Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    when: RawSelector,
    #[serde(default)]
    caseworkers: Vec<Spanned<String>>,
    #[serde(default)]
    alerts: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSelector {
    mechanism: Option<Spanned<Vec<Spanned<String>>>>,
    region: Option<Spanned<Vec<Spanned<String>>>>,
    immediate_danger: Option<bool>,
}

struct Checker<'t> {
    text: &'t str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn line<T>(&self, spanned: &Spanned<T>) -> usize {
        let start = spanned.span().start;
        self.text
            .get(..start)
            .map_or(0, |before| before.matches('\n').count())
            + 1
    }

    fn push(
        &mut self,
        line: Option<usize>,
        route: Option<&str>,
        field: &'static str,
        reason: RoutingReason,
    ) {
        let context = match route {
            Some(route) => format!("route `{route}`, field `{field}`"),
            None => format!("field `{field}`"),
        };
        self.problems
            .push(Problem::new(reason).at_line(line).about(context));
    }

    /// Checks a list of codes and returns it unwrapped.
    fn codes(
        &mut self,
        list: Option<Spanned<Vec<Spanned<String>>>>,
        route: &str,
        question: &'static str,
        field: &'static str,
    ) -> Option<Vec<String>> {
        let list = list?;
        if list.get_ref().is_empty() {
            let line = self.line(&list);
            self.push(Some(line), Some(route), field, RoutingReason::EmptyList);
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for code in list.into_inner() {
            let line = Some(self.line(&code));
            if let Err(err) = questions::check_code(question, code.get_ref()) {
                self.push(line, Some(route), field, err.into());
            } else if !seen.insert(code.get_ref().clone()) {
                self.push(
                    line,
                    Some(route),
                    field,
                    RoutingReason::Repeated(code.get_ref().clone()),
                );
            }
            out.push(code.into_inner());
        }
        Some(out)
    }

    /// Checks a list of names for duplicates (and, via `check`, anything else).
    fn names(
        &mut self,
        list: Vec<Spanned<String>>,
        route: &str,
        field: &'static str,
        mut check: impl FnMut(&str) -> Option<RoutingReason>,
    ) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for name in list {
            let line = Some(self.line(&name));
            if let Some(reason) = check(name.get_ref()) {
                self.push(line, Some(route), field, reason);
            } else if !seen.insert(name.get_ref().clone()) {
                self.push(
                    line,
                    Some(route),
                    field,
                    RoutingReason::Repeated(name.get_ref().clone()),
                );
            }
            out.push(name.into_inner());
        }
        out
    }
}

pub(super) fn is_valid_route_name(name: &str) -> bool {
    (1..=48).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn validate(
    raw: RawRouting,
    text: &str,
    keyring: &Keyring,
    targets: Option<&[String]>,
) -> Result<Routing, Vec<Problem>> {
    let mut checker = Checker {
        text,
        problems: Vec::new(),
    };
    let known_caseworkers: Vec<String> = keyring
        .people()
        .filter(|p| p.role == Role::Caseworker)
        .map(|p| p.name.clone())
        .collect();
    if raw.route.is_empty() {
        checker.push(None, None, "route", RoutingReason::NoRoutes);
    }
    let default_name = raw.default_route.as_ref().map(|d| d.get_ref().clone());
    let mut first_lines: HashMap<String, usize> = HashMap::new();
    let mut routes = Vec::new();
    for raw_route in raw.route {
        let name_line = checker.line(&raw_route.name);
        let name = raw_route.name.into_inner();
        if !is_valid_route_name(&name) {
            checker.push(
                Some(name_line),
                Some(&name),
                "name",
                RoutingReason::BadRouteName(name.clone()),
            );
        }
        if let Some(&first_line) = first_lines.get(&name) {
            checker.push(
                Some(name_line),
                Some(&name),
                "name",
                RoutingReason::DuplicateRoute { first_line },
            );
        } else {
            first_lines.insert(name.clone(), name_line);
        }
        let when = RouteSelector {
            mechanism: checker.codes(raw_route.when.mechanism, &name, MECHANISM, "when.mechanism"),
            region: checker.codes(raw_route.when.region, &name, REGION, "when.region"),
            immediate_danger: raw_route.when.immediate_danger,
        };
        if when.is_empty() && default_name.as_deref() != Some(name.as_str()) {
            checker.push(
                Some(name_line),
                Some(&name),
                "when",
                RoutingReason::Unreachable,
            );
        }
        if raw_route.caseworkers.is_empty() {
            checker.push(
                Some(name_line),
                Some(&name),
                "caseworkers",
                RoutingReason::NoCaseworkers,
            );
        }
        let caseworkers = checker.names(raw_route.caseworkers, &name, "caseworkers", |cw| {
            keyring.person(Role::Caseworker, cw).is_none().then(|| {
                RoutingReason::UnknownCaseworker {
                    name: cw.to_owned(),
                    known: known_caseworkers.clone(),
                }
            })
        });
        let alerts = checker.names(raw_route.alerts, &name, "alerts", |alert| {
            if alert.is_empty() || alert.trim() != alert {
                return Some(RoutingReason::BadAlertName);
            }
            let known = targets?;
            (!known.iter().any(|t| t == alert)).then(|| RoutingReason::UnknownAlertTarget {
                name: alert.to_owned(),
                known: known.to_vec(),
            })
        });
        routes.push(Route {
            name,
            description: raw_route.description,
            when,
            caseworkers,
            alerts,
        });
    }
    let default_index = match &raw.default_route {
        None => {
            checker.push(None, None, "default_route", RoutingReason::MissingDefault);
            None
        }
        Some(spanned) => {
            let index = routes.iter().position(|r| &r.name == spanned.get_ref());
            if index.is_none() && !routes.is_empty() {
                let line = checker.line(spanned);
                checker.push(
                    Some(line),
                    None,
                    "default_route",
                    RoutingReason::UnknownDefault {
                        name: spanned.get_ref().clone(),
                        routes: routes.iter().map(|r| r.name.clone()).collect(),
                    },
                );
            }
            index
        }
    };
    match default_index {
        Some(default_index) if checker.problems.is_empty() => Ok(Routing {
            routes,
            default_index,
        }),
        _ => Err(checker.problems),
    }
}

/// Where the routing file lives inside a policy directory.
pub(super) fn routing_path(dir: &Path) -> PathBuf {
    dir.join("routing.toml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyring::Person;
    use std::str::FromStr;

    const AMINA: &str = "age1q7k65ntkkg2e68lhvq0pn8fja7zv70gwdv9dq5rqrcuamnwaje5qk4myp8";
    const BRUNO_LAPTOP: &str = "age1d9t6v4wz5j64x8yzvnag5yx2236zqanh35f2a8zsfprzxqfa2gqqtn9vac";
    const BRUNO_PHONE: &str = "age1ulygr3q2fr3a0kca7lumsyl79shh5jvmedtsq04730h2rr0duc9qpefsxk";
    const CHEN: &str = "age16rgz8hr2ykwmwzyq8esufde4nu5m9wanxszysg6k0cc90flvxv2q44m6fq";
    const SR: &str = "age1lrds2zjw4mznmtf7q6qshcz5pu95arxtdn3danhdx0kkwhac83ss84zaf5";

    fn keyring() -> Keyring {
        let person = |name: &str, role, keys: &[&str]| Person {
            name: name.into(),
            role,
            recipients: keys
                .iter()
                .filter_map(|k| Recipient::from_str(k).ok())
                .collect(),
        };
        match Keyring::from_people(vec![
            person("amina", Role::Caseworker, &[AMINA]),
            person("bruno", Role::Caseworker, &[BRUNO_LAPTOP, BRUNO_PHONE]),
            person("chen", Role::Caseworker, &[CHEN]),
            person("sr-defenders", Role::Rapporteur, &[SR]),
        ]) {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        }
    }

    const EXAMPLE: &str = r#"
default_route = "general"

[[route]]
name = "urgent-protection"
description = "Someone is in immediate danger."
when = { immediate_danger = true }
caseworkers = ["amina", "bruno"]
alerts = ["protection-desk"]

[[route]]
name = "treaty-bodies"
when = { mechanism = ["treaty_body"] }
caseworkers = ["chen"]

[[route]]
name = "sp-africa"
when = { mechanism = ["special_procedures", "upr"], region = ["african"] }
caseworkers = ["bruno", "amina", "bruno"]

[[route]]
name = "general"
caseworkers = ["amina", "bruno", "chen"]
"#;

    fn parse(text: &str) -> Result<Routing, PolicyError> {
        Routing::parse(text, Path::new("policy/routing.toml"), &keyring())
    }

    fn message(text: &str) -> String {
        match parse(text) {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn selection() {
        // The example lists bruno twice in sp-africa: fix that for the selection test.
        let text = EXAMPLE.replace(r#"["bruno", "amina", "bruno"]"#, r#"["bruno", "amina"]"#);
        let routing = match parse(&text) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        let answers = |mechanism, region, immediate_danger| Answers {
            mechanism,
            region,
            immediate_danger,
        };
        let cases = [
            (answers(None, None, None), "general"),
            (answers(None, None, Some(false)), "general"),
            (answers(None, None, Some(true)), "urgent-protection"),
            (
                answers(Some("treaty_body"), Some("african"), Some(true)),
                "urgent-protection",
            ),
            (answers(Some("treaty_body"), None, None), "treaty-bodies"),
            (
                answers(Some("treaty_body"), None, Some(false)),
                "treaty-bodies",
            ),
            (answers(Some("upr"), Some("african"), None), "sp-africa"),
            (
                answers(Some("special_procedures"), Some("african"), None),
                "sp-africa",
            ),
            (
                answers(Some("special_procedures"), Some("asia_pacific"), None),
                "general",
            ),
            (answers(Some("special_procedures"), None, None), "general"),
            (answers(None, Some("african"), None), "general"),
            (answers(Some("unsure"), None, None), "general"),
            // Unknown codes never match (the HTTP layer refuses them first with Answers::check).
            (answers(Some("bogus"), None, None), "general"),
        ];
        for (answers, expected) in cases {
            assert_eq!(routing.select(&answers).name, expected, "{answers:?}");
        }
        assert_eq!(routing.default_route().name, "general");
        assert_eq!(routing.routes().len(), 4);
        assert!(routing.get("treaty-bodies").is_some() && routing.get("nope").is_none());
        let keyring = keyring();
        let urgent = routing.get("urgent-protection");
        let recipients: Vec<String> = urgent
            .map(|r| routing.recipients(r, &keyring))
            .unwrap_or_default()
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(recipients, [AMINA, BRUNO_LAPTOP, BRUNO_PHONE]);
        assert_eq!(
            routing.select(&answers(None, None, Some(true))).alerts,
            ["protection-desk"]
        );
    }

    #[test]
    fn catch_all_early_in_the_file_does_not_shadow_later_routes() {
        let routing = parse(
            r#"
default_route = "general"
[[route]]
name = "general"
caseworkers = ["amina"]
[[route]]
name = "urgent"
when = { immediate_danger = true }
caseworkers = ["bruno"]
"#,
        );
        let routing = match routing {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        let urgent = Answers {
            immediate_danger: Some(true),
            ..Answers::default()
        };
        assert_eq!(routing.select(&urgent).name, "urgent");
        assert_eq!(routing.select(&Answers::default()).name, "general");
    }

    #[test]
    fn answers_check() {
        let ok = Answers {
            mechanism: Some("upr"),
            region: Some("african"),
            immediate_danger: Some(true),
        };
        assert_eq!(ok.check(), Ok(()));
        let bad = Answers {
            region: Some("europe"),
            ..Answers::default()
        };
        assert!(bad.check().is_err_and(|e| {
            e.to_string()
                .contains("`europe` is not a known region code; allowed: african, ")
        }));
    }

    #[test]
    fn validation_errors_name_line_route_and_field() {
        let cases: &[(&str, &[&str])] = &[
            (
                "default_route = \"general\"\n[[route]]\nname = \"general\"\ncaseworkers = [\"amina\"]\nsurprise = 1\n",
                &[
                    "policy/routing.toml: TOML parse error at line 5",
                    "unknown field `surprise`",
                ],
            ),
            (
                "default_route = \"general\"\n[[route]]\nname = \"general\"\ncaseworkers = [\"amina\"]\nwhen = { mechanisms = [\"upr\"] }\n",
                &[
                    "line 5",
                    "unknown field `mechanisms`",
                    "expected one of `mechanism`, `region`, `immediate_danger`",
                ],
            ),
            (
                "default_route = \"general\"\n[[route]\n",
                &["policy/routing.toml: TOML parse error at line 2, column"],
            ),
            (
                "default_route = \"general\"\n[[route]]\nname = \"general\"\ncaseworkers = [\"amina\"]\nwhen = { mechanism = \"upr\" }\n",
                &[
                    "policy/routing.toml: TOML parse error at line 5",
                    "expected a sequence",
                ],
            ),
            (
                "",
                &[
                    "field `route`: no [[route]] tables",
                    "field `default_route`: missing",
                ],
            ),
            (
                "[[route]]\nname = \"general\"\ncaseworkers = [\"amina\"]\n",
                &["field `default_route`: missing: add `default_route = \"<name>\"`"],
            ),
            (
                "default_route = \"genral\"\n[[route]]\nname = \"general\"\ncaseworkers = [\"amina\"]\n",
                &[
                    "policy/routing.toml:1: field `default_route`: no route named `genral`; routes: general",
                ],
            ),
            (
                "default_route = \"General\"\n[[route]]\nname = \"General\"\ncaseworkers = [\"amina\"]\n",
                &[
                    "policy/routing.toml:3: route `General`, field `name`: `General` is not a valid route name: use 1-48 characters from a-z, 0-9 and '-'",
                ],
            ),
            (
                "default_route = \"a\"\n[[route]]\nname = \"a\"\ncaseworkers = [\"amina\"]\n[[route]]\nname = \"a\"\nwhen = { upr = true }\ncaseworkers = [\"amina\"]\n",
                &["unknown field `upr`"],
            ),
            (
                "default_route = \"a\"\n[[route]]\nname = \"a\"\ncaseworkers = [\"amina\"]\n[[route]]\nname = \"a\"\nwhen = { immediate_danger = true }\ncaseworkers = [\"amina\"]\n",
                &[
                    "policy/routing.toml:6: route `a`, field `name`: the name is already used by the route on line 3: route names must be unique",
                ],
            ),
            (
                "default_route = \"a\"\n[[route]]\nname = \"a\"\ncaseworkers = [\"amina\"]\n[[route]]\nname = \"b\"\nwhen = { mechanism = [\"treaty\", \"upr\", \"upr\"], region = [] }\ncaseworkers = [\"amina\"]\n",
                &[
                    "policy/routing.toml:7: route `b`, field `when.mechanism`: `treaty` is not a known mechanism code; allowed: treaty_body, special_procedures, upr, human_rights_council, ohchr, other, unsure",
                    "policy/routing.toml:7: route `b`, field `when.mechanism`: `upr` is listed twice",
                    "policy/routing.toml:7: route `b`, field `when.region`: an empty list matches nothing",
                ],
            ),
            (
                "default_route = \"a\"\n[[route]]\nname = \"a\"\ncaseworkers = [\"amina\"]\n[[route]]\nname = \"b\"\nwhen = { region = [\"europe\"] }\ncaseworkers = [\"amina\"]\n",
                &[
                    "route `b`, field `when.region`: `europe` is not a known region code; allowed: african, asia_pacific, eastern_european, latin_american_caribbean, western_european_others",
                ],
            ),
            (
                "default_route = \"a\"\n[[route]]\nname = \"a\"\ncaseworkers = [\n  \"amina\",\n  \"dave\",\n  \"sr-defenders\",\n  \"amina\",\n]\n",
                &[
                    "policy/routing.toml:6: route `a`, field `caseworkers`: no caseworker `dave` in the keyring (expected keys/caseworkers/dave.pub); known caseworkers: amina, bruno, chen",
                    "policy/routing.toml:7: route `a`, field `caseworkers`: no caseworker `sr-defenders`",
                    "policy/routing.toml:8: route `a`, field `caseworkers`: `amina` is listed twice",
                ],
            ),
            (
                "default_route = \"a\"\n[[route]]\nname = \"a\"\ncaseworkers = []\n",
                &["policy/routing.toml:3: route `a`, field `caseworkers`: no caseworkers"],
            ),
            (
                "default_route = \"a\"\n[[route]]\nname = \"a\"\n",
                &["policy/routing.toml:3: route `a`, field `caseworkers`: no caseworkers"],
            ),
            (
                "default_route = \"a\"\n[[route]]\nname = \"a\"\ncaseworkers = [\"amina\"]\nalerts = [\"desk\", \"\", \" x\", \"desk\"]\n",
                &[
                    "route `a`, field `alerts`: alert target names must be non-empty",
                    "policy/routing.toml:5: route `a`, field `alerts`: `desk` is listed twice",
                ],
            ),
            (
                "default_route = \"a\"\n[[route]]\nname = \"a\"\ncaseworkers = [\"amina\"]\n[[route]]\nname = \"b\"\ncaseworkers = [\"amina\"]\n",
                &[
                    "policy/routing.toml:6: route `b`, field `when`: no `when` and not the default_route, so this route can never be selected",
                ],
            ),
            (
                "default_route = \"a\"\n[[route]]\nname = \"a\"\ndescription = 3\ncaseworkers = [\"amina\"]\n",
                &[
                    "TOML parse error at line 4",
                    "invalid type: integer `3`, expected a string",
                ],
            ),
            (
                "default_route = \"a\"\n[[route]]\ncaseworkers = [\"amina\"]\n",
                &["TOML parse error", "missing field `name`"],
            ),
        ];
        for (text, expected) in cases {
            let message = message(text);
            for expected in *expected {
                assert!(
                    message.contains(expected),
                    "expected `{expected}` in:\n{message}\nfor:\n{text}"
                );
            }
        }
        // All problems are collected, not just the first.
        let message = message(EXAMPLE.replace("chen", "dave").as_str());
        assert!(message.contains("3 problem(s)"), "{message}");
    }
}
