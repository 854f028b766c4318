// Progressive enhancement of the reporter pages. Without this script every page works through
// the server. With it, the report is encrypted here, in the browser, and only ciphertext, the
// lookup value leave the device (the reporter's recipient and thread key travel inside the
// ciphertext). Every message of the thread is shown only if its thread MAC verifies. Every
// visible string comes from the page (data-* attributes rendered from the server's catalogue).
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import { sha256 } from "@noble/hashes/sha2.js";
import { base64, hex } from "@scure/base";
import {
  FOLLOWUP_FORMAT,
  REPLY_FORMAT,
  attachment,
  message,
  paddedLen,
  paddedPlaintext,
  parsePadded,
  report,
} from "./envelope.js";
import { stripMetadata } from "./metadata.js";
import { deriveReceiptKeys, generateCodephrase, normalizeCodephrase, threadMac, threadMacVerifies } from "./receipt.js";
import { keyringFingerprint, selectRoute } from "./routing.js";

const $ = (id) => document.getElementById(id);

function messages() {
  return $("safehold-messages")?.dataset ?? {};
}

function say(element, text, kind) {
  element.textContent = text;
  if (kind) element.className = kind;
}

/**
 * What to tell the reporter when a request failed: the page's own translated words for what
 * the server's answer means (never the API's English sentence), else the status number.
 */
function failureText(code) {
  const text = messages();
  if (code === 429 || code >= 500) return text.errorUnavailable;
  return text.sendFailed.replace("{detail}", `HTTP ${code}`);
}

/** What to tell the reporter when the request did not reach the server at all. */
const connectionText = () => messages().connectionFailed;

/**
 * Shows the problems of a form as the server-rendered pages do: a summary at the top of the
 * form, each problem a link to its field, and the problem again beside the field, which is
 * marked invalid. `problems`: [field id, message]. An empty list clears them.
 */
