// Route choice and keyring fingerprint, exactly as the server computes them
// (src/policy/routing.rs, src/keyring.rs, keys/README.md).
import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "@scure/base";

const bytewise = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** SHA-256 over "{role}/{name}\n" then each sorted recipient + "\n", people sorted by (role, name). */
export function keyringFingerprint(people) {
  const sorted = [...people].sort((a, b) => bytewise(a.role, b.role) || bytewise(a.name, b.name));
  let text = "";
  for (const person of sorted) {
    text += `${person.role}/${person.name}\n`;
    for (const recipient of [...person.recipients].sort(bytewise)) text += `${recipient}\n`;
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
