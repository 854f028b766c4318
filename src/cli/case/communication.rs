//! The human-readable communication at the head of a `safehold.escalation.v2` package: what a
//! special procedures mandate considers, in the order it considers it (alleged victims,
//! alleged perpetrators, the submitting organisation, date, place and circumstances, the link
//! to cooperation with the UN, earlier UN referral), then what the Secretary-General's report
//! on reprisals needs. Headings and fixed text in English, French or Spanish, as the caseworker
//! chooses; the reporter's words stay as written, indented, with their language named, and
//! made inert (no control sequence reaches a pager or terminal).

use std::collections::BTreeMap;

use super::super::terminal_text::{inert, one_line, quoted};
use crate::envelope::{Attachment, Escalation, REDACTED};

/// Fixed text of one language.
struct Texts {
    title: &'static str,
    intro: &'static str,
    words: &'static str,
    victims: &'static str,
    perpetrators: &'static str,
    submitter: &'static str,
    submitter_note: &'static str,
    circumstances: &'static str,
    date: &'static str,
    place: &'static str,
    what: &'static str,
    cooperation: &'static str,
    prior: &'static str,
    sg: &'static str,
    scope: &'static str,
    consent_named: &'static str,
    consent_anonymous: &'static str,
    consent_note: &'static str,
    prior_document: &'static str,
    contact: &'static str,
    thread: &'static str,
    attachments: &'static str,
    attached: &'static str,
    redacted: &'static str,
    codes: &'static str,
    json: &'static str,
    yes: &'static str,
    no: &'static str,
    none: &'static str,
    not_recorded: &'static str,
}

const EN: Texts = Texts {
    title: "Communication on a case of reprisal for cooperation with the United Nations",
    intro: "Submitted through Safehold by the organisation named in section 3, which asks that its identity be kept confidential.",
    words: "In the reporter's own words (language: {lang}):",
    victims: "1. Alleged victim(s)",
    perpetrators: "2. Alleged perpetrator(s)",
    submitter: "3. Submitting organisation (confidential)",
    submitter_note: "Contact:",
    circumstances: "4. Date, place and circumstances",
    date: "Date:",
    place: "Place:",
    what: "What happened:",
    cooperation: "5. Link to cooperation with the United Nations",
    prior: "6. Already raised with a UN body",
    sg: "For the Secretary-General's annual report on reprisals",
    scope: "Scope under Human Rights Council resolution 12/2 (coded):",
    consent_named: "The reporter consents to inclusion with names:",
    consent_anonymous: "The reporter consents to anonymous inclusion:",
    consent_note: "Consent is the reporter's own record, given by them after being told the purposes and that they may change it at any time; this is the record as it stood when the package was built.",
    prior_document: "Appeared in a UN document before:",
    contact: "The reporter's contact, as given:",
    thread: "Messages exchanged with the reporter",
    attachments: "Attached files",
    attached: "Attached:",
    redacted: "Left out by the caseworker:",
    codes: "Codes (policy taxonomy)",
    json: "The same content follows in machine-readable form.",
    yes: "yes",
    no: "no",
    none: "none",
    not_recorded: "not recorded",
};