function showProblems(form, problems) {
  const text = messages();
  form.querySelector(".error-summary")?.remove();
  for (const old of form.querySelectorAll("p.error[data-for]")) {
    const field = $(old.dataset.for);
    if (field) {
      field.removeAttribute("aria-invalid");
      const described = (field.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id && id !== old.id);
      if (described.length) field.setAttribute("aria-describedby", described.join(" "));
      else field.removeAttribute("aria-describedby");
    }
    old.remove();
  }
  if (problems.length === 0) return;
  const summary = element("div", null, {
    class: "error-summary",
    id: "error-summary",
    role: "alert",
    "aria-labelledby": "error-summary-title",
    tabindex: "-1",
  });
  const list = element("ul");
  for (const [id, message] of problems) {
    const item = element("li");
    item.append(element("a", message, { href: `#${id}` }));
    list.append(item);
    const field = $(id);
    if (!field) continue;
    const note = element("p", message, { class: "error", id: `${id}-error`, "data-for": id });
    field.before(note);
    field.setAttribute("aria-invalid", "true");
    const described = (field.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
    field.setAttribute("aria-describedby", [...described, note.id].join(" "));
  }
  summary.append(element("h2", text.errorSummaryTitle, { id: "error-summary-title" }), list);
  form.prepend(summary);
  summary.focus();
}

async function fetchJson(url, options) {
  const response = await fetch(url, { credentials: "omit", cache: "no-store", ...options });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return { ok: response.ok, status: response.status, body };
}

/**
 * Loads the routes and checks every key in them (each route's recipients, which is all this
 * page encrypts to, and the escalation keys) against the fingerprint this page was served with.
 */
async function loadRoutes(expectedFingerprint) {
  const { ok, body } = await fetchJson("/api/v1/routes");
  if (!ok || !body) return { error: "routesFailed" };
  let computed = null;
  try {
    computed = keyringFingerprint(body);
  } catch {
    computed = null;
  }
  if (!expectedFingerprint || computed !== expectedFingerprint || body.keyring_fingerprint !== expectedFingerprint) {
    return { error: "fingerprintMismatch" };
  }
  return { routes: body };
}

/** How many recipients every report and follow-up carries: the largest route's count. */
const recipientSlots = (routes) => Math.max(1, ...routes.routes.map((r) => r.recipients.length));

/**
 * Encrypts to the route's recipients plus fresh random ones (decoys, whose keys are dropped)
 * up to `slots`: every message then has as many stanzas as the largest route's, and neither
 * the wire nor the server's disk shows which route it took.
 */
async function sealInSlots(plaintext, recipients, slots) {
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  for (let i = recipients.length; i < slots; i++) {
    encrypter.addRecipient(await identityToRecipient(await generateX25519Identity()));
  }
  return encrypter.encrypt(plaintext);
}

/** The consent purposes, in the order of the five-character flags the server keeps. */
const CONSENT_PURPOSES = [
  ["ohchr_reprisals_team", "consent_ohchr", "consentOhchr"],
  ["named_mechanism", "consent_mechanism", "consentMechanism"],
  ["sg_report_named", "consent_sg_named", "consentSgNamed"],
  ["sg_report_anonymous", "consent_sg_anonymous", "consentSgAnonymous"],
  ["statistics", "consent_statistics", "consentStatistics"],
];

/** Consent as five `0`/`1` characters: fixed length, so the body's size does not tell it. */
// Length of every intake ticket (INTAKE_TICKET_LEN on the server).
const INTAKE_TICKET_LENGTH = 50;
const consentFlags = (consent) => CONSENT_PURPOSES.map(([purpose]) => (consent[purpose] ? "1" : "0")).join("");

/**
 * A JSON body padded with spaces to the bucket of its longest variant (src/padding.rs):
 * `shorterBy` is how much shorter this body is than the longest of its shape. Every value is
 * ASCII (base64, hex, numbers, booleans), so characters are bytes.
 */
function paddedBody(object, shorterBy = 0) {
  const json = JSON.stringify(object);
  return json + " ".repeat(paddedLen(json.length + shorterBy) - json.length);
}

function answerOf(form, name) {
  const value = form.elements[name]?.value ?? "";
  return value === "" ? null : value;
}

function dangerOf(form) {
  const chosen = form.querySelector('input[name="immediate_danger"]:checked');
  return chosen?.value === "yes" ? true : chosen?.value === "no" ? false : null;
}

async function readAttachments(form) {
  const input = form.elements.attachments;
  const strip = form.elements.strip_metadata?.checked ?? false;
  const out = [];
  for (const file of input?.files ?? []) {
    let bytes = new Uint8Array(await file.arrayBuffer());
    let stripped = false;
    if (strip) ({ bytes, stripped } = stripMetadata(bytes));
    out.push(attachment(file.name, file.type, bytes, stripped));
  }
  return out;
}

async function submitEncrypted(form, routes, status) {
  const text = messages();
  const answers = {
    mechanism: answerOf(form, "mechanism"),
    region: answerOf(form, "region"),
    immediate_danger: dangerOf(form),
  };
  const route = selectRoute(routes.routes, routes.default_route, answers);
  const fields = {};
  for (const name of ["what_happened", "when", "where", "un_engagement", "people_affected", "contact"]) {
    fields[name] = form.elements[name]?.value ?? "";
  }
  const consent = {};
  for (const [purpose, box] of CONSENT_PURPOSES) consent[purpose] = form.elements[box]?.checked === true;
  // The receipt first: the report carries the reporter's recipient and thread key.
  say(status, text.deriving, "mode");
  const codephrase = generateCodephrase();
  const keys = await deriveReceiptKeys(codephrase);
  say(status, text.encrypting, "mode");
  const envelope = report({
    language: document.documentElement.lang || "en",
    routing: answers,
    fields,
    consent,
    replyTo: { recipient: keys.recipient, thread_key: base64.encode(keys.threadKey) },
    attachments: await readAttachments(form),
  });
  const plaintext = paddedPlaintext(envelope);
  envelope.reply_to.thread_key = "";
  keys.threadKey.fill(0);
  const ciphertext = await sealInSlots(plaintext, route.recipients, recipientSlots(routes));
  plaintext.fill(0);

  // The route by its fixed-size tag, and the body padded: its length does not tell the route.
  // The consent (the same as inside the envelope) and the mechanism answer travel beside the
  // ciphertext: the server keeps and enforces them.
  const urgent = answers.immediate_danger === true;
  const ticket = form.elements.intake_ticket?.value ?? "";
  const mechanism = answers.mechanism ?? "";
  const longestMechanism = Math.max(0, ...routes.questions.mechanism.map((m) => m.length));
  const { ok, status: code, body } = await fetchJson("/api/v1/reports", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: paddedBody(
      {
        route_tag: route.tag,
        urgent,
        consent: consentFlags(consent),
        mechanism,
        ciphertext: base64.encode(ciphertext),
        receipt_verifier: base64.encode(keys.lookupKey),
        // The page's single-use ticket: it earns this report priority when the server is
        // flooded. Every ticket has the same length; a missing one is padded for.
        intake_ticket: ticket,
      },
      (urgent ? 1 : 0) +
        Math.max(0, longestMechanism - mechanism.length) +
        Math.max(0, INTAKE_TICKET_LENGTH - ticket.length),
    ),
  });
  if (!ok) {
    const tooLarge = code === 413 || body?.error?.code === "too_large";
    if (tooLarge) {
      say(status, "", "");
      showProblems(form, [["attachments", form.dataset.tooLarge]]);
    } else {
      say(status, failureText(code), "error");
    }
    return;
  }
  showReceipt(codephrase, body.id);
}

