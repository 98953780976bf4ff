// Shared helpers of the browser tests: the browser, axe-core checks, the staff API.
//
// The tests run under `node --test`, started by `cargo xtask browser` (and `cargo xtask
// test`), which serves the real `solidarites` binary on a fresh database and passes:
//   SOLIDARITES_URL              http://127.0.0.1:<port>
//   SOLIDARITES_STAFF_EMAIL      an admin account created with `solidarites users create`
//   SOLIDARITES_STAFF_PASSWORD
//   SOLIDARITES_MODERATOR_EMAIL  a moderator account, likewise
//   SOLIDARITES_MODERATOR_PASSWORD
//   SOLIDARITES_COMMITTEE_EMAIL  a committee (steering committee) account, likewise
//   SOLIDARITES_COMMITTEE_PASSWORD
//   CHROMIUM_PATH                /usr/bin/chromium unless told otherwise

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const BASE_URL = process.env.SOLIDARITES_URL ?? '';
const STAFF_EMAIL = process.env.SOLIDARITES_STAFF_EMAIL ?? '';
const STAFF_PASSWORD = process.env.SOLIDARITES_STAFF_PASSWORD ?? '';

/** The staff accounts of the test server, by role: `{ email, password }`. */
export const ACCOUNTS = {
  admin: { email: STAFF_EMAIL, password: STAFF_PASSWORD },
  moderator: {
    email: process.env.SOLIDARITES_MODERATOR_EMAIL ?? '',
    password: process.env.SOLIDARITES_MODERATOR_PASSWORD ?? '',
  },
  committee: {
    email: process.env.SOLIDARITES_COMMITTEE_EMAIL ?? '',
    password: process.env.SOLIDARITES_COMMITTEE_PASSWORD ?? '',
  },
};

if (!BASE_URL) {
  throw new Error(
    'SOLIDARITES_URL is not set: run the browser tests with `cargo xtask browser`, which starts the test server.',
  );
}

/** Desktop and phone viewports of the acceptance criteria. */
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

/** Launches headless Chromium (Debian's, never a downloaded one). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A new page in its own context (own local storage). JavaScript errors of the page and
 * failed API requests (5xx) are collected in `page.problems`; `assertNoProblems(page)`
 * fails the test when there are any.
 */
export async function newPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'fr-FR', baseURL: BASE_URL });
  // The pages run under the server's real Content-Security-Policy: a violation is logged
  // as a console error, which fails the test like any other.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`);
    });
  });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
      page.problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 500) {
      page.problems.push(`HTTP ${response.status()} on ${response.url()}`);
    }
  });
  return page;
}

/**
 * Waits (5 s at most) for the element with this id to have the focus, then checks it: the
 * app moves the focus after its next render, not always before the click returns.
 */
export async function expectFocus(page, id) {
  await page
    .waitForFunction((wanted) => document.activeElement?.id === wanted, id, { timeout: 5000 })
    .catch(() => {});
  assert.equal(await page.evaluate(() => document.activeElement?.id), id);
}

export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'the page had errors');
}

/**
 * Opens `path` and waits until the app has rendered its `<h1>`: the app has replaced the
 * first screen the server wrote into the page (crates/server/src/first_screen.rs).
 */
export async function visit(page, path) {
  await page.goto(path);
  await page.locator('.premier-ecran').waitFor({ state: 'detached' });
  await page.locator('main h1').first().waitFor();
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page at WCAG 2.1 A and AA level and fails, listing each violation
 * (rule, impact, help, the elements), when there is any. `label` names the page state.
 */
export async function checkA11y(page, label) {
  // Let pending requests settle, so that the checked DOM is the one people see.
  await page.waitForLoadState('networkidle').catch(() => {});
  // The mouse off any button: axe reads the colours at rest, not a hover fading in or
  // out (buttons change colour in 0.15 s) under the pointer left by the last click.
  await page.mouse.move(0, 0);
  await page.waitForTimeout(200);
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) {
    // Evaluated through the DevTools protocol, not as an inline <script>: the page's
    // Content-Security-Policy (no inline scripts) stays as the server sent it.
    await page.evaluate(AXE_SOURCE);
  }
  const results = await page.evaluate(async () =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }),
  );
  const report = results.violations
    .map((violation) => {
      const nodes = violation.nodes
        .map((node) => `      - ${node.target.join(' ')}\n        ${node.failureSummary.replace(/\n/g, '\n        ')}`)
        .join('\n');
      return `  * ${violation.id} (${violation.impact}): ${violation.help}\n    ${violation.helpUrl}\n${nodes}`;
    })
    .join('\n');
  assert.equal(
    results.violations.length,
    0,
    `axe-core found ${results.violations.length} WCAG 2.1 AA violation(s) on ${label} (${page.url()}):\n${report}`,
  );
}

