// Listings kept current: an initiative not confirmed for too long is hidden from the
// public; its submitter confirms it in one click from the private link and it is public
// again; a moderator confirms two stale initiatives at once on the console's « Fiches à
// confirmer ». axe-core checks every page state visited.
//
// A year cannot pass during a test: the listings are made stale by moving their last
// confirmation back in the test server's SQLite database (SOLIDARITES_TEST_DATABASE_URL,
// with Debian's `sqlite3`), as time would.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS, BASE_URL, Staff, assertNoProblems, checkA11y, launchBrowser, newPage, visit,
} from './helpers.mjs';

const DATABASE_URL = process.env.SOLIDARITES_TEST_DATABASE_URL ?? '';
const DATABASE = DATABASE_URL.startsWith('sqlite://') ? DATABASE_URL.slice('sqlite://'.length) : '';

let browser;
let admin;
let communes = [];
before(async () => {
  assert.ok(DATABASE, 'run with `cargo xtask browser` (SQLite test server)');
  browser = await launchBrowser();
  admin = await Staff.login();
  ({ communes } = await (await fetch(`${BASE_URL}/api/v1/communes`)).json());
  assert.ok(communes.length > 3, 'the demo territory is imported');
});
after(async () => {
  await browser?.close();
});

const RUN = `s${Date.now().toString(36)}`;

/** Submits an initiative as a resident does and publishes it; returns the answer. */
async function published(title, n) {
  const response = await fetch(`${BASE_URL}/api/v1/initiatives`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `10.77.0.${n + 1}` },
    body: JSON.stringify({
      title,
      description: 'Des visites à domicile pour rompre l’isolement.',
      themes: ['isolement'],
      location: { commune_code: communes[n % communes.length].code },
      welcomes_volunteers: true,
      new_actor: { name: `Association ${title}`, kind: 'association' },
    }),
  });
  const created = await response.json();
  assert.equal(response.status, 201, JSON.stringify(created));
  const approved = await admin.post(`/api/v1/admin/moderation/${created.id}/approve`);
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  return created;
}

/** Moves the last confirmation of the initiative `id` (and its actor) back to 2020. */
function makeStale(id) {
  const old = '2020-01-01T00:00:00+00:00';
  // sea-orm stores a UUID as text or as a 16-byte blob depending on the column: match both.
  const same = `(id = '${id}' OR hex(id) = '${id.replaceAll('-', '').toUpperCase()}')`;
  const sql = `UPDATE initiatives SET last_confirmed_at = '${old}' WHERE ${same};
    UPDATE actors SET last_confirmed_at = '${old}'
      WHERE id = (SELECT actor_id FROM initiatives WHERE ${same});
    SELECT changes();`;
  const out = execFileSync('sqlite3', ['-cmd', '.timeout 10000', DATABASE, sql]).toString();
  assert.equal(out.trim(), '1', `the actor of ${id} was moved back`);
}

async function publicStatus(id) {
  return (await fetch(`${BASE_URL}/api/v1/initiatives/${id}`)).status;
}

test('the submitter confirms a hidden initiative in one click and it is public again', async () => {
  const title = `Visites ${RUN}`;
  const created = await published(title, 0);
  assert.equal(await publicStatus(created.id), 200);
  makeStale(created.id);
  assert.equal(await publicStatus(created.id), 404, 'hidden from the public');

  const page = await newPage(browser);
  await visit(page, created.edit_url);
  const section = page.locator('section.confirmation-a-jour');
  await section.locator('h2', { hasText: 'Ces informations sont-elles toujours à jour ?' }).waitFor();
  await section.getByText('masquée du public faute de confirmation').waitFor();
  await checkA11y(page, 'the edit page of a hidden initiative');

  // Keyboard: the button is reachable and pressed with Enter.
  const button = section.getByRole('button', { name: 'Je confirme que ces informations sont à jour' });
  await button.focus();
  await page.keyboard.press('Enter');
  await section.getByText('Merci, c’est confirmé.').waitFor();
  assert.equal(await publicStatus(created.id), 200, 'public again');
  await checkA11y(page, 'the edit page after the confirmation');
  assertNoProblems(page);
  await page.close();
});

test('a moderator confirms two stale initiatives at once on « Fiches à confirmer »', async () => {
  const titles = [1, 2].map((n) => `Permanence ${RUN} n° ${n}`);
  const ids = [];
  for (const [n, title] of titles.entries()) {
    const created = await published(title, n + 1);
    makeStale(created.id);
    assert.equal(await publicStatus(created.id), 404);
    ids.push(created.id);
  }

  const page = await newPage(browser);
  await page.goto('/admin/connexion?retour=%2Fadmin%2Fa-jour');
  await page.getByLabel('Adresse électronique').fill(ACCOUNTS.moderator.email);
  await page.getByLabel('Mot de passe').fill(ACCOUNTS.moderator.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/admin\/a-jour$/);
  await page.locator('main h1', { hasText: 'Fiches à confirmer' }).waitFor();
  await page.locator('table.tableau').waitFor();
  await checkA11y(page, 'the stale listings page');

  // Nothing selected: said, nothing sent.
  await page.getByRole('button', { name: 'Confirmer la sélection' }).click();
  await page.getByText('Sélectionnez au moins une fiche.').waitFor();

  for (const title of titles) {
    await page.getByRole('checkbox', { name: `Sélectionner « ${title} »` }).check();
  }
  await page.getByRole('button', { name: 'Confirmer la sélection' }).click();
  await page.getByText('2 fiche(s) confirmée(s).').waitFor();
  for (const title of titles) {
    await page.getByRole('checkbox', { name: `Sélectionner « ${title} »` }).waitFor({ state: 'detached' });
  }
  for (const id of ids) {
    assert.equal(await publicStatus(id), 200, 'public again');
  }
  await checkA11y(page, 'the stale listings page after a bulk confirmation');
  assertNoProblems(page);
  await page.close();
});
