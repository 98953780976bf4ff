// The page frame: every route renders, the skip link and the menu work with the keyboard,
// the 404 page is French, and each page has no axe-core violation at desktop and phone
// width.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  DESKTOP, PHONE, assertNoProblems, checkA11y, launchBrowser, newPage, visit,
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
