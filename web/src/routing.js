// Route choice and keyring fingerprint, exactly as the server computes them
// (src/policy/routing.rs, src/keyring/published.rs, keys/README.md).
import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "@scure/base";

const bytewise = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

const isWord = (s) => typeof s === "string" && s.length > 0 && !/[\s\p{Cc}]/u.test(s);

/**
 * The keyring fingerprint over exactly what clients encrypt to: SHA-256 of "safehold keyring v2\n",
 * then for each route by name "route {name}\n" and its sorted recipients, one per line, then
 * for each escalation purpose "escalation {purpose}\n" and its sorted recipients. Throws on
 * anything that is not a list of names with recipient strings (the caller refuses to encrypt).
 */
export function keyringFingerprint({ routes, escalation }) {
  let text = "safehold keyring v2\n";
  for (const [section, places, label] of [
    ["route", routes, "name"],
    ["escalation", escalation, "purpose"],
  ]) {
    if (!Array.isArray(places)) throw new Error(`no ${section} list`);
    const sorted = [...places].sort((a, b) => bytewise(a[label], b[label]));
    for (const place of sorted) {
      if (!isWord(place[label]) || !Array.isArray(place.recipients) || !place.recipients.every(isWord)) {
        throw new Error(`malformed ${section}`);
      }
      text += `${section} ${place[label]}\n`;
      for (const recipient of [...place.recipients].sort(bytewise)) text += `${recipient}\n`;
    }
  }
  return hex.encode(sha256(new TextEncoder().encode(text)));
}

const isCatchAll = (route) => route.mechanism == null && route.region == null && route.immediate_danger == null;

/** The first route (in order) whose selector matches every answer it names; else the default. */
export function selectRoute(routes, defaultRoute, answers) {
  const matches = (route) =>
    !isCatchAll(route) &&
    (route.mechanism == null || (answers.mechanism != null && route.mechanism.includes(answers.mechanism))) &&
    (route.region == null || (answers.region != null && route.region.includes(answers.region))) &&
    (route.immediate_danger == null || answers.immediate_danger === route.immediate_danger);
  return routes.find(matches) ?? routes.find((r) => r.name === defaultRoute);
}