function showReceipt(codephrase, id) {
  const text = messages();
  const main = $("main");
  const add = (tag, content, attrs = {}) => {
    const element = document.createElement(tag);
    if (content) element.textContent = content;
    for (const [k, v] of Object.entries(attrs)) element.setAttribute(k, v);
    main.appendChild(element);
    return element;
  };
  // The form's list of where to turn in immediate danger, before the form is replaced.
  const contacts = document.querySelector("#urgent-contacts ul")?.cloneNode(true);
  main.replaceChildren();
  add("h1", text.submittedTitle);
  add("p", text.submittedLead);
  add("p", text.submittedMode, { class: "mode", id: "mode" });
  // Not an emergency service: where to turn now, as on the page without JavaScript.
  add("p", text.notEmergency, { id: "not-emergency", class: "urgent" });
  if (contacts) {
    contacts.id = "submitted-urgent-contacts";
    main.appendChild(contacts);
  }
  const section = add("section", null, { class: "codephrase", "aria-labelledby": "codephrase-heading" });
  for (const [tag, content, attrs] of [
    ["h2", text.codephraseHeading, { id: "codephrase-heading" }],
    ["p", codephrase, { class: "phrase", id: "codephrase", lang: "en", dir: "ltr" }],
    ["p", text.codephraseHelp, {}],
    ["p", text.codephraseWarning, { class: "warning" }],
  ]) {
    const element = document.createElement(tag);
    element.textContent = content;
    for (const [k, v] of Object.entries(attrs)) element.setAttribute(k, v);
    section.appendChild(element);
  }
  const reference = add("dl");
  const value = element("dd");
  value.append(element("bdi", id, { id: "report-id", dir: "ltr" }));
  reference.append(element("dt", text.reportIdLabel), value);
  const back = add("p");
  const link = document.createElement("a");
  link.href = `/receipt?lang=${encodeURIComponent(document.documentElement.lang || "en")}`;
  link.textContent = text.receiptLink;
  back.appendChild(link);
  main.querySelector("h1").focus?.();
}

