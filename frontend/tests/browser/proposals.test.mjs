// Proposals: propose one (its errors first), approve it through the staff API, find it in
// the list with the filters, support it, withdraw and give the support again (once per
// device, kept across reloads), and read the public follow-up. axe-core checks every page.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  PHONE, Staff, assertNoProblems, checkA11y, launchBrowser, newPage, visit,
  expectFocus,
} from './helpers.mjs';

let browser;
let staff;

before(async () => {
  browser = await launchBrowser();
  staff = await Staff.login();
});
after(async () => {
  await browser?.close();
});

// Unique per run, so that the test also passes on a database that already has its proposal.
const RUN = `n${Date.now().toString(36)}`;
const TITLE = `Un jardin partagé derrière la mairie (${RUN})`;

async function pendingProposal(title) {
  const queue = await staff.get('/api/v1/admin/moderation?kind=proposal&per_page=200');
  assert.equal(queue.status, 200, JSON.stringify(queue.body));
  return queue.body.items.find((item) => item.kind === 'proposal' && item.title === title);
}

test('propose, approve, find with the filters, support and follow a proposal', async () => {
  const page = await newPage(browser);
  await visit(page, '/propositions/nouvelle');
  await checkA11y(page, 'the proposal form');

  // Sent empty: each required field gets its message, linked, and the summary the focus.
  await page.getByRole('button', { name: 'Envoyer ma proposition' }).click();
  await page.locator('#resume-erreurs').waitFor();
  await expectFocus(page, 'resume-erreurs');
  for (const field of ['title', 'description', 'themes']) {
    const input = page.locator(`#proposition-${field}`);
    assert.equal(await input.getAttribute('aria-invalid'), 'true', field);
    assert.ok((await input.getAttribute('aria-describedby')).includes(`proposition-${field}-erreur`), field);
    assert.ok((await page.locator(`#proposition-${field}-erreur`).textContent()).trim().length > 10);
  }
  await checkA11y(page, 'the proposal form with its errors');

  // Filled with the keyboard.
  await page.locator('#proposition-title').focus();
  await page.keyboard.type(TITLE);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Des parcelles pour les familles du quartier, et des ateliers le samedi.');
  await page.locator('#proposition-themes').selectOption('isolement');
  await page.locator('#proposition-commune_code').fill('val-fic');
  await page.locator('#proposition-commune_code-liste [role="option"]').first().waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('#proposition-pseudonym').fill('Dominique');
  // An address to be told of the decision needs the author's consent.
  await page.locator('#proposition-notify_email').fill('dominique@exemple.fr');
  await page.getByRole('button', { name: 'Envoyer ma proposition' }).click();
  await page.locator('#proposition-notify_consent-erreur').waitFor();
  assert.equal(await page.locator('#proposition-notify_consent').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'the proposal form asking for consent');
  await page.getByLabel('J’accepte d’être prévenu par e-mail à cette adresse.').check();
  await page.getByRole('button', { name: 'Envoyer ma proposition' }).click();
  await page.locator('h1', { hasText: 'Merci pour votre proposition' }).waitFor();
  await checkA11y(page, 'the proposal sent');

  // Not public before moderation; a moderator approves it through the staff API.
  const pending = await pendingProposal(TITLE);
  assert.ok(pending, 'the proposal waits in the moderation queue');
  const approved = await staff.post(`/api/v1/admin/moderation/${pending.id}/approve`, {});
  assert.equal(approved.status, 200, JSON.stringify(approved.body));

  // The list, filtered by theme and text, sorted by supports.
  await visit(page, '/propositions');
  await page.locator('#filtre-theme').selectOption('isolement');
  await page.waitForURL(/theme=isolement/);
  await page.locator('#filtre-texte').fill(RUN);
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`q=${RUN}`));
  await page.locator('#filtre-tri').selectOption('most_supported');
  await page.waitForURL(/sort=most_supported/);
  await page.locator('.resultats__nombre', { hasText: /^1 proposition$/ }).waitFor();
  const card = page.locator('.proposition', { hasText: TITLE });
  await card.waitFor();
  assert.match(await card.textContent(), /Déposée/);
  assert.match(await card.textContent(), /Val-Fictif/);
  await checkA11y(page, 'the filtered list of proposals');

  // Another theme: the proposal is not listed.
  await page.locator('#filtre-theme').selectOption('logement');
  await page.waitForURL(/theme=logement/);
  await page.locator('.resultats__nombre', { hasText: 'Aucune proposition ne correspond.' }).waitFor();
  await page.goBack().catch(() => {});

  // The detail page: support it, reload (still supported: the device token is kept).
  await visit(page, `/propositions/${pending.id}`);
  await page.locator('main h1', { hasText: TITLE }).waitFor();
  await page.locator('.soutien__compte', { hasText: '0\u00a0soutien' }).waitFor();
  await checkA11y(page, 'a proposal');
  await page.getByRole('button', { name: /Je soutiens cette proposition/ }).click();
  await page.locator('.soutien__compte', { hasText: '1\u00a0soutien' }).waitFor();
  await page.locator('.soutien__compte', { hasText: 'Vous soutenez cette proposition.' }).waitFor();
  await page.reload();
  await page.locator('.soutien__compte', { hasText: '1\u00a0soutien' }).waitFor();
  await page.getByRole('button', { name: /Retirer mon soutien/ }).waitFor();
  const api = await (await fetch(`${process.env.SOLIDARITES_URL}/api/v1/proposals/${pending.id}`)).json();
  assert.equal(api.support_count, 1, 'counted once by the server');

  // Withdraw, then support again.
  await page.getByRole('button', { name: /Retirer mon soutien/ }).click();
  await page.locator('.soutien__compte', { hasText: '0\u00a0soutien' }).waitFor();
  await page.getByRole('button', { name: /Je soutiens cette proposition/ }).click();
  await page.locator('.soutien__compte', { hasText: '1\u00a0soutien' }).waitFor();

  // The collectivity answers publicly: the timeline shows it.
  const answer = 'Le service des espaces verts étudie deux terrains.';
  const status = await staff.post(`/api/v1/admin/proposals/${pending.id}/status`, {
    status: 'under_study',
    answer,
  });
  assert.equal(status.status, 200, JSON.stringify(status.body));
  await page.reload();
  await page.locator('.frise', { hasText: answer }).waitFor();
  assert.match(await page.locator('.proposition__meta').first().textContent(), /À l’étude/);
  await checkA11y(page, 'a proposal with its follow-up');
  assertNoProblems(page);
});

test('the proposals list is readable on a phone', async () => {
  const page = await newPage(browser, PHONE);
  await visit(page, '/propositions');
  await page.locator('.resultats__nombre').waitFor();
  await checkA11y(page, 'the list of proposals (phone)');
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
  assertNoProblems(page);
});
