// The codephrase receipt (docs/receipt-derivation.md): 8 diceware words; Argon2id then
// HKDF-SHA256 give the lookup key (sent) and the X25519 identity (kept in the browser).
import { argon2idAsync } from "@noble/hashes/argon2.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bech32 } from "@scure/base";
import { identityToRecipient } from "age-encryption";
import wordlistText from "../../src/crypto/eff_large_wordlist.txt";

export const WORDS = wordlistText.trim().split("\n");
const WORD_SET = new Set(WORDS);
export const CODEPHRASE_WORDS = 8;
export const MIN_WORDS = 7;
export const MAX_WORDS = 32;
const ARGON2_SALT = "safehold.receipt.v1 argon2id salt";
const LOOKUP_INFO = "safehold.receipt.v1 lookup";
const X25519_INFO = "safehold.receipt.v1 x25519";

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
  const words = input.split(/\s+/u).filter((w) => w.length > 0);
  if (words.length < MIN_WORDS) return { error: { kind: "too_few", found: words.length } };
  if (words.length > MAX_WORDS) return { error: { kind: "too_many", found: words.length } };
  const lowered = words.map((w) => w.replace(/[A-Z]/g, (c) => c.toLowerCase()));
  const unknown = lowered.findIndex((w) => !WORD_SET.has(w));
  if (unknown >= 0) return { error: { kind: "unknown_word", position: unknown + 1 } };
  return { codephrase: lowered.join(" ") };
}

/** {lookupKey, identity, recipient} from a normalised codephrase. */
export async function deriveReceiptKeys(codephrase) {
  const encoder = new TextEncoder();
  const master = await argon2idAsync(encoder.encode(codephrase), encoder.encode(ARGON2_SALT), {
    t: 3,
    m: 12288,
    p: 1,
    dkLen: 32,
  });
  const lookupKey = hkdf(sha256, master, new Uint8Array(0), encoder.encode(LOOKUP_INFO), 32);
  const secret = hkdf(sha256, master, new Uint8Array(0), encoder.encode(X25519_INFO), 32);
  master.fill(0);
  const identity = bech32.encode("age-secret-key-", bech32.toWords(secret), 120).toUpperCase();
  secret.fill(0);
  const recipient = await identityToRecipient(identity);
  return { lookupKey, identity, recipient };
}
