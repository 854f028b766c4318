// The safehold.report.v1 envelope, built exactly as the server builds it (docs/envelope.md):
// objects in a fixed key order, JSON.stringify (which escapes like serde_json for valid
// UTF-8), CRLF and lone CR turned into LF, then padded with spaces to its Padmé bucket.
import { sha256 } from "@noble/hashes/sha2.js";
import { base64, hex } from "@scure/base";

export const REPORT_FORMAT = "safehold.report.v1";
export const MIN_BUCKET = 8 * 1024;

/** Padmé (Nikitin et al., PETS 2019): leaks O(log log L) bits of the length. */
export function padme(length) {
  if (length < 2) return length;
  const e = Math.floor(Math.log2(length));
  const s = Math.floor(Math.log2(e)) + 1;
  const step = 2 ** (e - s);
  return Math.ceil(length / step) * step;
}

export const paddedLen = (length) => Math.max(MIN_BUCKET, padme(length));

const lf = (text) => text.replace(/\r\n?/g, "\n");

/** An attachment entry; `bytes` is a Uint8Array. */
export function attachment(name, mediaType, bytes, metadataStripped) {
  return {
    name,
    media_type: mediaType || "application/octet-stream",
    sha256: hex.encode(sha256(bytes)),
    size: bytes.length,
    data: base64.encode(bytes),
    metadata_stripped: metadataStripped,
  };
}

/** The envelope object, keys in canonical order. */
export function report({ language, channel = "browser", routing = {}, fields = {}, consent = {}, replyTo, attachments = [] }) {
  const field = (name) => lf(fields[name] ?? "");
  return {
    format: REPORT_FORMAT,
    language,
    channel,
    routing: {
      mechanism: routing.mechanism ?? null,
      region: routing.region ?? null,
      immediate_danger: routing.immediate_danger ?? null,
    },
    fields: {
      what_happened: field("what_happened"),
      when: field("when"),
      where: field("where"),
      un_engagement: field("un_engagement"),
      people_affected: field("people_affected"),
      contact: field("contact"),
    },
    consent: {
      ohchr_reprisals_team: !!consent.ohchr_reprisals_team,
      named_mechanism: !!consent.named_mechanism,
      sg_report_named: !!consent.sg_report_named,
      sg_report_anonymous: !!consent.sg_report_anonymous,
      statistics: !!consent.statistics,
    },
    reply_to: { recipient: replyTo.recipient, thread_key: replyTo.thread_key },
    attachments,
  };
}

/** Canonical UTF-8 bytes of an envelope object. */
export const canonicalJson = (envelope) => new TextEncoder().encode(JSON.stringify(envelope));

/** Canonical bytes padded with ASCII spaces to the bucket: still valid JSON. */
export function paddedPlaintext(envelope) {
  const json = canonicalJson(envelope);
  const out = new Uint8Array(paddedLen(json.length));
  out.set(json);
  out.fill(0x20, json.length);
  json.fill(0);
  return out;
}

export const REPLY_FORMAT = "safehold.reply.v1";
export const FOLLOWUP_FORMAT = "safehold.followup.v1";

/** A reply or follow-up (src/envelope/message.rs), keys in canonical order. */
export function message(format, language, text, attachments = []) {
  return { format, language, text: lf(text), attachments };
}

/** Parses a decrypted, padded document of the expected format; null if it is not one. */
export function parsePadded(bytes, format) {
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/ +$/, "");
  const document = JSON.parse(text);
  return document?.format === format ? document : null;
}
