// The page frame: every route renders, the skip link and the menu work with the keyboard,
// the 404 page is French, and each page has no axe-core violation at desktop and phone
// width.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  BASE_URL, DESKTOP, PHONE, assertNoProblems, checkA11y, launchBrowser, newPage, visit,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('the skip link is the first stop of the keyboard and moves the focus to the main content', async () => {
  const page = await newPage(browser);
  await visit(page, '/');
  await page.keyboard.press('Tab');
  const skip = page.locator('a.lien-evitement');
  await assert.doesNotReject(skip.evaluate((el) => {
    if (document.activeElement !== el) throw new Error('the skip link is not focused');
  }));
  assert.ok(await skip.isVisible(), 'the focused skip link is visible');
  await page.keyboard.press('Enter');
  const focusedId = await page.evaluate(() => document.activeElement?.id);
  assert.equal(focusedId, 'contenu');
  assertNoProblems(page);
});

test('the menu follows links without reloading the page and marks the current page', async () => {
  const page = await newPage(browser);
  await visit(page, '/');
  await page.evaluate(() => { window.__sameDocument = true; });
  const current = page.locator('nav[aria-label="Menu principal"] a[aria-current="page"]');
  assert.equal(await current.textContent(), 'Accueil');

  await page.getByRole('link', { name: 'Propositions', exact: true }).first().click();
  await page.waitForURL('**/propositions');
  await page.locator('main h1', { hasText: 'Propositions' }).waitFor();
  assert.equal(await current.textContent(), 'Propositions');
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no full reload');
  assert.match(await page.title(), /Propositions — Solidarités/);

  await page.goBack();
  await page.waitForURL(`${new URL(page.url()).origin}/`);
  assert.equal(await current.textContent(), 'Accueil');
  assertNoProblems(page);
});

test('the server paints the first screen and the app replaces it whole: nothing moves, no larger paint', async () => {
  // Without JavaScript, what the server wrote is the page: heading, introduction, menu.
  const still = await browser.newContext({
    viewport: PHONE, locale: 'fr-FR', baseURL: BASE_URL, javaScriptEnabled: false,
  });
  const bare = await still.newPage();
  await bare.goto('/');
  const heading = 'Construisons ensemble les solidarités de notre territoire';
  assert.equal(await bare.locator('main h1').textContent(), heading);
  assert.ok(await bare.locator('main p.intro').isVisible());
  assert.equal(await bare.locator('nav a[aria-current="page"]').textContent(), 'Accueil');
  await still.close();

  // With it: layout shifts, largest paints and the moment the first screen goes.
  const page = await newPage(browser, PHONE);
  await page.addInitScript(() => {
    window.__shifts = 0;
    window.__paints = [];
    window.__replacedAt = null;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) window.__shifts += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__paints.push(entry.startTime);
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    let seen = false;
    new MutationObserver(() => {
      const there = document.querySelector('.premier-ecran') !== null;
      if (there) seen = true;
      if (seen && !there && window.__replacedAt === null) window.__replacedAt = performance.now();
    }).observe(document, { childList: true, subtree: true });
  });
  await visit(page, '/');
  // The app shows the page complete at once: its lists are there when it appears.
  assert.equal(await page.locator('.dernieres-propositions .texte-doux', { hasText: 'Chargement' }).count(), 0);
  await page.waitForLoadState('networkidle');
  const seen = await page.evaluate(() => ({
    shifts: window.__shifts, paints: window.__paints, replacedAt: window.__replacedAt,
  }));
  assert.ok(seen.replacedAt !== null, 'the first screen was there, then replaced');
  assert.ok(seen.paints.length > 0, 'a largest paint was recorded');
  for (const at of seen.paints) {
    assert.ok(at < seen.replacedAt, `a larger paint came after the app took over: ${JSON.stringify(seen)}`);
  }
  assert.ok(seen.shifts < 0.01, `layout shifts: ${seen.shifts}`);
  assert.equal(await page.locator('main h1').count(), 1);
  assert.equal(await page.locator('main h1').textContent(), heading);
  assertNoProblems(page);
});

test('the start-up script puts every preload into the page and the app registers its service worker', async () => {
  const page = await newPage(browser);
  await visit(page, '/questionnaire');
  // The links go into <head> a few per task: all of them in the end, the route's last.
  const route = await page.evaluate(
    () => document.getElementById('prechargements').content.querySelectorAll('link[data-route]').length,
  );
  assert.ok(route > 0, 'the questionnaire preloads its area');
  await page.waitForFunction(
    (count) => document.head.querySelectorAll(':scope > link[data-route]').length === count,
    route,
  );
  for (const rel of ['modulepreload', 'preload']) {
    const inTemplate = await page.evaluate(
      (r) => document.getElementById('prechargements').content.querySelectorAll(`link[rel="${r}"]`).length,
      rel,
    );
    const inHead = await page.locator(`head > link[rel="${rel}"]`).count();
    assert.ok(inHead >= inTemplate, `${inHead} ${rel} links in <head>, ${inTemplate} in the template`);
  }
  // Registered in a task after the app's start, once the page has loaded.
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(new URL(scope).pathname, '/');
  assertNoProblems(page);
});

test('an unknown address shows the French 404 page', async () => {
  const page = await newPage(browser);
  await visit(page, '/cette-page-nexiste-pas');
  assert.equal(await page.locator('main h1').textContent(), 'Page introuvable');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  await checkA11y(page, 'the 404 page');
  assertNoProblems(page);
});

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`the home page has no accessibility violation (${name})`, async () => {
    const page = await newPage(browser, viewport);
    await visit(page, '/');
    await checkA11y(page, `the home page (${name})`);
    // Readable at 360 px: nothing wider than the screen.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    assertNoProblems(page);
  });
}