async function enhanceIntake(form) {
  const text = messages();
  const mode = $("mode");
  const status = $("js-status");
  const loaded = await loadRoutes(form.dataset.keyringFingerprint);
  if (loaded.error === "fingerprintMismatch") {
    say(mode, text.fingerprintMismatch, "error");
    for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
    form.addEventListener("submit", (event) => event.preventDefault());
    return;
  }
  if (loaded.error) {
    // The server path still works; say so rather than block the reporter.
    say(mode, text.routesFailed, "warning");
    return;
  }
  say(mode, text.modeBrowser, "mode");
  $("strip-metadata-choice")?.removeAttribute("hidden");
  const strip = $("strip_metadata");
  if (strip) strip.disabled = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    showProblems(form, []);
    try {
      await submitEncrypted(form, loaded.routes, status);
    } catch {
      say(status, connectionText(), "error");
    } finally {
      button.disabled = false;
    }
  });
}

/** A reply opened here: its text and files, or null when it does not open. */
async function openReply(identity, ciphertextB64) {
  try {
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    const plaintext = await decrypter.decrypt(base64.decode(ciphertextB64), "uint8array");
    const reply = parsePadded(plaintext, REPLY_FORMAT);
    plaintext.fill(0);
    if (typeof reply?.text !== "string") return null;
    return { text: reply.text, attachments: Array.isArray(reply.attachments) ? reply.attachments : [] };
  } catch {
    return null;
  }
}

/**
 * A reply's files as download links, each a Blob of its bytes held in this page's memory.
 * The name is shown as text and offered as the download name; the type is forced to
 * octet-stream so the browser saves the file instead of opening it in the page's origin.
 */
function replyFiles(attachments) {
  const list = element("ul", null, { class: "reply-attachments" });
  for (const a of attachments) {
    let bytes;
    try {
      bytes = base64.decode(a.data);
    } catch {
      continue;
    }
    const name = String(a.name ?? "attachment");
    const url = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
    const link = element("a", name, { href: url, download: name });
    const item = element("li");
    item.append(link, document.createTextNode(` (${bytes.length} B)`));
    list.append(item);
  }
  return list;
}

