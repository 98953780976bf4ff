// Issue 19: the questionnaire without a connection. The network is cut by the test
// (playwright's offline mode, which also cuts the service worker's own requests):
// - a resident answers the whole questionnaire offline, reloads, closes and reopens the
//   browser with the same storage, comes back online: exactly one answer is stored, for
//   the right commune;
// - an agent types two answers offline (paper, home visit): both are sent on
//   reconnection, with their channel, and the page sums them up;
// - an answer to a campaign closed while it waited: the server's message, the answer
//   kept until the person discards it;
// - signing out with answers waiting warns first; the next person signing in on the
//   same device does not see (nor send) the first agent's answers, which are sent once
//   that agent signs in again.
// axe-core checks the new states.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

import {
  ACCOUNTS, BASE_URL, DESKTOP, Staff, assertNoProblems, checkA11y, launchBrowser, newPage, visit,
} from './helpers.mjs';

let browser;
let admin;
const RUN = Date.now().toString(36);
const dirs = [];

before(async () => {
  browser = await launchBrowser();
  admin = await Staff.login();
});
after(async () => {
  await browser?.close();
  for (const dir of dirs) {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The same launch options as helpers.mjs, in a persistent profile kept in `dir`. */
async function persistentContext(dir, offline = false) {
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: DESKTOP,
    locale: 'fr-FR',
    baseURL: BASE_URL,
    offline,
  });
}

/** Collects the page's errors as `newPage` does. */
function watch(page) {
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(message.text())) {
      page.problems.push(`console error: ${message.text()}`);
    }
  });
  return page;
}

/** Waits (30 s at most) until the service worker controls the page and has installed. */
async function offlineReady(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
  // The page kept stands for every route: without the preloads and first screen of one.
  const kept = await page.evaluate(async () => (await (await caches.match('/')).text()));
  assert.ok(kept.includes('</body>'), kept);
  assert.ok(!kept.includes('premier-ecran') && !kept.includes('data-route'), kept);
}

/** Answers the default questionnaire (« Non », Saint-Prétexte by postal code) and sends. */
async function answerQuestionnaire(page) {
  await page.locator('label[for="q-difficultes-1"]').click();
  const next = page.getByRole('button', { name: 'Étape suivante' });
  for (const title of ['L\'aide reçue', 'Vos propositions', 'Vous concernant']) {
    await next.click();
    await page.locator('#etape-titre', { hasText: title }).waitFor();
  }
  await page.locator('#q-commune').fill('00110');
  await page.locator('#q-commune-liste [role="option"]', { hasText: 'Saint-Prétexte' }).click();
  await next.click();
  await page.locator('#etape-titre', { hasText: 'Relisez vos réponses' }).waitFor();
  await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
}

/** Types one answer in the assisted entry form (« Non », Saint-Prétexte) and saves it. */
async function typeAssistedAnswer(page, channel) {
  await page.locator('#saisie-canal').selectOption(channel);
  await page.locator('label[for="q-difficultes-1"]').click();
  await page.locator('#q-commune').fill('00110');
  await page.locator('#q-commune-liste [role="option"]', { hasText: 'Saint-Prétexte' }).click();
  await page.getByRole('button', { name: 'Enregistrer ce questionnaire' }).click();
}

