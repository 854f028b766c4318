//! The reporter's consent record (invariant 8): changed only by the reporter, from the receipt
//! page with JavaScript (`POST /api/v1/receipt/consent`, authenticated by the receipt
//! verifier) or without (`POST /receipt/consent`, authenticated by the page's single-use
//! token bound to the browser); read and narrowed, never widened, by the case's caseworkers.
//!
//! A change by the reporter alerts the route: "consent changed", never which way. A
//! withdrawal takes effect at once, because escalations and statistics read the current record.

use std::collections::HashMap;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_csrf::CsrfToken;
use serde::Deserialize;

use super::AppState;
use super::failure::{ApiError, PageError};
use super::followup_token;
use super::json::ApiJson;
use super::pages::{MessagePage, render};
use super::reporter_api::{consent_flags, no_such_receipt, receipt_view};
use super::staff::{Staff, no_such_case};
use super::traffic::Traffic;
use crate::audit::Action;
use crate::domain::{AlertKind, Consent, Purpose};
use crate::i18n::Lang;
use crate::store::{AlertEvent, Audit, ConsentOutcome, StoreError};
use crate::wire::{ConsentChangeRequest, ConsentChangeView, ConsentView, NarrowConsentRequest};

/// `POST /api/v1/receipt/consent`, `POST /receipt/consent`, `GET /api/v1/cases/{id}/consent`,
/// `POST /api/v1/cases/{id}/consent/narrow`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    Router::new()
        .merge(traffic.api(Router::new().route("/api/v1/receipt/consent", post(reporter_api))))
        .merge(traffic.form(Router::new().route("/receipt/consent", post(reporter_form))))
        .merge(
            traffic.page(
                Router::new()
                    .route("/api/v1/cases/{id}/consent", get(case_consent))
                    .route("/api/v1/cases/{id}/consent/narrow", post(narrow)),
            ),
        )
}

/// A case's record and its changes, as clients see them; with `audit`, the read is audited
/// (staff reads are).
async fn consent_view(
    state: &AppState,
    case_id: &str,
    audit: Option<Audit<'_>>,
) -> Result<Option<ConsentView>, StoreError> {
    let (record, changes) = match audit {
        Some(audit) => match state.store().read_consent(case_id, audit).await? {
            Some(found) => found,
            None => return Ok(None),
        },
        None => match state.store().consent(case_id).await? {
            Some(record) => (record, state.store().consent_changes(case_id).await?),
            None => return Ok(None),
        },
    };
    let changes = changes
        .into_iter()
        .map(|c| ConsentChangeView {
            day: c.day,
            changed_by: c.changed_by,
            consent: c.consent,
        })
        .collect();
    Ok(Some(ConsentView {
        case_id: case_id.to_owned(),
        consent: record.consent,
        mechanism: record.mechanism,
        changes,
    }))
}

/// Stores the reporter's new record and, when it changed, alerts the case's route.
async fn reporter_sets(
    state: &AppState,
    case_id: &str,
    route: &str,
    consent: Consent,
) -> Result<ConsentOutcome, StoreError> {
    let targets = state
        .route(route)
        .map(|r| r.alerts.clone())
        .unwrap_or_default();
    let alert = AlertEvent {
        kind: AlertKind::ConsentChange,
        route,
        targets: &targets,
    };
    state
        .store()
        .reporter_sets_consent(case_id, consent, alert)
        .await
}

/// `POST /api/v1/receipt/consent`: the reporter's whole new record, with JavaScript.
async fn reporter_api(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ConsentChangeRequest>,
) -> Result<Json<ConsentView>, ApiError> {
    let consent = consent_flags(&request.consent)?;
    let view = receipt_view(&state, &request.receipt_verifier).await?;
    match reporter_sets(&state, &view.public_id, &view.route, consent)
        .await
        .map_err(ApiError::not_stored)?
    {
        ConsentOutcome::Recorded(_) => {}
        ConsentOutcome::NoCase | ConsentOutcome::Widens(_) => return Err(no_such_receipt()),
    }
    consent_view(&state, &view.public_id, None)
        .await?
        .map(Json)
        .ok_or_else(no_such_receipt)
}

/// The receipt page's consent form: its token and one box per purpose (ticked: `yes`), named
/// [`Purpose::form_field`].
#[derive(Deserialize)]
pub struct ConsentForm {
    authenticity_token: String,
    receipt_token: String,
    #[serde(flatten)]
    boxes: HashMap<String, String>,
}

