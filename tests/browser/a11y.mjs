// The accessibility and language gate: every reporter and statistics page, in every language
// the server offers, with JavaScript on and off, in one Chromium. Called by
// tests/it/accessibility.rs, which checks what this prints (JSON).
//   node tests/browser/a11y.mjs '<spec as JSON>'
// spec: { url, languages: [{ tag, dir }], releases: [release ids], bigFile: a path over the
//         body limit, screenshots: a directory }
// For each page it records: axe-core's violations (every rule axe runs by default, any impact),
// <html lang> and dir, the Content-Language the page came with, whether an unknown message id
// shows, and whether the page scrolls sideways at 320 CSS px (a 1280 px screen at 400%, or a
// 640 px one at 200%). The report form is also completed with the keyboard alone, noting at
// every stop whether focus is visible.
import { chromium } from "../../web/node_modules/playwright-core/index.mjs";
import { mkdirSync, readFileSync } from "node:fs";

const spec = JSON.parse(process.argv[2]);
const origin = new URL(spec.url).origin;
const AXE = readFileSync(new URL("../../web/node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const NARROW = { width: 320, height: 640 };

const result = { pages: [], keyboard: [], consoleErrors: [], selector: [] };
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: FLAGS, headless: true });

// Without JavaScript, axe cannot run inside the page. The page's DOM is copied, scripts
// removed, into a page of its own origin that runs only axe: what is checked is exactly what
// the browser without JavaScript shows.
const analysis = await (await browser.newContext({ bypassCSP: true, viewport: DESKTOP })).newPage();
let snapshot = "";
await analysis.route(`${origin}/__a11y_snapshot__`, (route) =>
  route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: snapshot }),
);

async function axeViolations(page, js) {
  let target = page;
  if (!js) {
    snapshot = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "");
    await analysis.goto(`${origin}/__a11y_snapshot__`);
    target = analysis;
  }
  await target.addScriptTag({ content: AXE });
  return target.evaluate(async () => {
    const outcome = await window.axe.run(document, { resultTypes: ["violations"] });
    return outcome.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    }));
  });
}

