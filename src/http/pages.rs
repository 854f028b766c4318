//! The reporter pages' templates (askama, compiled and checked at build time).
//! Every visible string comes from the message catalogue through `lang`.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use crate::i18n::Lang;
use crate::policy::organisation::UrgentContact;

/// Renders a template as HTML. Templates are checked at compile time, so a failure here is a
/// bug; the reporter still gets a page that says nothing was lost.
pub fn render<T: Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            page_not_rendered()
        }
    }
}

/// The answer when a page's template fails to render (a bug: templates are checked at build
/// time). Static HTML, since rendering is what failed; it says nothing was lost.
pub fn page_not_rendered() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(axum::http::header::CONTENT_LANGUAGE, "en")],
        Html(
            "<!doctype html><html lang=\"en\"><title>Safehold</title><p>The page could not be shown. Please try again.</p>",
        ),
    )
        .into_response()
}

/// A message of the thread as shown to its reporter.
pub struct ThreadEntry {
    /// "You" or "A caseworker".
    pub from: String,
    /// Day it was added.
    pub day: String,
    /// The reply's words, or a note for the reporter's own sealed follow-ups, or the
    /// warning that replaces a message whose thread MAC does not verify.
    pub text: String,
    /// The message failed verification: `text` is a warning, shown as one.
    pub forged: bool,
    /// Files a caseworker sent with a reply, each a link that downloads it from the page
    /// itself (the page without JavaScript has no other way to hand them over).
    pub files: Vec<ThreadFile>,
}

/// A file of a reply, inlined in the page as a `data:` link that downloads it.
pub struct ThreadFile {
    /// The file name the caseworker gave (escaped in the page; the browser cleans it for the
    /// file system when it saves).
    pub name: String,
    /// `data:application/octet-stream;base64,…`: never shown by the browser, only saved.
    pub href: String,
    /// Its size, for people ("12 KB").
    pub size: String,
}

/// The parts every page's frame (`base.html`) needs.
pub struct Frame {
    /// Language of the page.
    pub lang: Lang,
    /// Where the language selector submits to: the page itself.
    pub self_path: &'static str,
    /// The keyring fingerprint in the footer; every reporter page that knows the server's
    /// state shows it.
    pub keyring: Option<KeyringNotice>,
    /// Who runs the service and what happens next (`organisation.toml`).
    pub organisation: Option<OrganisationNotice>,
}

impl Frame {
    /// The frame of the page at `self_path`, with who runs the service as the request being
    /// answered knows it (every reporter page, error pages included, says it).
    pub fn new(lang: &Lang, self_path: &'static str) -> Frame {
        Frame {
            lang: lang.clone(),
            self_path,
            keyring: None,
            organisation: super::organisation::current().map(|o| OrganisationNotice::new(lang, &o)),
        }
    }

    /// The same frame, with the keyring fingerprint and where to compare it in the footer.
    pub fn showing_keyring(mut self, state: &AppState) -> Frame {
        self.keyring = Some(KeyringNotice::new(&self.lang, state));
        self
    }
}

/// The footer's keyring fingerprint: its short form, and where the organisation publishes it,
/// so a reporter can notice a server that swapped in its own keys.
pub struct KeyringNotice {
    /// Five groups of four hex digits (80 bits).
    pub short: String,
    /// Where to compare it, or that this is a demo, or that the organisation has not said.
    pub where_published: String,
}

impl KeyringNotice {
    fn new(lang: &Lang, state: &AppState) -> KeyringNotice {
        let where_published = if state.runs_on_demo_keys() {
            lang.t("keyring-published-demo")
        } else if let Some(place) = state.keyring_published_at() {
            lang.t_with("keyring-published-at", &[("where", place.to_owned())])
        } else {
            lang.t("keyring-published-unsaid")
        };
        KeyringNotice {
            short: state.keyring_fingerprint().short(),
            where_published,
        }
    }
}

/// Who runs the service, what happens next and how soon to check back (every page), and where
/// to turn in immediate danger (the pages that ask about it), from `organisation.toml`.
pub struct OrganisationNotice {
    /// "This service is run by …".
    pub run_by: String,
    /// What happens to a report, and after how many days to look for an answer.
    pub next: String,
    /// Where someone in immediate danger turns now, in the operator's order.
    pub urgent_contacts: Vec<UrgentContact>,
}