async function signIn(page, account) {
  await page.locator('main h1', { hasText: 'Connexion du personnel' }).waitFor();
  await page.getByLabel('Adresse électronique').fill(account.email);
  await page.getByLabel('Mot de passe').fill(account.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

const byCommune = async (campaign, code) =>
  (await admin.get(`/api/v1/admin/campaigns/${campaign}/counts`)).body.by_commune[code] ?? 0;

test('a resident answers offline, reloads, reopens the browser, and the answer is stored once when the network returns', async () => {
  const campaign = await admin.openDefaultCampaign(`Hors connexion ${RUN}`);
  const dir = mkdtempSync(join(tmpdir(), 'solidarites-hors-connexion-'));
  dirs.push(dir);
  let context = await persistentContext(dir);
  let page = watch(context.pages()[0] ?? (await context.newPage()));
  await visit(page, `/questionnaire/${campaign.id}`);
  await page.locator('#q-difficultes').waitFor();
  await offlineReady(page);
  // The app's manifest and icons are served.
  const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
  assert.equal(manifest.start_url, '/questionnaire');
  assert.equal(await byCommune(campaign.id, '00002'), 0);

  await context.setOffline(true);
  await page.locator('.hors-connexion', { hasText: 'Vous êtes hors connexion' }).waitFor();
  await answerQuestionnaire(page);
  await page.locator('#etape-titre', { hasText: 'Réponse gardée sur cet appareil' }).waitFor();
  await page.locator('.file-attente__compte', { hasText: '1 réponse en attente d’envoi' }).waitFor();
  await checkA11y(page, 'an answer kept offline');
  // The worker is offline too: a commune search is answered from the list it kept (the
  // server's answer would carry its Cache-Control).
  const search = await page.evaluate(async () => {
    const response = await fetch('/api/v1/communes?q=fictif');
    return { cache: response.headers.get('cache-control'), names: (await response.json()).communes.map((c) => c.name) };
  });
  assert.equal(search.cache, null, 'answered by the service worker, not the server');
  assert.ok(search.names.includes('Val-Fictif'), JSON.stringify(search.names));

  // Reloaded without a network: the app comes from the service worker, the answer waits.
  await page.reload();
  await page.locator('main h1').first().waitFor();
  await page.locator('#q-difficultes').waitFor();
  await page.locator('.file-attente__compte', { hasText: '1 réponse en attente d’envoi' }).waitFor();
  await checkA11y(page, 'the questionnaire reloaded offline with an answer waiting');
  assertNoProblems(page);
  await context.close();

  // The browser closed and opened again, still offline: the answer is still there.
  context = await persistentContext(dir, true);
  page = watch(context.pages()[0] ?? (await context.newPage()));
  await page.goto(`/questionnaire/${campaign.id}`);
  await page.locator('.file-attente__compte', { hasText: '1 réponse en attente d’envoi' }).waitFor();
  assert.equal(await byCommune(campaign.id, '00002'), 0, 'nothing sent while offline');

  // Back online: sent by itself, once.
  await context.setOffline(false);
  await page.locator('.file-attente-zone', { hasText: '1 réponse envoyée.' }).waitFor({ timeout: 30000 });
  assert.equal(await page.locator('.file-attente').count(), 0, 'nothing waits any more');
  await page.getByRole('button', { name: 'Étape suivante' }).waitFor();
  await page.waitForTimeout(1000);
  assert.equal(await admin.answerCount(campaign.id), 1, 'exactly one answer');
  assert.equal(await byCommune(campaign.id, '00002'), 1, 'for Saint-Prétexte');
  // Sending again (another tab, a lost reply) stores nothing more: the key is the same.
  await page.reload();
  await page.locator('#q-difficultes').waitFor();
  assert.equal(await admin.answerCount(campaign.id), 1);
  assertNoProblems(page);
  await context.close();
});

test('the map says offline that its data cannot load', async () => {
  const page = await newPage(browser);
  await visit(page, '/carte');
  await offlineReady(page);
  await page.context().setOffline(true);
  await page.locator('.carte-page', { hasText: 'Hors connexion, les données de la carte ne peuvent pas être chargées' }).waitFor();
  await page.locator('.hors-connexion', { hasText: 'Vous êtes hors connexion' }).waitFor();
  await checkA11y(page, 'the map offline');
  await page.context().setOffline(false);
  await page.locator('.hors-connexion__texte').waitFor({ state: 'detached' });
  await page.context().close();
});

test('two answers an agent typed offline are sent on reconnection with their channels', async () => {
  const campaign = await admin.openDefaultCampaign(`Visites à domicile ${RUN}`);
  const page = await newPage(browser);
  const path = `/admin/saisie?campagne=${campaign.id}`;
  await page.goto(path);
  await signIn(page, ACCOUNTS.moderator);
  await page.waitForURL((url) => url.pathname + url.search === path);
  await page.locator('#q-difficultes').waitFor();
  // The form can come before the list of open campaigns, which brings the channel choice:
  // allTextContents() does not wait for it.
  await page.locator('#saisie-canal').waitFor();
  assert.ok(
    (await page.locator('#saisie-canal option').allTextContents()).includes('Visite à domicile'),
    'the home visit channel is offered',
  );
  await offlineReady(page);

  await page.context().setOffline(true);
  await typeAssistedAnswer(page, 'papier');
  await page.locator('.retour-action', { hasText: 'gardé sur cet appareil (canal\u00a0: Papier)' }).waitFor();
  await typeAssistedAnswer(page, 'visite');
  await page.locator('.retour-action', { hasText: 'gardé sur cet appareil (canal\u00a0: Visite à domicile)' }).waitFor();
  await page.locator('.file-attente__compte', { hasText: '2 réponses en attente d’envoi' }).waitFor();
  await checkA11y(page, 'the assisted entry offline with two answers waiting');
  assert.equal(await admin.answerCount(campaign.id), 0);

  await page.context().setOffline(false);
  await page
    .locator('.file-attente-zone', { hasText: '2 réponses envoyées\u00a0: Papier 1, Visite à domicile 1.' })
    .waitFor({ timeout: 30000 });
  const counts = await admin.get(`/api/v1/admin/campaigns/${campaign.id}/counts`);
  assert.deepEqual(counts.body.by_channel, { papier: 1, visite: 1 });
  await checkA11y(page, 'the assisted entry after sending');
  assertNoProblems(page);
  await page.context().close();
});

test('an answer to a campaign closed while it waited gets the message and is kept until discarded', async () => {
  const campaign = await admin.openDefaultCampaign(`Close pendant l'attente ${RUN}`);
  const page = await newPage(browser);
  await visit(page, `/questionnaire/${campaign.id}`);
  await page.locator('#q-difficultes').waitFor();
  await offlineReady(page);
  await page.context().setOffline(true);
  await answerQuestionnaire(page);
  await page.locator('#etape-titre', { hasText: 'Réponse gardée sur cet appareil' }).waitFor();

  const closed = await admin.post(`/api/v1/admin/campaigns/${campaign.id}/close`);
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  await page.context().setOffline(false);
  const refused = page.locator('.file-attente__refus');
  await refused.waitFor({ timeout: 30000 });
  assert.match(await refused.textContent(), /Cette consultation est close/);
  assert.match(await refused.textContent(), /reste sur cet appareil/);
  await checkA11y(page, 'an answer refused because its campaign closed');

  // Still there on the next visit.
  await page.reload();
  await page.locator('main h1').first().waitFor();
  await refused.waitFor();
  assert.equal(await admin.answerCount(campaign.id), 0);
  await page.getByRole('button', { name: 'Supprimer cette réponse' }).click();
  await page.locator('.file-attente-zone', { hasText: 'La réponse a été supprimée de cet appareil.' }).waitFor();
  await refused.waitFor({ state: 'detached' });
  assertNoProblems(page);
  await page.context().close();
});

test('signing out with answers waiting warns; the next person signing in does not see them', async () => {
  const campaign = await admin.openDefaultCampaign(`Appareil partagé ${RUN}`);
  const page = await newPage(browser);
  const path = `/admin/saisie?campagne=${campaign.id}`;
  await page.goto(path);
  await signIn(page, ACCOUNTS.moderator);
  await page.waitForURL((url) => url.pathname + url.search === path);
  await page.locator('#q-difficultes').waitFor();
  await offlineReady(page);
  await page.context().setOffline(true);
  await typeAssistedAnswer(page, 'visite');
  await page.locator('.file-attente__compte', { hasText: '1 réponse en attente d’envoi' }).waitFor();

  // Signing out first warns.
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  const warning = page.locator('.avertissement-deconnexion');
  await warning.waitFor();
  assert.match(await warning.textContent(), /1 réponse saisie n’a pas encore été envoyée/);
  await page.waitForFunction(() => document.activeElement?.id === 'avertissement-deconnexion', null, { timeout: 5000 });
  await checkA11y(page, 'the sign-out warning');
  await page.getByRole('button', { name: 'Annuler' }).click();
  await warning.waitFor({ state: 'detached' });

  // The session ends without signing out (expired, the browser's cookies cleared), then
  // someone else signs in on the same device.
  await page.context().clearCookies();
  await page.context().setOffline(false);
  await page.goto(path);
  await signIn(page, ACCOUNTS.admin);
  await page.waitForURL((url) => url.pathname + url.search === path);
  await page.locator('#q-difficultes').waitFor();
  await page.waitForTimeout(1000);
  assert.equal(await page.locator('.file-attente').count(), 0, 'the first agent\'s answer is not shown');
  assert.doesNotMatch(await page.locator('main').textContent(), /en attente d’envoi/);
  assert.equal(await admin.answerCount(campaign.id), 0, 'nor sent in another session');
  await checkA11y(page, 'the assisted entry of the next person');

  // The first agent signs in again: the answer is sent.
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForURL((url) => url.pathname === '/admin/connexion');
  await page.goto(path);
  await signIn(page, ACCOUNTS.moderator);
  await page.waitForURL((url) => url.pathname + url.search === path);
  await page.locator('.file-attente-zone', { hasText: '1 réponse envoyée\u00a0: Visite à domicile 1.' }).waitFor({ timeout: 30000 });
  const counts = await admin.get(`/api/v1/admin/campaigns/${campaign.id}/counts`);
  assert.deepEqual(counts.body.by_channel, { visite: 1 });
  assertNoProblems(page);
  await page.context().close();
});