const FR: Texts = Texts {
    title: "Communication relative à un cas de représailles pour coopération avec les Nations Unies",
    intro: "Soumise par l'intermédiaire de Safehold par l'organisation nommée à la section 3, qui demande que son identité reste confidentielle.",
    words: "Dans les mots de la personne qui signale (langue : {lang}) :",
    victims: "1. Victime(s) présumée(s)",
    perpetrators: "2. Auteur(s) présumé(s)",
    submitter: "3. Organisation soumettant la communication (confidentiel)",
    submitter_note: "Contact :",
    circumstances: "4. Date, lieu et circonstances",
    date: "Date :",
    place: "Lieu :",
    what: "Les faits :",
    cooperation: "5. Lien avec la coopération avec les Nations Unies",
    prior: "6. Déjà soumis à un organe des Nations Unies",
    sg: "Pour le rapport annuel du Secrétaire général sur les représailles",
    scope: "Champ au titre de la résolution 12/2 du Conseil des droits de l'homme (codé) :",
    consent_named: "La personne consent à être mentionnée nommément :",
    consent_anonymous: "La personne consent à une mention anonyme :",
    consent_note: "Le consentement est celui de la personne elle-même, donné après avoir été informée des usages et de la possibilité de le modifier à tout moment ; il est indiqué tel qu'il était à la préparation de ce dossier.",
    prior_document: "Déjà mentionné dans un document des Nations Unies :",
    contact: "Contact de la personne, tel qu'indiqué :",
    thread: "Messages échangés avec la personne",
    attachments: "Fichiers joints",
    attached: "Pièce jointe :",
    redacted: "Omis par le chargé de dossier :",
    codes: "Codes (taxonomie)",
    json: "Le même contenu suit sous forme lisible par machine.",
    yes: "oui",
    no: "non",
    none: "aucun",
    not_recorded: "non indiqué",
};

const ES: Texts = Texts {
    title: "Comunicación sobre un caso de represalia por cooperar con las Naciones Unidas",
    intro: "Presentada a través de Safehold por la organización indicada en la sección 3, que solicita que su identidad se mantenga confidencial.",
    words: "En palabras de la persona denunciante (idioma: {lang}):",
    victims: "1. Presunta(s) víctima(s)",
    perpetrators: "2. Presunto(s) autor(es)",
    submitter: "3. Organización que presenta la comunicación (confidencial)",
    submitter_note: "Contacto:",
    circumstances: "4. Fecha, lugar y circunstancias",
    date: "Fecha:",
    place: "Lugar:",
    what: "Lo ocurrido:",
    cooperation: "5. Vínculo con la cooperación con las Naciones Unidas",
    prior: "6. Ya planteado ante un órgano de las Naciones Unidas",
    sg: "Para el informe anual del Secretario General sobre represalias",
    scope: "Ámbito según la resolución 12/2 del Consejo de Derechos Humanos (codificado):",
    consent_named: "La persona consiente en ser incluida con su nombre:",
    consent_anonymous: "La persona consiente en una inclusión anónima:",
    consent_note: "El consentimiento es el registro de la propia persona, dado tras ser informada de los usos y de que puede cambiarlo en cualquier momento; figura tal como estaba al preparar este paquete.",
    prior_document: "Apareció antes en un documento de las Naciones Unidas:",
    contact: "Contacto de la persona, tal como lo indicó:",
    thread: "Mensajes intercambiados con la persona",
    attachments: "Archivos adjuntos",
    attached: "Adjunto:",
    redacted: "Omitido por la persona encargada del caso:",
    codes: "Códigos (taxonomía)",
    json: "El mismo contenido sigue en formato legible por máquina.",
    yes: "sí",
    no: "no",
    none: "ninguno",
    not_recorded: "no consta",
};

fn texts(language: &str) -> &'static Texts {
    match language {
        "fr" => &FR,
        "es" => &ES,
        _ => &EN,
    }
}