impl OrganisationNotice {
    fn new(lang: &Lang, organisation: &crate::policy::Organisation) -> OrganisationNotice {
        let name = [("organisation", organisation.name.clone())];
        OrganisationNotice {
            run_by: lang.t_with("organisation-run-by", &name),
            next: lang.t_counted(
                "organisation-next",
                ("days", u64::from(organisation.check_back_days)),
                &name,
            ),
            urgent_contacts: organisation.urgent_contacts.clone(),
        }
    }
}

/// Generates the fields every page shares, so `base.html` can read `lang` and `self_path`
/// directly.
macro_rules! page {
    ($(#[$meta:meta])* $name:ident, $path:literal { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Template)]
        #[template(path = $path)]
        pub struct $name {
            /// Language of the page.
            pub lang: Lang,
            /// The page's own path, for the language selector.
            pub self_path: &'static str,
            /// The keyring fingerprint for the footer, if the page shows it.
            pub keyring: Option<KeyringNotice>,
            /// Who runs the service and what happens next.
            pub organisation: Option<OrganisationNotice>,
            $($(#[$fmeta])* pub $field: $ty,)*
        }
        impl $name {
            #[allow(clippy::too_many_arguments)]
            /// Builds the page inside its frame.
            pub fn framed(frame: Frame, $($field: $ty),*) -> Self {
                $name { lang: frame.lang, self_path: frame.self_path, keyring: frame.keyring, organisation: frame.organisation, $($field),* }
            }
        }
    };
}

page!(
    /// The report form.
    IntakePage, "intake.html" {
        /// Token for the CSRF double submit.
        csrf_token: String,
        /// The single-use intake ticket that earns this form's report priority in a flood.
        intake_ticket: String,
        /// Mechanism choices: (code, label).
        mechanisms: Vec<(&'static str, String)>,
        /// Region choices: (code, label).
        regions: Vec<(&'static str, String)>,
        /// "Up to 25 MB in total."
        attachments_help: String,
        /// What the page's script says when the server refuses the files as too large.
        too_large: String,
        /// The keyring fingerprint the page's script checks `/api/v1/routes` against.
        keyring_fingerprint: String,
    }
);

page!(
    /// The receipt shown once after a no-JavaScript submission.
    SubmittedPage, "submitted.html" {
        /// "Only the caseworkers of the X team can read it."
        submitted_lead: String,
        /// The codephrase: shown once, never stored.
        codephrase: String,
        /// The report's public id.
        public_id: String,
    }
);

page!(
    /// The codephrase entry form.
    ReceiptPage, "receipt.html" {
        /// Token for the CSRF double submit.
        csrf_token: String,
        /// A problem with the codephrase entered, shown next to the field.
        error: Option<String>,
        /// The words as the reporter typed them, put back in the field after a problem.
        typed: String,
        /// The keyring fingerprint the page's script checks before encrypting a follow-up.
        keyring_fingerprint: String,
    }
);

page!(
    /// A report's status, for its reporter.
    StatusPage, "status.html" {
        /// The report's public id.
        public_id: String,
        /// Translated status.
        status: String,
        /// The day it arrived.
        received_day: String,
        /// The thread, replies decrypted for this request.
        thread: Vec<ThreadEntry>,
        /// Token for the CSRF double submit (follow-up form).
        csrf_token: String,
        /// Signed token naming the case, for the follow-up form.
        followup_token: String,
        /// The reporter's thread key sealed for this page's follow-up form.
        sealed_thread_key: String,
        /// The reporter's current consent record, for the consent form.
        consent: crate::domain::Consent,
        /// Signed single-use token naming the case, for the consent form.
        consent_token: String,
    }
);

page!(
    /// A one-message page: errors and notices.
    MessagePage, "message.html" {
        /// Page heading.
        title: String,
        /// The message.
        message: String,
        /// Link label back.
        back_label: String,
        /// Link target back.
        back_href: &'static str,
    }
);

impl MessagePage {
    /// A message page with a link back.
    pub fn new(
        lang: &Lang,
        back_href: &'static str,
        title: String,
        message: String,
        back_label: String,
    ) -> Self {
        MessagePage::framed(
            Frame::new(lang, back_href),
            title,
            message,
            back_label,
            back_href,
        )
    }
}
