// The browser modules against the shared vectors: the same bytes as the Rust server.
// Run with web/test/run.sh (bundles this file first, so the .txt wordlist import resolves).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { canonicalJson, paddedLen, paddedPlaintext } from "../src/envelope.js";
import {
  deriveReceiptKeys,
  generateCodephrase,
  normalizeCodephrase,
  threadMac,
  threadMacVerifies,
  WORDS,
} from "../src/receipt.js";
import { createHash } from "node:crypto";
import { stripMetadata } from "../src/metadata.js";
import { keyringFingerprint, selectRoute } from "../src/routing.js";

const root = new URL(`file://${process.env.SAFEHOLD_REPO}/`);
const read = (path) => JSON.parse(readFileSync(new URL(path, root), "utf8"));
const hex = (bytes) => Buffer.from(bytes).toString("hex");

test("envelope vectors: canonical JSON and padding match byte for byte", () => {
  for (const vector of read("tests/vectors/envelope.json")) {
    const json = canonicalJson(vector.input);
    // The vectors' inputs hold raw fields; the builder normalises line ends like the server.
    const expected = new TextEncoder().encode(vector.canonical_json);
    if (!vector.name.includes("crlf")) assert.deepEqual(json, expected, vector.name);
    assert.equal(paddedLen(expected.length), vector.padded_len, vector.name);
  }
});

test("report() normalises CRLF like the server", async () => {
  const { report } = await import("../src/envelope.js");
  const vector = read("tests/vectors/envelope.json").find((v) => v.name.includes("crlf"));
  const built = report({
    language: vector.input.language,
    channel: vector.input.channel,
    fields: vector.input.fields,
    replyTo: vector.input.reply_to,
  });
  assert.equal(new TextDecoder().decode(canonicalJson(built)), vector.canonical_json);
  const padded = paddedPlaintext(built);
  assert.equal(padded.length, vector.padded_len);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(padded)), JSON.parse(vector.canonical_json));
});

test("receipt known answers match the Rust and Python derivations", async () => {
  for (const vector of read("tests/vectors/receipt.json")) {
    const keys = await deriveReceiptKeys(vector.codephrase);
    assert.equal(hex(keys.lookupKey), vector.lookup_key);
    assert.equal(keys.identity, vector.identity);
    assert.equal(keys.recipient, vector.recipient);
    assert.equal(hex(keys.threadKey), vector.thread_key);
  }
});

test("thread MAC known answers match the Rust and Python code", () => {
  const vectors = read("tests/vectors/thread.json");
  assert.ok(vectors.length >= 3);
  for (const v of vectors) {
    const key = Buffer.from(v.thread_key, "hex");
    const side = v.author === "reporter" ? "reporter" : "caseworker";
    const digest = createHash("sha256").update(Buffer.from(v.ciphertext, "hex")).digest();
    assert.equal(hex(threadMac(key, side, v.seq, digest)), v.thread_mac);
    const mac = Buffer.from(v.thread_mac, "hex");
    assert.ok(threadMacVerifies(key, side, v.seq, digest, mac));
    // Any other side, position or key fails.
    assert.ok(!threadMacVerifies(key, side === "reporter" ? "caseworker" : "reporter", v.seq, digest, mac));
    assert.ok(!threadMacVerifies(key, side, v.seq + 1, digest, mac));
    assert.ok(!threadMacVerifies(Buffer.alloc(32, 1), side, v.seq, digest, mac));
    assert.ok(!threadMacVerifies(key, side, v.seq, digest, null));
  }
});

