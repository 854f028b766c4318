// The codephrase receipt (docs/receipt-derivation.md, safehold.receipt.v2): 8 diceware words;
// HKDF-SHA256 gives the lookup key (sent), the X25519 identity and the thread key (both kept in
// the browser, and carried to the caseworkers only inside the encrypted report).
import { hkdf } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bech32 } from "@scure/base";
import { identityToRecipient } from "age-encryption";
import wordlistText from "../../src/crypto/eff_large_wordlist.txt";

export const WORDS = wordlistText.trim().split("\n");
const WORD_SET = new Set(WORDS);
export const CODEPHRASE_WORDS = 8;
export const MIN_WORDS = 7;
export const MAX_WORDS = 32;
const SALT = "safehold.receipt.v2";
const LOOKUP_INFO = "safehold.receipt.v2 lookup";
const X25519_INFO = "safehold.receipt.v2 x25519";
const THREAD_INFO = "safehold.receipt.v2 thread";
const THREAD_MAC_LABEL = "safehold.thread.v1";

/** Eight uniform words from a CSPRNG, by rejection sampling (no modulo bias). */
export function generateCodephrase(random = (buffer) => crypto.getRandomValues(buffer)) {
  const words = [];
  const limit = 65536 - (65536 % WORDS.length); // 62208
  const draw = new Uint16Array(1);
  while (words.length < CODEPHRASE_WORDS) {
    random(draw);
    if (draw[0] < limit) words.push(WORDS[draw[0] % WORDS.length]);
  }
  draw.fill(0);
  return words.join(" ");
}

/**
 * Normalises what a reporter typed. Returns {codephrase} or {error: {kind, found?, position?}}.
 * ASCII-only lowercasing, as on the server: no Unicode case folding.
 */
export function normalizeCodephrase(input) {
  const trimmed = input.trim();
  if (trimmed.includes("-") && !/\s/u.test(trimmed)) {
    const joined = hyphenJoined(trimmed);
    if (joined) return { codephrase: joined };
  }
  const words = input.split(/\s+/u).filter((w) => w.length > 0);
  if (words.length < MIN_WORDS) return { error: { kind: "too_few", found: words.length } };
  if (words.length > MAX_WORDS) return { error: { kind: "too_many", found: words.length } };
  const lowered = words.map((w) => w.replace(/[A-Z]/g, (c) => c.toLowerCase()));
  const unknown = lowered.findIndex((w) => !WORD_SET.has(w));
  if (unknown >= 0) return { error: { kind: "unknown_word", position: unknown + 1 } };
  return { codephrase: lowered.join(" ") };
}

/**
 * A phrase typed with hyphens instead of spaces, as on the server: four list words hold a
 * hyphen themselves (drop-down, felt-tip, t-shirt, yo-yo), so two pieces may make one word;
 * the reading with exactly CODEPHRASE_WORDS list words is taken, joined pieces preferred.
 */
function hyphenJoined(input) {
  if (!/^[\x00-\x7f]*$/u.test(input) || input.length > 1024) return null;
  const pieces = input.replace(/[A-Z]/g, (c) => c.toLowerCase()).split("-");
  const words = [];
  const segment = (at) => {
    if (at === pieces.length) return words.length === CODEPHRASE_WORDS;
    if (words.length === CODEPHRASE_WORDS) return false;
    if (at + 1 < pieces.length) {
      const two = `${pieces[at]}-${pieces[at + 1]}`;
      if (WORD_SET.has(two)) {
        words.push(two);
        if (segment(at + 2)) return true;
        words.pop();
      }
    }
    if (WORD_SET.has(pieces[at])) {
      words.push(pieces[at]);
      if (segment(at + 1)) return true;
      words.pop();
    }
    return false;
  };
  return segment(0) ? words.join(" ") : null;
}

/** {lookupKey, identity, recipient, threadKey} from a normalised codephrase. */
export async function deriveReceiptKeys(codephrase) {
  const encoder = new TextEncoder();
  const password = encoder.encode(codephrase);
  const salt = encoder.encode(SALT);
  const lookupKey = hkdf(sha256, password, salt, encoder.encode(LOOKUP_INFO), 32);
  const secret = hkdf(sha256, password, salt, encoder.encode(X25519_INFO), 32);
  const threadKey = hkdf(sha256, password, salt, encoder.encode(THREAD_INFO), 32);
  password.fill(0);
  const identity = bech32.encode("age-secret-key-", bech32.toWords(secret), 120).toUpperCase();
  secret.fill(0);
  const recipient = await identityToRecipient(identity);
  return { lookupKey, identity, recipient, threadKey };
}

/**
 * The thread MAC of a message (src/crypto/thread.rs): HMAC-SHA256(threadKey, label || 0 ||
 * side || 0 || seq as 8 bytes big-endian || SHA-256(ciphertext)). `digest` is the ciphertext's
 * SHA-256 (32 bytes); side is "caseworker" or "reporter".
 */
export function threadMac(threadKey, side, seq, digest) {
  const encoder = new TextEncoder();
  const position = new Uint8Array(8);
  new DataView(position.buffer).setBigUint64(0, BigInt(seq));
  const parts = [encoder.encode(THREAD_MAC_LABEL), [0], encoder.encode(side), [0], position, digest];
  const input = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    input.set(p, at);
    at += p.length;
  }
  return hmac(sha256, threadKey, input);
}

/** Whether `mac` (bytes, or null) is the message's thread MAC; compared in constant time. */
export function threadMacVerifies(threadKey, side, seq, digest, mac) {
  if (!mac || mac.length !== 32) return false;
  const expected = threadMac(threadKey, side, seq, digest);
  let difference = 0;
  for (let i = 0; i < 32; i++) difference |= expected[i] ^ mac[i];
  return difference === 0;
}