/** Presses `key` `times` times. */
export async function press(page, key, times = 1) {
  for (let i = 0; i < times; i += 1) {
    await page.keyboard.press(key);
  }
}

/**
 * Presses Tab until the focused element matches `predicate` (evaluated in the page with
 * the focused element), at most `limit` times; fails otherwise. Keyboard-only navigation.
 */
export async function tabTo(page, description, predicate, { limit = 60, shift = false } = {}, arg = undefined) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
    const found = await page.evaluate(predicate, arg);
    if (found) {
      return;
    }
  }
  const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
  assert.fail(`could not reach ${description} with the Tab key (focus is on ${focused})`);
}

/** Text of the focused element's accessible label (label, aria-label, or text). */
export async function focusedLabel(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return '';
    if (el.labels && el.labels.length) return el.labels[0].textContent.trim();
    return (el.getAttribute('aria-label') || el.textContent || '').trim();
  });
}

// ---------------------------------------------------------------------------------------
// Staff API (what moderators do in the back office), over HTTP with the session cookie.

export class Staff {
  /** Signs in through the API (the admin account unless told otherwise). */
  static async login(account = ACCOUNTS.admin) {
    // The suite signs in many times from one address: when the server's per-address
    // sign-in throttle answers 429, wait as it says and try again (bounded).
    let response;
    let text;
    for (let attempt = 0; attempt < 10; attempt += 1) {
      response = await fetch(`${BASE_URL}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: account.email, password: account.password }),
      });
      text = await response.text();
      if (response.status !== 429) break;
      const wait = Number(response.headers.get('retry-after')) || 2;
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 10) * 1000));
    }
    assert.equal(response.status, 200, `staff sign-in failed: ${text}`);
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('solidarites_session='));
    assert.ok(cookie, 'no session cookie after sign-in');
    return new Staff(cookie, JSON.parse(text).csrf_token);
  }

  constructor(cookie, csrf) {
    this.cookie = cookie;
    this.csrf = csrf;
  }

  /** Sends a request; returns `{status, body}` (body parsed as JSON when possible). */
  async request(method, path, body) {
    const headers = { cookie: this.cookie, 'x-csrf-token': this.csrf };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${BASE_URL}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed };
  }

  async get(path) {
    return this.request('GET', path);
  }

  async post(path, body = {}) {
    return this.request('POST', path, body);
  }

  /** Opens a campaign of the default (Landes) questionnaire, for a month; returns it. */
  async openDefaultCampaign(title) {
    const list = await this.get('/api/v1/admin/questionnaires');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const questionnaire = list.body.questionnaires[0];
    assert.ok(questionnaire, 'the default questionnaire is missing');
    const now = Date.now();
    const created = await this.post('/api/v1/admin/campaigns', {
      title,
      description: 'Campagne ouverte par les tests navigateur.',
      questionnaire_id: questionnaire.id,
      opens_at: new Date(now - 60_000).toISOString(),
      closes_at: new Date(now + 30 * 24 * 3600_000).toISOString(),
      status: 'open',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  /** Number of answers stored for a campaign (counts only: answers stay anonymous). */
  async answerCount(campaignId) {
    const counts = await this.get(`/api/v1/admin/campaigns/${campaignId}/counts`);
    assert.equal(counts.status, 200, JSON.stringify(counts.body));
    return counts.body.total;
  }
}