test("codephrases: 8 list words, normalised input, errors by position", () => {
  assert.equal(WORDS.length, 7776);
  const phrase = generateCodephrase();
  assert.equal(phrase.split(" ").length, 8);
  assert.deepEqual(normalizeCodephrase(`  ${phrase.toUpperCase().replaceAll(" ", "\t ")} `), { codephrase: phrase });
  assert.deepEqual(normalizeCodephrase("abacus abdomen"), { error: { kind: "too_few", found: 2 } });
  // Joined with hyphens, as the server reads it too; list words with a hyphen stay whole.
  assert.deepEqual(normalizeCodephrase(phrase.toUpperCase().replaceAll(" ", "-")), { codephrase: phrase });
  assert.deepEqual(normalizeCodephrase("Drop-Down-apple-T-SHIRT-stove-yo-yo-felt-tip-zoom-acorn"), {
    codephrase: "drop-down apple t-shirt stove yo-yo felt-tip zoom acorn",
  });
  const words = phrase.split(" ");
  words[2] = "notaword";
  assert.deepEqual(normalizeCodephrase(words.join(" ")), { error: { kind: "unknown_word", position: 3 } });
  // No Unicode case folding: KELVIN SIGN is not "k".
  assert.equal(normalizeCodephrase("\u212Aiwi abacus abacus abacus abacus abacus abacus").error.kind, "unknown_word");
});

test("routing picks the first matching route, else the default", () => {
  const routes = [
    { name: "urgent", immediate_danger: true },
    { name: "treaty", mechanism: ["treaty_body"] },
    { name: "general" },
  ];
  assert.equal(selectRoute(routes, "general", { immediate_danger: true, mechanism: "treaty_body" }).name, "urgent");
  assert.equal(selectRoute(routes, "general", { mechanism: "treaty_body" }).name, "treaty");
  assert.equal(selectRoute(routes, "general", {}).name, "general");
});

test("keyring fingerprint: known answers shared with the Rust server (tests/vectors/keyring.json)", () => {
  const vectors = read("tests/vectors/keyring.json");
  assert.ok(vectors.length >= 3);
  for (const vector of vectors) {
    assert.equal(keyringFingerprint(vector), vector.fingerprint, vector.name);
    assert.equal(vector.fingerprint.slice(0, 20).match(/.{4}/g).join(" "), vector.short, vector.name);
  }
});

test("keyring fingerprint covers every recipient the page can encrypt to", () => {
  const vector = read("tests/vectors/keyring.json").find((v) => v.name.includes("DEMO"));
  const other = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";
  const copy = () => JSON.parse(JSON.stringify(vector));
  const swappedRoute = copy();
  swappedRoute.routes[0].recipients[0] = other;
  const swappedEscalation = copy();
  swappedEscalation.escalation[0].recipients[1] = other;
  const renamed = copy();
  renamed.routes[1].name = "general2";
  for (const tampered of [swappedRoute, swappedEscalation, renamed]) {
    assert.notEqual(keyringFingerprint(tampered), vector.fingerprint);
  }
  assert.throws(() => keyringFingerprint({ routes: vector.routes }), /escalation/);
  assert.throws(() => keyringFingerprint({ routes: [{ name: "a", recipients: ["age1x\nroute b"] }], escalation: [] }));
});

test("metadata: Exif, XMP and comments leave a JPEG; text chunks leave a PNG", () => {
  const exif = [0xff, 0xe1, 0x00, 0x08, 0x45, 0x78, 0x69, 0x66, 0x00, 0x00];
  const app0 = [0xff, 0xe0, 0x00, 0x04, 0x4a, 0x46];
  const sos = [0xff, 0xda, 0x00, 0x04, 0x01, 0x02, 0x33, 0x44, 0xff, 0xd9];
  const jpeg = new Uint8Array([0xff, 0xd8, ...app0, ...exif, ...sos]);
  const { bytes, stripped } = stripMetadata(jpeg);
  assert.ok(stripped);
  assert.deepEqual([...bytes], [0xff, 0xd8, ...app0, ...sos]);

  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    Buffer.from(data).copy(out, 8);
    return out;
  };
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = chunk("IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  const png = Buffer.concat([signature, ihdr, chunk("tEXt", [65, 0, 66]), chunk("eXIf", [1, 2]), chunk("IEND", [])]);
  const result = stripMetadata(new Uint8Array(png));
  assert.ok(result.stripped);
  assert.deepEqual(Buffer.from(result.bytes), Buffer.concat([signature, ihdr, chunk("IEND", [])]));

  assert.equal(stripMetadata(new Uint8Array([1, 2, 3])).stripped, false);
});
