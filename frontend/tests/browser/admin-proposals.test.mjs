// The console's proposals follow-up: a moderator finds a proposal with the filters,
// changes its status with a public answer (first sent without one: the API's message
// next to the field) and the answer shows on the public proposal page; an internal note
// that a committee member does not see; the priority order changed with the keyboard;
// a duplicate merged into the proposal found by a search. axe-core checks every state.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS, BASE_URL, Staff, assertNoProblems, checkA11y, launchBrowser, newPage, visit,
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

const RUN = `p${Date.now().toString(36)}`;

/** A proposal sent by a resident, then approved: published. Returns its id. */
async function publishedProposal(title, n) {
  const response = await fetch(`${BASE_URL}/api/v1/proposals`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `10.77.${n}.9` },
    body: JSON.stringify({
      title,
      description: 'Un minibus solidaire pour aller aux rendez-vous médicaux.',
      themes: ['isolement'],
    }),
  });
  const body = await response.json();
  assert.equal(response.status, 201, JSON.stringify(body));
  const approved = await admin.post(`/api/v1/admin/moderation/${body.id}/approve`, {});
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  return body.id;
}

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

test('a status change with a public answer shows on the public page; the note stays internal', async () => {
  const title = `Minibus solidaire ${RUN}`;
  const id = await publishedProposal(title, 1);
  const page = await signedIn(ACCOUNTS.moderator, '/admin/propositions');
  await page.locator('table.tableau').waitFor();
  await checkA11y(page, 'the proposals list');

  // Filters go to the address and to the API.
  await page.locator('#filtre-statut').selectOption('submitted');
  await page.locator('#filtre-texte').fill(RUN);
  await page.locator('#filtre-texte').press('Enter');
  await page.waitForURL(/q=p/);
  await page.locator('caption', { hasText: 'Propositions (1)' }).waitFor();
  await checkA11y(page, 'the proposals list, filtered');
  await page.getByRole('link', { name: title }).click();
  await page.locator('main h1', { hasText: title }).waitFor();
  await checkA11y(page, 'a proposal page');

  // Without an answer: the API's message next to the field.
  await page.locator('#proposition-nouveau-statut').selectOption('accepted');
  await page.getByRole('button', { name: 'Changer le statut et publier la réponse' }).click();
  await page.locator('#proposition-reponse-erreur').waitFor();
  assert.match(await page.locator('#proposition-reponse-erreur').textContent(), /Rédigez la réponse publique/);
  assert.equal(await page.locator('#proposition-reponse').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'the status form with its error');

  const answer = `La collectivité finance un minibus dès janvier (${RUN}).`;
  await page.locator('#proposition-reponse').fill(answer);
  await page.getByRole('button', { name: 'Changer le statut et publier la réponse' }).click();
  await page.locator('.retour-action', { hasText: 'Statut « Acceptée » enregistré' }).waitFor();
  await page.locator('#proposition-statut', { hasText: 'Acceptée' }).waitFor();

  // The internal note.
  await page.locator('#proposition-note').fill(`Voir le budget 2027 ${RUN}`);
  await page.getByRole('button', { name: 'Enregistrer la note' }).click();
  await page.locator('.retour-action', { hasText: 'Note interne enregistrée.' }).waitFor();
  await checkA11y(page, 'a proposal page after a status change and a note');

  // The public page shows the new status and the answer.
  const resident = await newPage(browser);
  await visit(resident, `/propositions/${id}`);
  await resident.locator('.frise', { hasText: answer }).waitFor();
  assert.match(await resident.locator('main').textContent(), /Acceptée/);
  assert.ok(!(await resident.locator('main').textContent()).includes('budget 2027'), 'no internal note in public');

  // A committee member reads the proposal without the note.
  const committee = await signedIn(ACCOUNTS.committee, `/admin/propositions/${id}`);
  await committee.locator('main h1', { hasText: title }).waitFor();
  await committee.locator('#rang-titre').waitFor();
  assert.equal(await committee.locator('#note-titre').count(), 0);
  assert.ok(!(await committee.locator('main').textContent()).includes('budget 2027'));
  assert.equal(await committee.locator('#proposition-nouveau-statut').count(), 0);
  await checkA11y(committee, 'a proposal page for the committee');
  assertNoProblems(page);
  assertNoProblems(committee);
});

test('priority moved with the keyboard, and a duplicate merged into the proposal found', async () => {
  const tag = `${RUN}x`;
  const first = `Épicerie solidaire ${tag}`;
  const second = `Une épicerie solidaire aussi ${tag}`;
  const firstId = await publishedProposal(first, 2);
  const secondId = await publishedProposal(second, 3);
  for (const [pid, rank] of [[firstId, 1], [secondId, 2]]) {
    const r = await admin.request('PUT', `/api/v1/admin/proposals/${pid}/priority`, { priority: rank });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const path = `/admin/propositions?q=${tag}&sort=priority`;
  const page = await signedIn(ACCOUNTS.moderator, path);
  await page.locator('caption', { hasText: 'Propositions (2)' }).waitFor();
  const order = async () => page.locator('tbody th a').allTextContents();
  assert.deepEqual(await order(), [first, second]);
  await checkA11y(page, 'the proposals in priority order');

  // Keyboard: focus « Descendre » of the first and press Enter.
  await page.getByRole('button', { name: `Descendre « ${first} » d’un rang` }).focus();
  await page.keyboard.press('Enter');
  await page.locator('.retour-action', { hasText: `Rang de « ${first} » enregistré.` }).waitFor();
  await page.waitForFunction((want) => document.querySelector('tbody th a')?.textContent === want, second);
  assert.deepEqual(await order(), [second, first]);
  const ranks = await admin.get(`/api/v1/admin/proposals/${firstId}`);
  assert.equal(ranks.body.priority, 2);

  // Merge the second into the first, found by a search.
  await visit(page, `/admin/propositions/${secondId}`);
  await page.locator('#fusion-recherche').fill(tag);
  await page.keyboard.press('Enter');
  await page.getByLabel(first).waitFor();
  await checkA11y(page, 'the merge search results');
  await page.getByRole('button', { name: 'Fusionner dans la proposition choisie' }).click();
  await page.locator('#fusion-cible-erreur').waitFor();
  await page.getByLabel(first).check();
  await page.getByRole('button', { name: 'Fusionner dans la proposition choisie' }).click();
  await page.locator('.retour-action', { hasText: 'Doublon fusionné' }).waitFor();
  const merged = await admin.get(`/api/v1/admin/proposals/${secondId}`);
  assert.equal(merged.body.merged_into, firstId);
  await checkA11y(page, 'a proposal after its merge');
  assertNoProblems(page);
});