function element(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

async function showThread(receipt, keys, verifier, fingerprint) {
  const text = messages();
  const main = $("main");
  main.replaceChildren();
  main.append(element("h1", text.statusTitle));
  const facts = element("dl");
  const reference = element("dd");
  reference.append(element("bdi", receipt.id, { id: "report-id", dir: "ltr" }));
  const received = element("dd");
  received.append(element("time", receipt.received_day, { dir: "ltr", datetime: receipt.received_day }));
  facts.append(
    element("dt", text.reportIdLabel),
    reference,
    element("dt", text.statusLabel),
    element("dd", text[`status_${receipt.status}`] ?? receipt.status, { id: "status" }),
    element("dt", text.receivedLabel),
    received,
  );
  main.append(facts, element("p", text.receiptDerivation, { class: "mode", id: "receipt-mode" }));
  const thread = element("section", null, { "aria-labelledby": "thread-heading" });
  thread.append(element("h2", text.threadHeading, { id: "thread-heading" }));
  if (receipt.messages.length === 0) thread.append(element("p", text.threadEmpty, { id: "thread-empty" }));
  const list = element("ol", null, { class: "thread", id: "thread" });
  let expected = 1;
  for (const m of receipt.messages) {
    // A missing position is a message someone removed (src/domain/thread_gaps.rs).
    if (m.seq > expected) {
      const gap = element("li", null, { class: "forged" });
      gap.append(
        element("p", text.threadFromUnknown, { class: "meta" }),
        element("p", text.threadMissing.replace("{count}", String(m.seq - expected)), { class: "warning", role: "alert" }),
      );
      list.append(gap);
    }
    expected = Math.max(expected, m.seq + 1);
    const item = element("li");
    if (!verifies(keys.threadKey, m)) {
      // Not written by the reporter or the route's caseworkers: never shown as their words.
      item.className = "forged";
      item.append(
        meta(text.threadFromUnknown, m.day),
        element("p", text.threadForged, { class: "warning", role: "alert" }),
      );
      list.append(item);
      continue;
    }
    const reply = m.from === "reporter" ? null : await openReply(keys.identity, m.ciphertext);
    const body = m.from === "reporter" ? text.threadFollowupSealed : (reply?.text ?? text.threadUnreadable);
    const from = m.from === "reporter" ? text.threadFromYou : text.threadFromCaseworker;
    item.append(meta(from, m.day), element("p", body, { class: "text" }));
    if (reply?.attachments.length) item.append(replyFiles(reply.attachments));
    list.append(item);
  }
  thread.append(list);
  main.append(thread);
  main.append(followupForm(receipt, keys, verifier, fingerprint));
  main.append(consentForm(receipt, verifier));
}

/** A thread message's author and day, the day kept left to right in any language. */
function meta(from, day) {
  const line = element("p", `${from} · `, { class: "meta" });
  line.append(element("time", day, { dir: "ltr", datetime: day }));
  return line;
}

/** The reporter's consent, changeable at any time; the server is told the whole new record. */
function consentForm(receipt, verifier) {
  const text = messages();
  const section = element("section", null, { "aria-labelledby": "consent-heading" });
  const form = element("form", null, { id: "consent-form" });
  const status = element("p", null, { id: "consent-status", role: "status", "aria-live": "polite" });
  form.append(element("p", text.consentChangeHelp, { class: "help" }));
  for (const [purpose, box, label] of CONSENT_PURPOSES) {
    const row = element("div", null, { class: "check" });
    const input = element("input", null, { type: "checkbox", id: box, name: box, value: "yes" });
    input.checked = receipt.consent?.[purpose] === true;
    row.append(input, element("label", text[label], { for: box }));
    form.append(row);
  }
  form.append(status, element("button", text.consentChangeSubmit, { type: "submit", class: "primary" }));
  section.append(element("h2", text.consentChangeHeading, { id: "consent-heading" }), form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const consent = {};
      for (const [purpose, box] of CONSENT_PURPOSES) consent[purpose] = form.elements[box].checked;
      const { ok, status: code, body } = await fetchJson("/api/v1/receipt/consent", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: paddedBody({ receipt_verifier: verifier, consent: consentFlags(consent) }),
      });
      if (!ok) {
        say(status, failureText(code), "error");
        return;
      }
      say(status, text.consentSaved, "mode");
    } catch {
      say(status, connectionText(), "error");
    } finally {
      button.disabled = false;
    }
  });
  return section;
}

/** Whether a thread message's MAC verifies: replies are hashed here, follow-ups by digest. */
function verifies(threadKey, m) {
  try {
    const side = m.from === "reporter" ? "reporter" : "caseworker";
    const digest = m.from === "reporter" ? hex.decode(m.ciphertext_sha256) : sha256(base64.decode(m.ciphertext));
    const mac = m.thread_mac ? base64.decode(m.thread_mac) : null;
    return threadMacVerifies(threadKey, side, m.seq, digest, mac);
  } catch {
    return false;
  }
}

/** Posts a follow-up at the next place in the thread; if a reply took it first, the next. */
async function postFollowup(keys, verifier, ciphertext, firstSeq) {
  const digest = sha256(ciphertext);
  let seq = firstSeq;
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = await fetchJson("/api/v1/receipt/followups", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: paddedBody({
        receipt_verifier: verifier,
        ciphertext: base64.encode(ciphertext),
        seq,
        thread_mac: base64.encode(threadMac(keys.threadKey, "reporter", seq, digest)),
      }),
    });
    if (result.body?.error?.code !== "thread_changed") return result;
    const again = await fetchJson("/api/v1/receipt", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ receipt_verifier: verifier }),
    });
    if (!again.ok) return again;
    seq = nextSeq(again.body.messages);
  }
  return { ok: false, status: 409, body: null };
}