/// The communication for `package`, addressed to `to` (the recipient's description).
/// `package.communication_language` and `package.submitter` must be set.
pub fn render(package: &Escalation, to: &str) -> String {
    let t = texts(package.communication_language.as_deref().unwrap_or("en"));
    let lang = one_line(&package.language).into_owned();
    let mut out = String::new();
    let mut line = |text: &str| {
        out.push_str(&inert(text));
        out.push('\n');
    };
    let words = |text: &str| -> String {
        let text = if text.trim().is_empty() { "-" } else { text };
        quoted(text)
    };
    let said = t.words.replace("{lang}", &lang);
    let codes_of = |fields: &[&str]| -> String {
        let found: Vec<String> = fields
            .iter()
            .filter_map(|f| {
                package
                    .codes
                    .get(*f)
                    .map(|c| format!("{f}: {}", c.join(", ")))
            })
            .collect();
        if found.is_empty() {
            t.not_recorded.to_owned()
        } else {
            found.join("; ")
        }
    };
    let f = &package.fields;
    line(t.title);
    line(&"=".repeat(t.title.chars().count()));
    line(&format!("{} {}", one_line(to), one_line(&package.case_id)));
    line("");
    line(t.intro);
    line("");
    line(t.victims);
    line(&said);
    line(&words(&f.people_affected));
    line(&codes_of(&["victim_kind", "victim_profile", "target"]));
    line("");
    line(t.perpetrators);
    line(&codes_of(&["perpetrator", "attribution"]));
    line("");
    line(t.submitter);
    if let Some(s) = &package.submitter {
        line(&format!("  {}", one_line(&s.organisation)));
        line(&format!("  {} {}", t.submitter_note, one_line(&s.contact)));
    }
    line("");
    line(t.circumstances);
    line(&codes_of(&[
        "country",
        "incident_date",
        "incident_date_precision",
    ]));
    line(&said);
    line(t.date);
    line(&words(&f.when));
    line(t.place);
    line(&words(&f.location));
    line(t.what);
    line(&words(&f.what_happened));
    line("");
    line(t.cooperation);
    line(&codes_of(&[
        "mechanism",
        "treaty_procedure",
        "cooperation_basis",
    ]));
    line(&said);
    line(&words(&f.un_engagement));
    line("");
    line(t.prior);
    line(&codes_of(&["prior_un_referral", "other_un_actors"]));
    line("");
    line(t.sg);
    line(&"-".repeat(t.sg.chars().count()));
    line(&format!("{} {}", t.scope, codes_of(&["cooperation_basis"])));
    let yes_no = |b: bool| if b { t.yes } else { t.no };
    line(&format!(
        "{} {}",
        t.consent_named,
        yes_no(package.consent.sg_report_named)
    ));
    line(&format!(
        "{} {}",
        t.consent_anonymous,
        yes_no(package.consent.sg_report_anonymous)
    ));
    line(t.consent_note);
    let in_documents: Vec<&str> = package
        .codes
        .get("prior_un_referral")
        .map(|codes| {
            codes
                .iter()
                .map(String::as_str)
                .filter(|c| matches!(*c, "sg_report" | "other_un_document" | "none"))
                .collect()
        })
        .unwrap_or_default();
    line(&format!(
        "{} {}",
        t.prior_document,
        if in_documents.is_empty() {
            t.not_recorded.to_owned()
        } else {
            in_documents.join(", ")
        }
    ));
    line("");
    line(t.contact);
    line(&words(&f.contact));
    line("");
    line(t.thread);
    if package.thread.is_empty() {
        line(&format!("  {}", t.none));
    }
    for m in &package.thread {
        line(&format!(
            "  #{} {} {}",
            m.seq,
            one_line(&m.from),
            one_line(&m.day)
        ));
        line(&quoted(&words(&m.text)));
        for a in &m.attachments {
            // At the heading's indent: the reporter's words above are indented further.
            line(&format!("  {} {}", t.attached, file_line(a)));
        }
    }
    line("");
    line(t.attachments);
    if package.all_attachments().next().is_none() {
        line(&format!("  {}", t.none));
    }
    for a in &package.attachments {
        line(&format!("  {}", file_line(a)));
    }
    for m in &package.thread {
        for a in &m.attachments {
            line(&format!("  {} (#{})", file_line(a), m.seq));
        }
    }
    if !package.redacted.is_empty() {
        line("");
        line(&format!(
            "{} {} ({REDACTED})",
            t.redacted,
            package.redacted.join(", ")
        ));
    }
    line("");
    line(t.codes);
    let codes: &BTreeMap<String, Vec<String>> = &package.codes;
    for (field, values) in codes {
        line(&format!("  {:<24} {}", one_line(field), values.join(", ")));
    }
    line("");
    line(t.json);
    out
}

/// A file on one line: name, media type, size and SHA-256.
fn file_line(a: &Attachment) -> String {
    format!(
        "{} ({}, {} bytes, sha256 {})",
        one_line(&a.name),
        one_line(&a.media_type),
        a.size,
        one_line(&a.sha256)
    )
}