/** Relative luminance contrast of two CSS rgb() colours. */
function contrast(a, b) {
  const lum = (css) => {
    const [r, g, bl] = (css.match(/[\d.]+/g) ?? ["0", "0", "0"]).slice(0, 3).map(Number).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

for (const { tag, dir } of spec.languages) {
  for (const js of [true, false]) {
    const mode = js ? "js" : "nojs";
    const context = await browser.newContext({ javaScriptEnabled: js, bypassCSP: js, viewport: DESKTOP });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on("console", (m) => m.type() === "error" && result.consoleErrors.push(`${tag} ${mode}: ${m.text()}`));
    // The language each page arrived in, from the response that brought the document.
    let contentLanguage = null;
    let status = null;
    page.on("response", async (response) => {
      if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) {
        contentLanguage = (await response.allHeaders())["content-language"] ?? null;
        status = response.status();
      }
    });
    const text = async () => (js ? page.$eval("#safehold-messages", (e) => ({ ...e.dataset })).catch(() => ({})) : {});
    // With JavaScript, wait until the script has said which mode the page is in.
    const settle = async () => {
      if (!js) return;
      const messages = await text();
      if (await page.$("#report-form #mode, #mode")) {
        await page.waitForFunction((want) => document.getElementById("mode")?.textContent === want, messages.modeBrowser);
      }
      if (await page.$("#receipt-mode")) {
        await page.waitForFunction((want) => document.getElementById("receipt-mode")?.textContent === want, messages.receiptDerivation);
      }
    };

    const check = async (name) => {
      const started = Date.now();
      const facts = await page.evaluate(() => ({
        lang: document.documentElement.lang,
        dir: document.documentElement.dir,
        unknownMessage: document.documentElement.outerHTML.includes("Unknown localization"),
        title: document.title,
      }));
      const violations = await axeViolations(page, js);
      const axeMs = Date.now() - started;
      await page.setViewportSize(NARROW);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      // The statistics pages have no script: one set of screenshots, taken without it.
      if (spec.screenshots && !(js && name.startsWith("stats"))) {
        const dirPath = `${spec.screenshots}/${tag}`;
        mkdirSync(dirPath, { recursive: true });
        for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
          await page.setViewportSize(viewport);
          await page.screenshot({ path: `${dirPath}/${name}-${mode}-${size}.png`, fullPage: true });
        }
      }
      await page.setViewportSize(DESKTOP);
      result.pages.push({ tag, js, name, status, contentLanguage, ...facts, overflow, violations, axeMs, ms: Date.now() - started });
    };
    const visit = async (name, path) => {
      await page.goto(`${spec.url}${path}${path.includes("?") ? "&" : "?"}lang=${tag}`);
      await settle();
      await check(name);
    };

    await visit("intake", "/");

    // The form with files over the limit: with JavaScript the page shows the error summary
    // linking to the files field; without, the server's error page.
    await page.setInputFiles("#attachments", spec.bigFile);
    await page.click("#report-form button[type=submit]");
    if (js) {
      await page.waitForSelector("#error-summary");
      result.intakeSummary = await page.evaluate(() => ({
        links: [...document.querySelectorAll("#error-summary a")].map((a) => a.getAttribute("href")),
        focused: document.activeElement?.id,
        invalid: document.getElementById("attachments").getAttribute("aria-invalid"),
      }));
      await check("intake-error");
    } else {
      await page.waitForSelector("#message");
      await check("intake-too-large");
    }

    // The report form with the keyboard alone: Tab from the top, type into the text fields,
    // tick one consent with the space bar, send with Enter. Every stop is noted with how its
    // focus shows.
    await page.goto(`${spec.url}/?lang=${tag}`);
    await settle();
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const stops = [];
    let sent = false;
    for (let i = 0; i < 80 && !sent; i++) {
      await page.keyboard.press("Tab");
      const stop = await page.evaluate(() => {
        const e = document.activeElement;
        const style = getComputedStyle(e);
        const box = e.getBoundingClientRect();
        return {
          what: `${e.tagName.toLowerCase()}${e.type ? `[${e.type}]` : ""}${e.id ? `#${e.id}` : ""}`,
          id: e.id,
          inForm: !!e.closest("#report-form"),
          outline: `${style.outlineStyle} ${style.outlineWidth}`,
          outlineWidth: parseFloat(style.outlineWidth) || 0,
          outlineStyle: style.outlineStyle,
          outlineColor: style.outlineColor,
          inView: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth && box.width > 0,
        };
      });
      stop.contrast = Math.round(contrast(stop.outlineColor, background) * 100) / 100;
      stops.push(stop);
      if (stop.id === "what_happened") await page.keyboard.type("Keyboard only. They took my passport.");
      if (stop.id === "when") await page.keyboard.type("March 2026");
      if (stop.id === "consent_statistics") await page.keyboard.press("Space");
      if (stop.what.startsWith("button") && stop.inForm) {
        await page.keyboard.press("Enter");
        sent = true;
      }
    }
    await page.waitForSelector("#codephrase", { state: "visible" });
    const codephrase = (await page.textContent("#codephrase")).trim();
    result.keyboard.push({ tag, js, sent, stops, codephrase: codephrase.split(/\s+/).length });
    await check("submitted");

    await visit("receipt", "/receipt");
    // A codephrase of two words: the form again, with the summary at the top.
    await page.fill("#codephrase", "apple banana");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#error-summary");
    result.receiptSummary ??= [];
    result.receiptSummary.push(
      await page.evaluate(({ tag, js }) => ({
        tag,
        js,
        links: [...document.querySelectorAll("#error-summary a")].map((a) => a.getAttribute("href")),
        focused: document.activeElement?.id,
        invalid: document.getElementById("codephrase").getAttribute("aria-invalid"),
        describedBy: document.getElementById("codephrase").getAttribute("aria-describedby"),
      }), { tag, js }),
    );
    await check("receipt-error");
    await page.fill("#codephrase", codephrase);
    await page.keyboard.press("Enter");
    await page.waitForSelector("#consent-form");
    await check("status");

    await visit("not-found", "/no-such-page");
    await visit("stats", "/stats");
    await visit("stats-about", "/stats/about");
    for (const id of spec.releases) await visit(`stats-${id}`, `/stats/${id}`);
    await visit("stats-not-found", "/stats/1999-05-01_2000-04-30");
    await context.close();
  }
}

// The selector without JavaScript: from the English form, each language by its own name.
{
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: DESKTOP });
  const page = await context.newPage();
  for (const { tag } of spec.languages) {
    await page.goto(`${spec.url}/`);
    const name = await page.$eval(`#lang option[value="${tag}"]`, (o) => o.textContent.trim());
    await page.selectOption("#lang", tag);
    await page.click("header .language button[type=submit]");
    await page.waitForLoadState();
    result.selector.push({
      tag,
      name,
      lang: await page.evaluate(() => document.documentElement.lang),
      formAction: await page.getAttribute("#report-form", "action"),
    });
  }
  await context.close();
}

await browser.close();
process.stdout.write(JSON.stringify(result));
