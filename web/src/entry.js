// Bundle entry: Safehold's browser code and the pinned libraries it uses, as one file.
export { start } from "./main.js";
