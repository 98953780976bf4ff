// The staff console as its users work with it: a moderator signs in through the form and
// approves three new initiatives at once with the keyboard alone, then they are public;
// a change of a published initiative shows as a before/after table and, approved,
// replaces the public version; a committee member sees no link to raw data, volunteers
// or accounts, and reads the API's 403 when going to such a page by its address; a session
// that ends while a reason is half-typed sends to sign-in and back to the same page with
// the text kept. axe-core checks every console page state visited.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS, BASE_URL, Staff, assertNoProblems, checkA11y, launchBrowser, newPage, visit,
  expectFocus,
} from './helpers.mjs';

let browser;
let admin;
let communes = [];
before(async () => {
  browser = await launchBrowser();
  admin = await Staff.login();
  ({ communes } = await (await fetch(`${BASE_URL}/api/v1/communes`)).json());
  assert.ok(communes.length > 3, 'the demo territory is imported');
});
after(async () => {
  await browser?.close();
});

// Unique per run, so that the tests also pass on a database that already has their data.
const RUN = `m${Date.now().toString(36)}`;

/** Submits an initiative as a resident does (each from its own address: throttling). */
async function submit(title, n) {
  const response = await fetch(`${BASE_URL}/api/v1/initiatives`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `10.88.0.${n + 1}` },
    body: JSON.stringify({
      title,
      description: 'Une maraude chaque soir pour aller vers les personnes isolées.',
      themes: ['isolement'],
      location: { commune_code: communes[n % communes.length].code },
      schedule: 'Le soir de 19 h à 22 h',
      new_actor: { name: `Collectif ${title}`, kind: 'collectif' },
    }),
  });
  const answer = await response.json();
  assert.equal(response.status, 201, JSON.stringify(answer));
  return answer;
}

