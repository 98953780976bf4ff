// The console's administration pages: an administrator creates an account (a short
// password first: the API's message next to the field) and the new account signs in;
// a role change and a disabled account; the settings with their defaults, a secrecy
// threshold under the floor refused next to its field, then a value stored; a moderator
// reaching the administration by its address reads the API's 403. axe-core checks every
// page state visited.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS, Staff, assertNoProblems, checkA11y, launchBrowser, newPage,
} from './helpers.mjs';

let browser;
let admin;
before(async () => {
  browser = await launchBrowser();
  admin = await Staff.login();
});
after(async () => {
  await browser?.close();
});

const RUN = `a${Date.now().toString(36)}`;

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

test('an administrator creates an account that can sign in, changes its role and disables it', async () => {
  const page = await signedIn(ACCOUNTS.admin, '/admin/administration/comptes');
  await page.locator('caption', { hasText: 'Comptes' }).waitFor();
  await checkA11y(page, 'the accounts page');

  const email = `agent-${RUN}@example.test`;
  const password = 'une phrase de passe solide';
  await page.locator('#compte-email').fill(email);
  await page.locator('#compte-nom').fill('Agent des tests');
  await page.locator('#compte-role').selectOption('analyst');
  await page.locator('#compte-mot-de-passe').fill('court');
  await page.locator('#compte-mot-de-passe').press('Enter');
  await page.locator('#compte-mot-de-passe-erreur').waitFor();
  assert.equal(await page.locator('#compte-mot-de-passe').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'the account form with its error');

  await page.locator('#compte-mot-de-passe').fill(password);
  await page.locator('#compte-mot-de-passe').press('Enter');
  await page.locator('.retour-action', { hasText: `Le compte ${email} est créé.` }).waitFor();
  const row = page.locator('tbody tr', { has: page.locator('th', { hasText: email }) });
  await row.waitFor();
  assert.match(await row.textContent(), /Agent des tests/);
  await checkA11y(page, 'the accounts page after a creation');

  // The new account signs in.
  const agent = await Staff.login({ email, password });
  const me = await agent.get('/api/v1/auth/me');
  assert.equal(me.body.user.role, 'analyst');

  // Role change.
  await row.getByLabel(`Rôle de ${email}`, { exact: true }).selectOption('moderator');
  await row.getByRole('button', { name: `Changer le rôle de ${email}` }).click();
  await page.locator('.retour-action', { hasText: 'a désormais le rôle' }).waitFor();
  const list = await admin.get('/api/v1/admin/users?per_page=100');
  assert.equal(list.body.users.find((u) => u.email === email).role, 'moderator');

  // Disable.
  await row.getByRole('button', { name: `Désactiver le compte de ${email}` }).click();
  await page.locator('.retour-action', { hasText: `Le compte de ${email} est désactivé.` }).waitFor();
  await page.locator('tbody tr', { has: page.locator('th', { hasText: email }) }).filter({ hasText: 'Désactivé' }).waitFor();
  await checkA11y(page, 'the accounts page after a role change and a disabled account');
  assertNoProblems(page);
});

test('settings show their defaults, refuse a threshold under the floor next to it, and store a value', async () => {
  const page = await signedIn(ACCOUNTS.admin, '/admin/administration/parametres');
  await page.locator('#parametre-secrecy_k').waitFor();
  assert.match(await page.locator('#parametre-secrecy_k-aide').textContent(), /Valeur par défaut\s: \d+/);
  await checkA11y(page, 'the settings page');

  await page.locator('#parametre-secrecy_k').fill('2');
  await page.getByRole('button', { name: 'Enregistrer les paramètres' }).click();
  await page.locator('#parametre-secrecy_k-erreur').waitFor();
  assert.equal(await page.locator('#parametre-secrecy_k').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'the settings page with an error');

  await page.locator('#parametre-secrecy_k').fill('7');
  await page.getByRole('button', { name: 'Enregistrer les paramètres' }).click();
  await page.locator('.retour-action', { hasText: 'Paramètres enregistrés' }).waitFor();
  const stored = await admin.get('/api/v1/admin/settings');
  assert.equal(stored.body.secrecy_k.value, 7);
  assert.equal(stored.body.secrecy_k.stored, true);
  // Back to the defaults, for the other tests of the run.
  const reset = await admin.request('PUT', '/api/v1/admin/settings', {});
  assert.equal(reset.status, 200, JSON.stringify(reset.body));
  assertNoProblems(page);
});

test('a moderator reaching the administration by its address reads the API\'s refusal', async () => {
  const page = await signedIn(ACCOUNTS.moderator, '/admin/administration');
  await page.locator('main .statut--erreur').waitFor();
  assert.equal(await page.locator('main a[href="/admin/administration/comptes"]').count(), 0);
  await checkA11y(page, 'the administration refused to a moderator');
});
