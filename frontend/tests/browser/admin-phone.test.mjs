// The console on a phone (360 px wide): no page scrolls sideways (wide tables scroll in
// their own box), with real rows in the tables. axe-core checks a few of them.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS, PHONE, Staff, assertNoProblems, checkA11y, launchBrowser, newPage,
} from './helpers.mjs';

let browser;
let admin;
before(async () => {
  browser = await launchBrowser();
  admin = await Staff.login();
  await admin.openDefaultCampaign(`Campagne vue sur téléphone ${Date.now().toString(36)}`);
});
after(async () => {
  await browser?.close();
});

const PAGES = [
  '/admin',
  '/admin/moderation',
  '/admin/campagnes',
  '/admin/questionnaires',
  '/admin/saisie',
  '/admin/propositions',
  '/admin/benevoles',
  '/admin/administration',
  '/admin/administration/comptes',
  '/admin/administration/parametres',
  '/admin/administration/themes',
  '/admin/administration/journal',
];
const CHECKED = new Set(['/admin', '/admin/campagnes', '/admin/administration/journal']);

test('no console page scrolls sideways at 360 px', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto('/admin');
  await page.getByLabel('Adresse électronique').fill(ACCOUNTS.admin.email);
  await page.getByLabel('Mot de passe').fill(ACCOUNTS.admin.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((url) => url.pathname === '/admin');
  const pages = [...PAGES];
  const list = await admin.get('/api/v1/admin/questionnaires');
  pages.push(`/admin/questionnaires/${list.body.questionnaires[0].id}`);
  for (const path of pages) {
    await page.goto(path);
    await page.locator('main h1').first().waitFor();
    await page.waitForLoadState('networkidle').catch(() => {});
    const { scroll, width, wide } = await page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      return {
        scroll: document.documentElement.scrollWidth,
        width: w,
        wide: [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > w + 1 && !e.parentElement?.closest('.tableau-defilant'))
          .slice(0, 3)
          .map((e) => `${e.tagName}.${e.className}#${e.id}`),
      };
    });
    assert.ok(scroll <= width, `${path}: ${scroll} px wide on a ${width} px screen (${wide.join(', ')})`);
    if (CHECKED.has(path)) await checkA11y(page, `${path} on a phone`);
  }
  assertNoProblems(page);
});
