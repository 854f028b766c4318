// Drives Debian's Chromium through one reporter story and prints what happened as JSON.
// Called by tests/it/browser.rs, which checks the result against what the server stored.
//   node tests/browser/drive.mjs '<spec as JSON>'
// spec: { url, scenario: "story" | "tamper-bundle" | "tamper-fingerprint" | "layout" | "stats", js,
//         marker, files: [paths], screenshots, tamper: "route" | "escalation", restate: bool,
//         mechanism: a code to choose in the intake form (optional),
//         codephrase: for "layout", a report whose status page is measured too,
//         path: for "stats", the release page to measure }
import { chromium } from "../../web/node_modules/playwright-core/index.mjs";
import { mkdirSync, readFileSync } from "node:fs";
import { keyringFingerprint } from "../../web/src/routing.js";

const spec = JSON.parse(process.argv[2]);
const origin = new URL(spec.url).origin;
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
];
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

const result = { requests: [], foreignRequests: [], markerOnWire: false, inspectedBodies: [], consoleErrors: [] };
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: FLAGS, headless: true });
try {
  const context = await browser.newContext({ javaScriptEnabled: spec.js, viewport: VIEWPORTS.desktop, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.on("console", (m) => m.type() === "error" && result.consoleErrors.push(m.text()));
  page.on("request", (request) => {
    const url = request.url();
    result.requests.push(`${request.method()} ${new URL(url).pathname}`);
    if (!url.startsWith("data:") && new URL(url).origin !== origin) result.foreignRequests.push(url);
    const body = request.postDataBuffer();
    // Chromium hides bodies with file parts from the driver; JSON bodies are always visible.
    if (body) result.inspectedBodies.push(`${request.method()} ${new URL(url).pathname} ${body.length}`);
    if (body && spec.marker && (body.includes(spec.marker) || body.includes(Buffer.from(spec.marker).toString("base64").slice(0, 16)))) {
      result.markerOnWire = true;
    }
  });
  // How the bundle travelled: its name and transfer encoding, as the browser received it.
  page.on("response", async (response) => {
    if (/\/static\/safehold-bundle\./.test(response.url())) {
      result.bundle = { path: new URL(response.url()).pathname, encoding: (await response.allHeaders())["content-encoding"] ?? null };
    }
  });
  if (spec.scenario === "tamper-bundle") {
    await page.route("**/static/safehold-bundle.*.js", async (route) => {
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      body[body.length >> 1] ^= 0x01; // one byte
      // The body here is already decoded: send it as it is, not as Brotli or gzip.
      const headers = { ...response.headers() };
      delete headers["content-encoding"];
      delete headers["content-length"];
      await route.fulfill({ status: response.status(), headers, body });
    });
  }
  if (spec.scenario === "tamper-fingerprint") {
    // A server that swaps one key: one recipient of one route (what an attacker who wants to
    // read reports would send), or one escalation key. With `restate`, the answer also states
    // the fingerprint of the swapped keys, as a careful attacker would; the page still holds
    // the fingerprint it was served with.
    await page.route("**/api/v1/routes", async (route) => {
      const response = await route.fetch();
      const routes = await response.json();
      const swapped = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";
      if (spec.tamper === "escalation") routes.escalation[0].recipients[0] = swapped;
      else routes.routes.find((r) => r.name === "general").recipients[0] = swapped;
      if (spec.restate) routes.keyring_fingerprint = keyringFingerprint(routes);
      result.servedFingerprint = routes.keyring_fingerprint;
      await route.fulfill({ response, json: routes });
    });
  }

  const shot = async (name) => {
    if (!spec.screenshots) return;
    mkdirSync(spec.screenshots, { recursive: true });
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: `${spec.screenshots}/${name}-${spec.js ? "js" : "nojs"}-${size}.png`, fullPage: true });
    }
    await page.setViewportSize(VIEWPORTS.desktop);
  };
  const messages = async () => (spec.js ? page.$eval("#safehold-messages", (e) => ({ ...e.dataset })) : {});

  if (spec.scenario === "layout") {
    // Every control a finger may have to hit, on a phone: its box, and a label's box (a label
    // is part of its control's target). Hidden controls are not targets, nor is the honeypot,
    // which is out of sight and out of reach for people on purpose.
    const measure = (where) =>
      page.$$eval(
        "input:not([type=hidden]), button, select, textarea, label",
        (elements, where) =>
          elements
            .filter((e) => !e.closest('[aria-hidden="true"]'))
            .map((e) => ({ e, box: e.getBoundingClientRect() }))
            .filter(({ box }) => box.width > 0 && box.height > 0)
            .map(({ e, box }) => ({
              where,
              what: `${e.tagName.toLowerCase()}${e.type && e.tagName === "INPUT" ? `[${e.type}]` : ""}${e.id ? `#${e.id}` : ""}${e.htmlFor ? `[for=${e.htmlFor}]` : ""}`,
              height: Math.round(box.height * 10) / 10,
            })),
        where,
      );
    const settle = async () => {
      if (spec.js && (await page.$("#mode"))) {
        const text = await messages();
        await page.waitForFunction((want) => document.getElementById("mode")?.textContent === want, text.modeBrowser);
      }
    };
    await page.setViewportSize(VIEWPORTS.phone);
    result.targets = [];
    result.organisation = {};
    for (const path of ["/", "/receipt", "/no-such-page"]) {
      const errors = result.consoleErrors.length;
      await page.goto(`${spec.url}${path}`);
      await settle();
      result.targets.push(...(await measure(path)));
      result.organisation[path] = await page.textContent("#organisation");
      // The missing page's own 404 is what it is meant to answer; nothing else may fail.
      if (path === "/no-such-page" && result.consoleErrors.length === errors + 1 && /status of 404/.test(result.consoleErrors[errors])) {
        result.consoleErrors.pop();
      }
    }
    if (spec.codephrase) {
      await page.goto(`${spec.url}/receipt`);
      await page.fill("#codephrase", spec.codephrase);
      await page.click("#receipt-form button[type=submit]");
      await page.waitForSelector("#consent-form");
      result.targets.push(...(await measure("status")));
      result.organisation.status = await page.textContent("#organisation");
      await shot("layout-status");
    }
    // The language selector at a desktop width: the button's words on one line, and label,
    // menu and button in one row.
    await page.setViewportSize(VIEWPORTS.desktop);
    await page.goto(`${spec.url}/`);
    await settle();
    result.languageButtonLines = await page.$eval("header .language button", (button) => {
      const range = document.createRange();
      range.selectNodeContents(button);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
    result.languageRow = await page.$$eval("header .language > *", (elements) =>
      elements.map((e) => {
        const box = e.getBoundingClientRect();
        return Math.round(box.top + box.height / 2);
      }),
    );
    await shot("layout");
    process.stdout.write(JSON.stringify(result));
    process.exit(0);
  }

  if (spec.scenario === "stats") {
    // A statistics release on a phone (and a narrow one): the page never scrolls sideways
    // (tables scroll in their own box), every chart fits and no label runs past its edge, and
    // every chart has an accessible name.
    await page.goto(`${spec.url}${spec.path}`);
    result.charts = await page.locator("svg").count();
    result.namedCharts = await page.getByRole("img", { name: /bar chart/ }).count();
    result.widths = {};
    for (const width of [390, 320]) {
      await page.setViewportSize({ width, height: 844 });
      result.widths[width] = await page.evaluate(() => {
        const svgs = [...document.querySelectorAll("svg")];
        return {
          page: document.documentElement.scrollWidth,
          viewport: document.documentElement.clientWidth,
          widestChart: Math.max(0, ...svgs.map((s) => s.getBoundingClientRect().right)),
          tablesInView: [...document.querySelectorAll(".table-scroll")].every((t) => t.getBoundingClientRect().right <= document.documentElement.clientWidth + 1),
          cutLabels: svgs.flatMap((s) => {
            const width = s.viewBox.baseVal.width;
            return [...s.querySelectorAll("text")].filter((t) => t.getBBox().x + t.getBBox().width > width + 0.5).map((t) => t.textContent);
          }),
        };
      });
    }
    await page.setViewportSize(VIEWPORTS.desktop);
    await shot("stats");
    process.stdout.write(JSON.stringify(result));
    process.exit(0);
  }

  if (spec.scenario === "receipt") {
    // The reporter comes back with the codephrase, reads the reply, adds information.
    await page.goto(`${spec.url}/receipt`);
    const text = await messages();
    if (spec.js) {
      await page.waitForFunction((want) => document.getElementById("receipt-mode")?.textContent === want, text.receiptDerivation);
    }
    await shot("receipt");
    await page.fill("#codephrase", spec.codephrase);
    await page.click("#receipt-form button[type=submit]");
    await page.waitForFunction((want) => document.getElementById("thread")?.textContent.includes(want), spec.expectReply);
    result.statusText = (await page.textContent("#status")).trim();
    result.threadText = await page.textContent("#thread");
    result.modeText = await page.textContent("#receipt-mode, p.mode");
    // A reply's file: its link's download name, and the bytes a click saves.
    const file = page.locator("#thread .reply-attachments a").first();
    if ((await file.count()) > 0) {
      result.replyFileName = await file.getAttribute("download");
      const [download] = await Promise.all([page.waitForEvent("download"), file.click()]);
      result.replyFileBytes = readFileSync(await download.path()).toString("base64");
    }
    await shot("status");
    await page.fill("#followup-text", spec.followup);
    // Without JavaScript the form carries a one-time token bound to this browser's cookie.
    const sent = spec.js ? null : {
      authenticity_token: await page.getAttribute("#followup-form input[name=authenticity_token]", "value"),
      receipt_token: await page.getAttribute("#followup-form input[name=receipt_token]", "value"),
      thread_key: await page.getAttribute("#followup-form input[name=thread_key]", "value"),
      action: await page.getAttribute("#followup-form", "action"),
    };
    await page.click("#followup-form button[type=submit]");
    if (spec.js) {
      await page.waitForFunction((want) => document.getElementById("followup-status")?.textContent === want, text.followupSent);
    } else {
      await page.waitForSelector("#message");
    }
    await shot("followup-sent");
    if (sent) {
      // The same form sent again from the same browser (its cookies): refused, nothing added.
      const replay = await page.context().request.post(`${spec.url}${sent.action}`, {
        multipart: {
          authenticity_token: sent.authenticity_token,
          receipt_token: sent.receipt_token,
          thread_key: sent.thread_key,
          text: spec.followup,
        },
      });
      result.replayStatus = replay.status();
      result.replayText = await replay.text();
    }
    // The reporter changes their consent: OHCHR yes, statistics no. Without JavaScript the
    // follow-up left the status page, so the reporter opens it again.
    if (!spec.js) {
      await page.goto(`${spec.url}/receipt`);
      await page.fill("#codephrase", spec.codephrase);
      await page.click("#receipt-form button[type=submit]");
    }
    await page.waitForSelector("#consent-form");
    result.consentShown = {
      ohchr_reprisals_team: await page.isChecked("#consent_ohchr"),
      statistics: await page.isChecked("#consent_statistics"),
    };
    await page.check("#consent_ohchr");
    await page.uncheck("#consent_statistics");
    await page.click("#consent-form button[type=submit]");
    if (spec.js) {
      await page.waitForFunction((want) => document.getElementById("consent-status")?.textContent === want, text.consentSaved);
      result.consentText = await page.textContent("#consent-status");
    } else {
      await page.waitForSelector("#message");
      result.consentText = await page.textContent("main");
    }
    await shot("consent-saved");
    process.stdout.write(JSON.stringify(result));
    process.exit(0);
  }

  await page.goto(`${spec.url}/`);
  const text = await messages();
  if (spec.js) {
    // Wait for the script to settle on a mode.
    const expected = { story: text.modeBrowser, "tamper-bundle": text.integrityFailed, "tamper-fingerprint": text.fingerprintMismatch }[spec.scenario];
    await page.waitForFunction((want) => document.getElementById("mode")?.textContent === want, expected);
  }
  result.modeText = await page.textContent("#mode");
  result.modeClass = await page.getAttribute("#mode", "class");
  result.submitDisabled = await page.$eval("#report-form button[type=submit]", (b) => b.disabled);
  result.pageFingerprint = await page.getAttribute("#report-form", "data-keyring-fingerprint");
  result.footerFingerprint = await page.textContent("#keyring-fingerprint-short");
  result.urgentText = await page.textContent("#urgent-contacts");
  await shot(`intake-${spec.scenario}`);
  if (spec.scenario === "tamper-fingerprint") {
    process.stdout.write(JSON.stringify(result));
    process.exit(0);
  }

  // Keyboard only for the main field: Tab from the top of the page until it has focus.
  await page.focus("body");
  let tabs = 0;
  while ((await page.evaluate(() => document.activeElement?.id)) !== "what_happened") {
    await page.keyboard.press("Tab");
    if (++tabs > 40) throw new Error("the report field cannot be reached with the keyboard");
  }
  result.tabsToReport = tabs;
  await page.keyboard.type(`${spec.marker}`);
  await page.keyboard.press("Enter");
  await page.keyboard.type("They took my passport.");
  await page.fill("#when", "early March 2026");
  await page.fill("#where", "Geneva");
  await page.check("#consent_statistics");
  await page.check("#danger-no");
  if (spec.mechanism) await page.selectOption("#mechanism", spec.mechanism);
  if (spec.files?.length) await page.setInputFiles("#attachments", spec.files);
  // Submit with the keyboard too.
  await page.focus("#report-form button[type=submit]");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#codephrase", { state: "visible" });
  result.codephrase = (await page.textContent("#codephrase")).trim();
  result.reportId = (await page.textContent("#report-id")).trim();
  result.notEmergency = (await page.textContent("#not-emergency")).trim();
  result.urgentContacts = (await page.textContent("#submitted-urgent-contacts")).trim();
  // A way back to the report: the submitted page links to the receipt page.
  result.receiptLink = await page.getAttribute('main a[href^="/receipt"]', "href");
  result.submittedMode = await page.textContent("#mode, p.mode");
  // Who runs the service and when to come back, on the submitted page too (built by the
  // script with JavaScript, by the server without).
  result.organisationText = await page.textContent("#organisation");
  await shot(`submitted-${spec.scenario}`);
  process.stdout.write(JSON.stringify(result));
} finally {
  await browser.close();
}
