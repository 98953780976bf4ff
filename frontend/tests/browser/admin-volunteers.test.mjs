// The console's volunteers page: a moderator sees the consented contacts filtered by
// commune with the retention rule and the CSV export of the same filter; a committee
// member reads the API's refusal. axe-core checks every page state visited.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS, BASE_URL, assertNoProblems, checkA11y, launchBrowser, newPage,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const RUN = `v${Date.now().toString(36)}`;

async function signedIn(account, path) {
  const page = await newPage(browser);
  await page.goto(path);
  await page.locator('main h1', { hasText: 'Connexion du personnel' }).waitFor();
  await page.getByLabel('Adresse électronique').fill(account.email);
  await page.getByLabel('Mot de passe').fill(account.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((url) => url.pathname + url.search === path);
  return page;
}

test('a moderator lists volunteers by commune with the retention rule; the committee is refused', async () => {
  const response = await fetch(`${BASE_URL}/api/v1/volunteers`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '10.66.0.1' },
    body: JSON.stringify({
      name: `Alex ${RUN}`,
      email: `alex-${RUN}@example.test`,
      commune: '00001',
      availability: 'Le samedi matin',
      themes: ['isolement'],
      consent: true,
      consent_text: 'J’accepte que la collectivité conserve mes coordonnées pour me recontacter.',
    }),
  });
  assert.ok(response.status < 300, await response.text());

  const page = await signedIn(ACCOUNTS.moderator, '/admin/benevoles');
  await page.locator('#conservation').waitFor();
  assert.match(await page.locator('#conservation').textContent(), /gardées \d+\smois/);
  await page.locator('#benevoles-commune').selectOption('00001');
  await page.getByRole('button', { name: 'Filtrer' }).press('Enter');
  await page.waitForURL(/commune=00001/);
  await page.locator('a[href="/api/v1/admin/exports/volunteers.csv?commune=00001"]').waitFor();
  await page.locator('tbody th', { hasText: `Alex ${RUN}` }).waitFor();
  assert.equal(
    await page.getByRole('link', { name: 'Exporter cette liste (CSV pour Excel)' }).getAttribute('href'),
    '/api/v1/admin/exports/volunteers.csv?commune=00001',
  );
  await checkA11y(page, 'the volunteers page, filtered');
  assertNoProblems(page);

  const committee = await signedIn(ACCOUNTS.committee, '/admin/benevoles');
  await committee.locator('main .statut--erreur').waitFor();
  await checkA11y(committee, 'the volunteers page refused to the committee');
});