impl ConsentForm {
    /// The record the boxes say; a box is ticked only as `yes`, as on the report form.
    fn consent(&self, lang: &Lang) -> Result<Consent, PageError> {
        let ticked =
            |purpose: Purpose| match self.boxes.get(&purpose.form_field()).map(String::as_str) {
                None => Ok(false),
                Some("yes") => Ok(true),
                Some(_) => Err(PageError::new(
                    StatusCode::BAD_REQUEST,
                    lang,
                    "error-bad-form",
                    &[(
                        "detail",
                        "a consent box may only be ticked (yes)".to_owned(),
                    )],
                )),
            };
        let mut allowed = Vec::new();
        for purpose in Purpose::ALL {
            if ticked(*purpose)? {
                allowed.push(*purpose);
            }
        }
        Ok(Consent::allowing(&allowed))
    }
}

/// `POST /receipt/consent`: the reporter's whole new record, without JavaScript. The page's
/// token names the case, is bound to this browser and is good once.
async fn reporter_form(
    State(state): State<AppState>,
    lang: Lang,
    token: CsrfToken,
    form: Result<Form<ConsentForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = PageError::checked_form(
        form,
        &token,
        |f| f.authenticity_token.as_str(),
        &lang,
        "/receipt",
    )?;
    let expired = || {
        PageError::new(StatusCode::FORBIDDEN, &lang, "error-followup-expired", &[])
            .back_to("/receipt")
    };
    let browser = token.authenticity_token().map_err(|_| expired())?;
    let verified = followup_token::verify(
        state.secrets().receipt_token_key(),
        &form.receipt_token,
        &browser,
    )
    .ok_or_else(expired)?;
    let consent = form.consent(&lang).map_err(|e| e.back_to("/receipt"))?;
    // A replayed form (the back button, a second tab) changes nothing.
    let spent = state
        .store()
        .spend_followup_token(&verified.spent_id)
        .await
        .map_err(|e| PageError::not_stored(e, &lang))?;
    if !spent {
        return Err(
            PageError::new(StatusCode::CONFLICT, &lang, "error-consent-used", &[])
                .back_to("/receipt"),
        );
    }
    let not_found =
        || PageError::new(StatusCode::NOT_FOUND, &lang, "not-found-text", &[]).back_to("/receipt");
    let report = state
        .store()
        .report(&verified.case_id)
        .await
        .map_err(|e| PageError::not_read(e, &lang))?
        .ok_or_else(not_found)?;
    match reporter_sets(&state, &report.public_id, &report.route, consent)
        .await
        .map_err(|e| PageError::not_stored(e, &lang))?
    {
        ConsentOutcome::Recorded(_) => {}
        ConsentOutcome::NoCase | ConsentOutcome::Widens(_) => return Err(not_found()),
    }
    let page = MessagePage::new(
        &lang,
        "/receipt",
        lang.t("consent-saved-title"),
        lang.t("consent-saved-text"),
        lang.t("receipt-link"),
    );
    Ok((StatusCode::OK, render(&page)).into_response())
}

/// `GET /api/v1/cases/{id}/consent`: the reporter's record and its changes.
async fn case_consent(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<ConsentView>, ApiError> {
    let staff = staff.caseworker()?;
    let case = staff.own_case(&state, &id).await?;
    let actor = staff.actor();
    consent_view(
        &state,
        &case.public_id,
        Some(Audit::new(&actor, Action::ReadCodes)),
    )
    .await?
    .map(Json)
    .ok_or_else(no_such_case)
}

/// `POST /api/v1/cases/{id}/consent/narrow`: a caseworker records purposes as refused (the
/// reporter said so in the thread, say). Nothing here can allow anything.
async fn narrow(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<NarrowConsentRequest>,
) -> Result<Json<ConsentView>, ApiError> {
    let staff = staff.caseworker()?;
    let case = staff.own_case(&state, &id).await?;
    let current = state
        .store()
        .consent(&case.public_id)
        .await?
        .ok_or_else(no_such_case)?;
    let mut narrowed = current.consent;
    for purpose in &request.withdraw {
        narrowed.withdraw(*purpose);
    }
    let actor = staff.actor();
    match state
        .store()
        .caseworker_narrows_consent(
            &case.public_id,
            narrowed,
            Audit::new(&actor, Action::Consent),
        )
        .await
        .map_err(ApiError::not_stored)?
    {
        ConsentOutcome::Recorded(_) => {}
        ConsentOutcome::NoCase => return Err(no_such_case()),
        // The record changed between the read and the write (the reporter withdrew, say).
        ConsentOutcome::Widens(purposes) => return Err(cannot_widen(&purposes)),
    }
    consent_view(&state, &case.public_id, None)
        .await?
        .map(Json)
        .ok_or_else(no_such_case)
}

/// The refusal of any attempt by staff to allow what the reporter did not.
pub fn cannot_widen(purposes: &[Purpose]) -> ApiError {
    let names: Vec<&str> = purposes.iter().map(|p| p.as_str()).collect();
    ApiError::forbidden(format!(
        "consent is the reporter's: a caseworker can narrow it, never widen it ({} not allowed by the reporter); ask the reporter, who can change it on their receipt page",
        names.join(", ")
    ))
}