const nextSeq = (messages) => (messages.length === 0 ? 1 : messages[messages.length - 1].seq + 1);

function followupForm(receipt, keys, verifier, fingerprint) {
  const text = messages();
  const section = element("section", null, { "aria-labelledby": "followup-heading" });
  const form = element("form", null, { id: "followup-form" });
  const status = element("p", null, { id: "followup-status", role: "status", "aria-live": "polite" });
  form.append(
    element("label", text.followupLabel, { for: "followup-text" }),
    element("textarea", null, { id: "followup-text", name: "text", rows: "5" }),
    element("label", text.attachmentsLabel, { for: "followup-attachments" }),
    element("input", null, { type: "file", id: "followup-attachments", name: "attachments", multiple: "" }),
    element("p", text.modeBrowser, { class: "mode" }),
    status,
    element("button", text.followupSubmit, { type: "submit", class: "primary" }),
  );
  section.append(element("h2", text.followupHeading, { id: "followup-heading" }), form);
  let next = nextSeq(receipt.messages);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const loaded = await loadRoutes(fingerprint);
      if (loaded.error) {
        say(status, text[loaded.error], "error");
        return;
      }
      const route = loaded.routes.routes.find((r) => r.name === receipt.route);
      if (!route) {
        say(status, text.routesFailed, "error");
        return;
      }
      const files = [];
      for (const file of form.elements.attachments.files ?? []) {
        const { bytes, stripped } = stripMetadata(new Uint8Array(await file.arrayBuffer()));
        files.push(attachment(file.name, file.type, bytes, stripped));
      }
      const words = form.elements.text.value;
      if (!words.trim() && files.length === 0) {
        say(status, text.followupEmpty, "error");
        return;
      }
      say(status, text.encrypting, "mode");
      const plaintext = paddedPlaintext(message(FOLLOWUP_FORMAT, document.documentElement.lang || "en", words, files));
      const ciphertext = await sealInSlots(plaintext, route.recipients, recipientSlots(loaded.routes));
      plaintext.fill(0);
      const { ok, status: code, body } = await postFollowup(keys, verifier, ciphertext, next);
      if (!ok) {
        say(status, failureText(code), "error");
        return;
      }
      next = body.seq + 1;
      form.elements.text.value = "";
      form.elements.attachments.value = "";
      say(status, text.followupSent, "mode");
    } catch {
      say(status, connectionText(), "error");
    } finally {
      button.disabled = false;
    }
  });
  return section;
}

async function enhanceReceipt(form) {
  const text = messages();
  const status = $("js-status");
  say($("receipt-mode"), text.receiptDerivation, "mode");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const parsed = normalizeCodephrase(form.elements.codephrase.value);
    showProblems(form, []);
    if (parsed.error) {
      const e = parsed.error;
      const message =
        e.kind === "unknown_word"
          ? text.codephraseUnknownWord.replace("{position}", e.position)
          : text.codephraseWordCount.replace("{found}", e.found);
      say(status, "", "");
      showProblems(form, [["codephrase", message]]);
      return;
    }
    say(status, text.deriving, "mode");
    const keys = await deriveReceiptKeys(parsed.codephrase);
    const verifier = base64.encode(keys.lookupKey);
    const { ok, status: code, body } = await fetchJson("/api/v1/receipt", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ receipt_verifier: verifier }),
    });
    if (!ok) {
      say(status, "", "");
      showProblems(form, [["codephrase", code === 404 ? text.notFound : failureText(code)]]);
      return;
    }
    await showThread(body, keys, verifier, form.dataset.keyringFingerprint);
  });
}

/** Called by boot.js once this bundle has loaded (and passed its integrity check). */
export function start() {
  const intake = $("report-form");
  if (intake) enhanceIntake(intake);
  const receipt = $("receipt-form");
  if (receipt) enhanceReceipt(receipt);
}
