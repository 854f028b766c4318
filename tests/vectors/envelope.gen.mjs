// Independent reference for tests/vectors/envelope.json, in JavaScript as the browser will do
// it: JSON.stringify over objects built in the fixed key order, CRLF/CR → LF, Padmé.
// Run: node tests/vectors/envelope.gen.mjs > tests/vectors/envelope.json
// The Rust test (src/envelope/vectors.rs) checks the committed file; it never regenerates it.
import { createHash } from "node:crypto";

const MIN_BUCKET = 8 * 1024;
function padme(L) {
  if (L < 2) return L;
  const E = Math.floor(Math.log2(L));
  const S = Math.floor(Math.log2(E)) + 1;
  const z = E - S;
  const m = 2 ** z;
  return Math.ceil(L / m) * m;
}
const paddedLen = (n) => Math.max(MIN_BUCKET, padme(n));
const nl = (s) => s.replace(/\r\n?/g, "\n");
const sha256 = (b) => createHash("sha256").update(b).digest("hex");

function attachment(name, media_type, bytes, metadata_stripped) {
  const data = Buffer.from(bytes);
  return { name, media_type, sha256: sha256(data), size: data.length, data: data.toString("base64"), metadata_stripped };
}

// A real receipt's reply channel (the first vector of tests/vectors/receipt.json).
const REPLY_TO = {
  recipient: "age1ykgcprxfmrja9vs0mvsry7r7h3advtzf6lwrpq768hjtr2hklq6sracqls",
  thread_key: Buffer.from("40833d0d20647548b482cc78c696ce1c95eaffad64a6b400b67b763ea0498744", "hex").toString("base64"),
};

function report({ language = "en", channel = "browser", routing = {}, fields = {}, consent = {}, replyTo = REPLY_TO, attachments = [] }) {
  return {
    format: "safehold.report.v1",
    language,
    channel,
    routing: {
      mechanism: routing.mechanism ?? null,
      region: routing.region ?? null,
      immediate_danger: routing.immediate_danger ?? null,
    },
    fields: {
      what_happened: fields.what_happened ?? "",
      when: fields.when ?? "",
      where: fields.where ?? "",
      un_engagement: fields.un_engagement ?? "",
      people_affected: fields.people_affected ?? "",
      contact: fields.contact ?? "",
    },
    consent: {
      ohchr_reprisals_team: consent.ohchr_reprisals_team ?? false,
      named_mechanism: consent.named_mechanism ?? false,
      sg_report_named: consent.sg_report_named ?? false,
      sg_report_anonymous: consent.sg_report_anonymous ?? false,
      statistics: consent.statistics ?? false,
    },
    reply_to: { recipient: replyTo.recipient, thread_key: replyTo.thread_key },
    attachments,
  };
}

function normalised(input) {
  const out = structuredClone(input);
  for (const k of Object.keys(out.fields)) out.fields[k] = nl(out.fields[k]);
  return out;
}

const bytes256 = Array.from({ length: 256 }, (_, i) => i);
const big = Array.from({ length: 10000 }, (_, i) => (i * 7919) % 256);

const cases = [
  ["minimal", report({})],
  ["all fields and consent", report({
    language: "fr", channel: "server",
    routing: { mechanism: "special_procedures", region: "africa", immediate_danger: true },
    fields: {
      what_happened: "After I spoke at the Human Rights Council, police searched my office.",
      when: "early March 2026", where: "the capital, near the court",
      un_engagement: "Human Rights Council, 61st session; a side event",
      people_affected: "me and two colleagues", contact: "Signal, evenings only",
    },
    consent: { ohchr_reprisals_team: true, named_mechanism: true, sg_report_named: true, sg_report_anonymous: true, statistics: true },
  })],
  ["unicode", report({
    language: "ar", channel: "browser",
    routing: { mechanism: "treaty_bodies", immediate_danger: false },
    fields: {
      what_happened: "تم احتجازي بعد مشاركتي في الاستعراض الدوري الشامل",
      when: "آذار ٢٠٢٦ 🕊️", where: "line\u2028separator and paragraph\u2029separator",
      un_engagement: "e\u0301 (combining) 👩🏽‍⚖️ ZWJ", people_affected: "😀 \uFEFF BOM inside", contact: "Ünïcödé",
    },
  })],
  ["escapes", report({
    language: "en-GB", channel: "cli",
    fields: {
      what_happened: "He said \"stop\" and wrote C:\\path\\to\\file",
      when: "\u0000\u0001\u0007\b\t\f\u000b\u000e\u001f end",
      where: "</script><!-- & ' / -->", un_engagement: "tab\there\nnewline", people_affected: "DEL\u007f kept", contact: "\\u0041 is not A",
    },
  })],
  ["crlf normalisation", report({
    fields: {
      what_happened: "line one\r\nline two\r\n", when: "lone\rcarriage", where: "mixed\r\r\n\n\r",
      un_engagement: "no change\n", people_affected: "\r", contact: "",
    },
  })],
  ["two attachments with binary bytes", report({
    channel: "server", consent: { statistics: true },
    attachments: [
      attachment("statement.txt", "text/plain", Buffer.from("My statement.\n"), false),
      attachment("photo \"1\".bin", "application/octet-stream", bytes256, true),
    ],
  })],
  ["larger than the first bucket", report({
    attachments: [attachment("big.bin", "application/octet-stream", big, true)],
  })],
];

const out = cases.map(([name, input]) => {
  const canonical = JSON.stringify(normalised(input));
  const len = Buffer.byteLength(canonical, "utf8");
  return { name, input, canonical_json: canonical, canonical_sha256: sha256(Buffer.from(canonical, "utf8")), padded_len: paddedLen(len) };
});
process.stdout.write(JSON.stringify(out, null, 2) + "\n");