/** Fills the sign-in form of the page and sends it. */
async function signIn(page, account) {
  await page.getByLabel('Adresse électronique').fill(account.email);
  await page.getByLabel('Mot de passe').fill(account.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** The item of the moderation page titled `title`. */
function itemOf(page, title) {
  return page.locator('.moderation__element').filter({
    has: page.locator('.moderation__titre', { hasText: title }),
  });
}

test('a moderator signs in and approves three new initiatives at once with the keyboard alone', async () => {
  const titles = [1, 2, 3].map((n) => `Maraude du soir ${RUN} n° ${n}`);
  const ids = [];
  for (const [n, title] of titles.entries()) {
    ids.push((await submit(title, n)).id);
  }

  const page = await newPage(browser);
  // Without a session, the console sends to sign-in, to come back afterwards.
  await page.goto('/admin/moderation?kind=initiative');
  await page.waitForURL(/\/admin\/connexion\?retour=%2Fadmin%2Fmoderation%3Fkind%3Dinitiative$/);
  await page.locator('main h1', { hasText: 'Connexion du personnel' }).waitFor();
  await checkA11y(page, 'the sign-in page');

  // Empty: each field named next to it and in a focused summary.
  await page.getByRole('button', { name: 'Se connecter' }).click();
  const summary = page.locator('#resume-erreurs');
  await summary.waitFor();
  await expectFocus(page, 'resume-erreurs');
  assert.match(await summary.textContent(), /Adresse électronique — /);
  assert.match(await summary.textContent(), /Mot de passe — /);
  assert.equal(await page.locator('#connexion-email').getAttribute('aria-invalid'), 'true');
  await page.locator('#connexion-email-erreur').waitFor();
  await checkA11y(page, 'the sign-in page with errors');
  // A wrong password: the API's message.
  await signIn(page, { email: ACCOUNTS.moderator.email, password: 'pas-le-bon-mot-de-passe' });
  await page.locator('#connexion-echec').waitFor();
  assert.ok((await page.locator('#connexion-echec').textContent()).length > 10);

  await signIn(page, ACCOUNTS.moderator);
  await page.waitForURL(/\/admin\/moderation\?kind=initiative$/);
  await page.locator('main h1', { hasText: 'Modération' }).waitFor();
  for (const title of titles) {
    await itemOf(page, title).waitFor();
  }
  const bar = await page.locator('.console__barre').textContent();
  assert.match(bar, /Camille Modération/);
  assert.match(bar, /Se déconnecter/);
  assert.match(await page.locator('.moderation__onglet[aria-current="page"]').textContent(), /^Nouvelles initiatives \(\d+\)$/);
  assert.match(await page.locator('main').textContent(), /Raccourcis clavier/);
  await checkA11y(page, 'the moderation queue');

  // j walks through the items (the focus follows), x selects ours, a approves the selection.
  const count = await page.locator('.moderation__element').count();
  let selected = 0;
  for (let i = 0; i < count; i += 1) {
    await page.keyboard.press('j');
    await page.waitForFunction((id) => document.activeElement?.id === id, `moderation-element-${i}`);
    const title = await page.evaluate(
      () => document.activeElement?.querySelector('.moderation__titre')?.textContent,
    );
    if (titles.includes(title)) {
      await page.keyboard.press('x');
      selected += 1;
    }
  }
  assert.equal(selected, 3);
  assert.match(await page.locator('.moderation__lot').textContent(), /3 éléments sélectionnés/);
  assert.equal(await page.locator('.moderation__element--choisi').count(), 3);
  await checkA11y(page, 'the moderation queue with a selection');
  // o opens the current item: its whole content and a small map of its place.
  const current = page.locator(`#moderation-element-${count - 1}`);
  await page.keyboard.press('o');
  await current.locator('.moderation__detail').waitFor();
  assert.match(await current.locator('.moderation__contenu').textContent(), /Commune/);
  await current.getByRole('region', { name: 'Carte de l’emplacement proposé' }).waitFor();
  await page.waitForFunction(
    (id) => document.querySelector(`#${id} .carte-leaflet .leaflet-overlay-pane path`),
    `moderation-element-${count - 1}`,
  );
  await checkA11y(page, 'an item opened, with its map');
  await page.keyboard.press('a');
  await page.locator('#moderation-annonce', { hasText: '3 éléments approuvés.' }).waitFor();
  for (const title of titles) {
    await itemOf(page, title).waitFor({ state: 'detached' });
  }
  await checkA11y(page, 'the moderation queue after the decision');
  assertNoProblems(page);

  // Public: in the API and in the list of the map page.
  const list = await (await fetch(`${BASE_URL}/api/v1/initiatives?q=${RUN}&per_page=100`)).json();
  assert.deepEqual(list.items.map((i) => i.id).sort(), [...ids].sort());
  const carte = await newPage(browser);
  await visit(carte, `/carte?q=${RUN}`);
  for (const title of titles) {
    await carte.locator('#resultats .resultat').filter({ hasText: title }).waitFor();
  }
  assert.equal(await carte.locator('#resultats .resultat').count(), 3);
  assertNoProblems(carte);
  await carte.context().close();
  await page.context().close();
});

test('a change of a published initiative shows as a before/after table and, approved, replaces the public version', async () => {
  const before = `Permanence d’accès aux droits ${RUN}`;
  const afterTitle = `Permanence d’accès aux droits et au numérique ${RUN}`;
  const created = await submit(before, 4);
  const approved = await admin.post(`/api/v1/admin/moderation/${created.id}/approve`);
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  const edited = await fetch(`${BASE_URL}/api/v1/initiatives/edit/${created.edit_token}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      title: afterTitle,
      description: 'Une maraude chaque soir pour aller vers les personnes isolées.',
      themes: ['isolement'],
      location: { commune_code: communes[4 % communes.length].code },
      schedule: 'Le mardi de 9 h à 12 h',
    }),
  });
  assert.ok(edited.ok, `edit: HTTP ${edited.status} ${await edited.text()}`);

  const page = await newPage(browser);
  await page.goto('/admin/moderation?kind=initiative_revision');
  await page.locator('#connexion-email').waitFor();
  await signIn(page, ACCOUNTS.moderator);
  await page.waitForURL(/\/admin\/moderation\?kind=initiative_revision$/);
  const item = itemOf(page, afterTitle);
  await item.waitFor();
  // Only the changed fields, each with the published and the proposed text.
  const rows = item.locator('.moderation__diff tbody tr');
  assert.deepEqual(await rows.locator('th').allTextContents(), ['Titre', 'Horaires']);
  assert.deepEqual(await rows.nth(0).locator('td').allTextContents(), [before, afterTitle]);
  assert.deepEqual(await rows.nth(1).locator('td').allTextContents(), [
    'Le soir de 19 h à 22 h',
    'Le mardi de 9 h à 12 h',
  ]);
  await checkA11y(page, 'a change with its before/after table');

  await item.getByRole('button', { name: 'Approuver' }).click();
  await page.locator('#moderation-annonce', { hasText: 'est approuvé' }).waitFor();
  await item.waitFor({ state: 'detached' });
  const publicVersion = await (await fetch(`${BASE_URL}/api/v1/initiatives/${created.id}`)).json();
  assert.equal(publicVersion.title, afterTitle);
  assert.equal(publicVersion.schedule, 'Le mardi de 9 h à 12 h');
  assertNoProblems(page);
  await page.context().close();
});

test('a committee member sees no link to raw data, volunteers or accounts, and reads the API’s 403 by URL', async () => {
  const page = await newPage(browser);
  await visit(page, '/admin/connexion');
  await signIn(page, ACCOUNTS.committee);
  await page.waitForURL(/\/admin$/);
  await page.locator('main h1', { hasText: 'Accueil de la console' }).waitFor();
  assert.match(await page.locator('.console__barre').textContent(), /Dominique Comité — Comité de pilotage/);
  const menu = await page
    .getByRole('navigation', { name: 'Menu de la console' })
    .locator('a')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  // The committee reviews label applications (issue 18), so « Labels » is in its menu.
  assert.deepEqual(menu, ['/admin', '/admin/propositions', '/admin/labels', '/admin/resultats', '/admin/besoins', '/admin/exports']);
  const forbidden = await page
    .locator('a[href*="benevoles"], a[href*="volunteers"], a[href*="administration"], a[href*="users"], a[href*="exports/answers"], a[href*="moderation"], a[href*="questionnaires"], a[href*="saisie"]')
    .count();
  assert.equal(forbidden, 0, 'links the committee must not see');
  await checkA11y(page, 'the console home of a committee member');

  // The page of volunteers, by its address: the API's own refusal, not a blank page.
  const session = await Staff.login(ACCOUNTS.committee);
  const refusal = await session.get('/api/v1/admin/volunteers');
  assert.equal(refusal.status, 403);
  await page.goto('/admin/benevoles');
  const alert = page.locator('main [role="alert"]');
  await alert.waitFor();
  assert.equal((await alert.textContent()).trim(), refusal.body.message);
  await page.locator('main h1', { hasText: 'Bénévoles' }).waitFor();
  await checkA11y(page, 'the volunteers page refused to a committee member');

  // The results dashboard is open to the committee (admin-dashboard.test.mjs tests it).
  await page.getByRole('link', { name: 'Résultats' }).click();
  await page.locator('main h1', { hasText: 'Tableau de bord des résultats' }).waitFor();

  // Signing out ends the session.
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForURL(/\/admin\/connexion$/);
  const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
  assert.equal(me, 401);
  assertNoProblems(page);
  await page.context().close();
});

test('a session that ends while a reason is half-typed sends to sign-in and back to the same page with the text kept', async () => {
  const title = `Bricolage partagé ${RUN}`;
  await submit(title, 5);
  const page = await newPage(browser);
  await visit(page, '/admin/connexion');
  await signIn(page, ACCOUNTS.moderator);
  await page.waitForURL(/\/admin$/);
  await page.locator('main h1', { hasText: 'Accueil de la console' }).waitFor();
  // The home page counts the queues, as links to them.
  const queueLink = page.getByRole('link', { name: /^Nouvelles initiatives\s*: \d+ éléments? en attente$/ });
  await queueLink.waitFor();
  await checkA11y(page, 'the console home of a moderator');
  await queueLink.click();
  await page.waitForURL(/\/admin\/moderation\?kind=initiative$/);

  const item = itemOf(page, title);
  await item.waitFor();
  // With the keyboard (a hovered button would be caught mid-transition by axe).
  await item.getByRole('button', { name: 'Refuser' }).focus();
  await page.keyboard.press('Enter');
  const reason = item.getByLabel('Motif du refus');
  await reason.waitFor();
  // The focus moves to the reason once the form is drawn: wait for it (bounded), then check.
  await page
    .waitForFunction(() => document.activeElement?.tagName === 'SELECT', null, { timeout: 5000 })
    .catch(() => {});
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'SELECT');
  await reason.selectOption('Doublon d’un élément déjà publié');
  await item.getByLabel('Précisions').fill('Voir la fiche déjà publiée, à fus');
  await checkA11y(page, 'the reject form of an item');

  // The session ends elsewhere (as after a long pause).
  const cookie = (await page.context().cookies()).find((c) => c.name === 'solidarites_session');
  assert.ok(cookie, 'the session cookie');
  const me = await fetch(`${BASE_URL}/api/v1/auth/me`, { headers: { cookie: `${cookie.name}=${cookie.value}` } });
  const { csrf_token: csrf } = await me.json();
  const out = await fetch(`${BASE_URL}/api/v1/auth/logout`, {
    method: 'POST',
    headers: { cookie: `${cookie.name}=${cookie.value}`, 'x-csrf-token': csrf },
  });
  assert.equal(out.status, 204);

  // The next action: to sign-in, and back.
  await item.getByRole('button', { name: 'Confirmer le refus' }).click();
  await page.waitForURL(/\/admin\/connexion\?retour=%2Fadmin%2Fmoderation%3Fkind%3Dinitiative$/);
  await page.locator('#connexion-email').waitFor();
  assert.match(await page.locator('main').textContent(), /vous reviendrez ensuite à la page demandée/);
  await checkA11y(page, 'the sign-in page after the session ended');
  await signIn(page, ACCOUNTS.moderator);
  await page.waitForURL(/\/admin\/moderation\?kind=initiative$/);
  const back = itemOf(page, title);
  await back.waitFor();
  const restoredReason = back.getByLabel('Motif du refus');
  await restoredReason.waitFor();
  assert.equal(await restoredReason.inputValue(), 'Doublon d’un élément déjà publié');
  assert.equal(await back.getByLabel('Précisions').inputValue(), 'Voir la fiche déjà publiée, à fus');
  await checkA11y(page, 'the queue again, with the reason restored');

  // Finish typing and send.
  await back.getByLabel('Précisions').fill('Voir la fiche déjà publiée, à fusionner.');
  await back.getByRole('button', { name: 'Confirmer le refus' }).click();
  await page.locator('#moderation-annonce', { hasText: 'est refusé' }).waitFor();
  await back.waitFor({ state: 'detached' });
  const drafts = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('solidarites.brouillon:')));
  assert.deepEqual(drafts, [], 'drafts are forgotten once sent');
  assertNoProblems(page);
  await page.context().close();
});
