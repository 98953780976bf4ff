// The administration registers, as an administrator uses them: themes added (a colour
// too light refused with the contrast shown live and the API's message next to the
// field), renamed and recoloured, then retired after a confirmation; and the audit trail,
// filtered by who, action family and days, paged by the server, showing the changes just
// made field by field. axe-core checks every page state visited.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS, BASE_URL, Staff, assertNoProblems, checkA11y, launchBrowser, newPage,
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

const RUN = Date.now().toString(36);

/** Signs in through the console's form as `account`, landing on `path`. */
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

const themeBySlug = async (slug) => {
  const list = await admin.get('/api/v1/themes');
  assert.equal(list.status, 200);
  return list.body.themes.find((t) => t.slug === slug);
};

test('an admin adds a theme with the contrast check, renames and recolours it, then retires it', async () => {
  const page = await signedIn(ACCOUNTS.admin, '/admin/administration/themes');
  await page.locator('table.tableau').waitFor();
  await checkA11y(page, 'the themes page');

  const slug = `entraide-${RUN}`;
  await page.locator('#theme-nom').fill(`Entraide ${RUN}`);
  await page.locator('#theme-slug').fill(slug);
  await page.locator('#theme-icone').fill('panier');
  // Too light: the live check says so, and the API refuses it next to the field.
  await page.locator('#theme-couleur').fill('#FFFF00');
  await page.locator('.theme-couleur__controle', { hasText: 'trop faible' }).first().waitFor();
  await page.getByRole('button', { name: 'Ajouter le thème' }).click();
  await page.locator('#theme-couleur-erreur', { hasText: 'contraste 4,5:1' }).waitFor();
  assert.equal(await page.locator('#theme-couleur').getAttribute('aria-invalid'), 'true');
  assert.equal(await themeBySlug(slug), undefined, 'nothing stored');

  await page.locator('#theme-couleur').fill('#7C2D12');
  await page.locator('.theme-couleur__controle', { hasText: 'lisible' }).first().waitFor();
  await page.getByRole('button', { name: 'Ajouter le thème' }).click();
  await page.locator('.retour-action', { hasText: `Le thème « Entraide ${RUN} » est ajouté.` }).waitFor();
  const row = page.locator('tbody tr', { hasText: slug });
  await row.waitFor();
  assert.equal((await themeBySlug(slug)).color, '#7C2D12');
  await checkA11y(page, 'the themes page after an addition');

  // Renamed and recoloured.
  await row.getByRole('button', { name: `Modifier « Entraide ${RUN} »` }).click();
  await page.locator('#theme-modifier-nom').waitFor();
  await page.locator('#theme-modifier-nom').fill(`Entraide de voisinage ${RUN}`);
  await page.locator('#theme-modifier-couleur').fill('#14532D');
  await checkA11y(page, 'the theme edit form');
  await page.getByRole('button', { name: 'Enregistrer le thème' }).click();
  await page.locator('.retour-action', { hasText: `« Entraide de voisinage ${RUN} » est enregistré` }).waitFor();
  const stored = await themeBySlug(slug);
  assert.equal(stored.label, `Entraide de voisinage ${RUN}`);
  assert.equal(stored.color, '#14532D');

  // Retired, after a confirmation.
  const renamed = page.locator('tbody tr', { hasText: slug });
  await renamed.getByRole('button', { name: `Retirer « Entraide de voisinage ${RUN} »` }).click();
  await renamed.getByRole('button', { name: /Confirmer le retrait/ }).click();
  await page.locator('.retour-action', { hasText: 'est retiré' }).waitFor();
  await page.locator('tbody tr', { hasText: slug }).filter({ hasText: 'retiré' }).waitFor();
  assert.equal((await themeBySlug(slug)).retired, true);
  assertNoProblems(page);
});

test('the audit trail filters by who, action family and days, pages through the server and shows each change', async () => {
  // A few audited changes: accounts created and one role change.
  const ids = [];
  for (let i = 0; i < 3; i += 1) {
    const res = await admin.post('/api/v1/admin/users', {
      email: `journal-${RUN}-${i}@example.test`,
      display_name: `Journal ${i}`,
      role: 'analyst',
      password: 'une phrase de passe assez longue',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids.push(res.body.id);
  }
  const patched = await admin.request('PATCH', `/api/v1/admin/users/${ids[0]}`, { role: 'moderator' });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));

  const page = await signedIn(ACCOUNTS.admin, '/admin/administration/journal');
  await page.locator('table.tableau').waitFor();
  await checkA11y(page, 'the audit trail');

  // Who and a family of actions, typed in the filters.
  await page.locator('#journal-actor').fill(ACCOUNTS.admin.email);
  await page.locator('#journal-action').fill('user.');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.waitForURL(/action=user\./);
  const expected = (await admin.get(`/api/v1/admin/audit?action=user.&actor=${encodeURIComponent(ACCOUNTS.admin.email)}`)).body.total;
  assert.ok(expected >= 4, `${expected} user.* lines`);
  await page.locator('table.tableau caption', { hasText: `${expected} lignes` }).waitFor();
  const update = page.locator('tbody tr', { hasText: 'user.update' }).filter({ hasText: ids[0] });
  await update.waitFor();
  assert.match(await update.textContent(), /role\s: analyst → moderator/);
  await checkA11y(page, 'the audit trail, filtered');

  // One action, on one object.
  await page.locator('#journal-action').fill('user.update');
  await page.locator('#journal-entity_id').fill(ids[0]);
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.locator('table.tableau caption', { hasText: '1 ligne' }).waitFor();

  // Days: nothing before yesterday; a bad range is refused next to the field.
  await page.goto('/admin/administration/journal?to=2000-01-01');
  await page.locator('main p', { hasText: 'Aucune modification ne correspond' }).waitFor();
  await page.goto('/admin/administration/journal?from=2026-12-06&to=2026-12-01');
  await page.locator('#journal-to-erreur').waitFor();
  assert.equal(await page.locator('#journal-to').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'the audit trail with a bad date range');

  // Paging through the server (25 lines a page): more than a page of lines, page 2.
  let total = (await admin.get('/api/v1/admin/audit')).body.total;
  for (let i = 3; total <= 25; i += 1, total += 1) {
    const res = await admin.post('/api/v1/admin/users', {
      email: `journal-${RUN}-${i}@example.test`,
      display_name: `Journal ${i}`,
      role: 'analyst',
      password: 'une phrase de passe assez longue',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  const pageTwo = page.waitForResponse((r) => /\/api\/v1\/admin\/audit\?(.*&)?page=2(&|$)/.test(r.url()));
  await page.goto('/admin/administration/journal');
  await page.locator('.pagination').getByRole('link', { name: /suivante/i }).click();
  const second = await (await pageTwo).json();
  assert.equal(second.page, 2);
  await page.locator('tbody tr').first().waitFor();
  assert.equal(await page.locator('tbody tr').count(), Math.min(25, second.total - 25));
  assertNoProblems(page);
});

test('an account created with a one-time link: its holder chooses the password on /admin/mot-de-passe and the link then stops working', async () => {
  const page = await signedIn(ACCOUNTS.admin, '/admin/administration/comptes');
  await page.locator('#compte-email').waitFor();
  const email = `lien-${RUN}@example.test`;
  await page.locator('#compte-email').fill(email);
  await page.locator('#compte-nom').fill('Alix Lien');
  await page.locator('#compte-lien').check();
  assert.equal(await page.locator('#compte-mot-de-passe').count(), 0, 'no initial password asked');
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  const shown = page.locator('#compte-lien-cree code');
  await shown.waitFor();
  const link = new URL((await shown.textContent()).trim());
  assert.match(link.pathname, /^\/admin\/mot-de-passe\/[A-Za-z0-9_-]{20,}$/);
  await checkA11y(page, 'the accounts page with a new link');

  const holder = await newPage(browser);
  await holder.goto(link.pathname);
  await holder.locator('main h1', { hasText: 'Choisir votre mot de passe' }).waitFor();
  await checkA11y(holder, 'the set-password page');
  const password = 'une phrase de passe pour Alix';
  await holder.locator('#mot-de-passe').fill(password);
  await holder.locator('#mot-de-passe-confirmation').fill('autre chose encore');
  await holder.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await holder.locator('#mot-de-passe-confirmation-erreur', { hasText: 'différents' }).waitFor();
  await holder.locator('#mot-de-passe-confirmation').fill(password);
  await holder.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await holder.locator('#mot-de-passe-fait', { hasText: `Mot de passe enregistré pour ${email}` }).waitFor();
  await checkA11y(holder, 'the set-password page, done');
  const login = await Staff.login({ email, password });
  assert.equal((await login.get('/api/v1/auth/me')).status, 200);

  // Single use.
  const again = await newPage(browser);
  await again.goto(link.pathname);
  await again.locator('#mot-de-passe').fill('une autre phrase de passe');
  await again.locator('#mot-de-passe-confirmation').fill('une autre phrase de passe');
  await again.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await again.locator('#mot-de-passe-echec', { hasText: "n'est plus valable" }).waitFor();
  await checkA11y(again, 'the set-password page with a used link');
  assertNoProblems(holder);
});

test('a label is granted to an actor found by name, shows in the renewal list and is revoked from it', async () => {
  // A published actor (submitted with an initiative, both approved) and a label.
  const communes = (await (await fetch(`${BASE_URL}/api/v1/communes`)).json()).communes;
  const actorName = `Collectif des jardins ${RUN}`;
  const submitted = await fetch(`${BASE_URL}/api/v1/initiatives`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '10.89.0.1' },
    body: JSON.stringify({
      title: `Jardin partagé ${RUN}`,
      description: 'Un jardin partagé ouvert à tous les habitants du quartier.',
      themes: ['isolement'],
      location: { commune_code: communes[0].code },
      schedule: 'Le samedi matin',
      new_actor: { name: actorName, kind: 'collectif' },
    }),
  });
  assert.equal(submitted.status, 201, await submitted.text());
  // Approving the initiative publishes its new actor too.
  const queue = await admin.get('/api/v1/admin/moderation?kind=initiative&per_page=100');
  const item = queue.body.items.find((i) => i.title === `Jardin partagé ${RUN}`);
  const approved = await admin.post(`/api/v1/admin/moderation/${item.id}/approve`);
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  const actors = await (await fetch(`${BASE_URL}/api/v1/actors?q=${encodeURIComponent(actorName)}`)).json();
  assert.equal(actors.items[0]?.name, actorName, 'the actor is published');
  const slug = `jardins-${RUN}`;
  const labelName = `Jardin solidaire ${RUN}`;
  const created = await admin.post('/api/v1/admin/labels', { slug, name: labelName, criteria: 'Un jardin ouvert à tous.' });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  const page = await signedIn(ACCOUNTS.admin, '/admin/administration/labels');
  await page.locator('#labels-echeance').waitFor();
  await checkA11y(page, 'the labels page');
  await page.locator('#label-choix').selectOption(slug);
  await page.locator('#label-recherche').fill('jardins');
  await page.getByRole('button', { name: 'Chercher' }).click();
  await page.locator('#label-acteur').waitFor();
  assert.match(await page.locator('#label-acteur option:checked').textContent(), new RegExp(actorName));
  const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  await page.locator('#label-echeance').fill(inTenDays);
  await page.getByRole('button', { name: 'Attribuer le label' }).click();
  await page.locator('.retour-action', { hasText: `« ${labelName} » est attribué à ${actorName}.` }).waitFor();

  // In the renewal list (ends within 30 days), and in the label's own grants.
  const due = page.locator('section[aria-labelledby="labels-echeance"] tbody tr', { hasText: actorName });
  await due.waitFor();
  assert.match(await due.textContent(), /encore (9|10) jours/);
  await page.getByRole('link', { name: `Voir les attributions de « ${labelName} »` }).click();
  await page.locator('#label-attributions', { hasText: labelName }).waitFor();
  await page.locator('section[aria-labelledby="label-attributions"] tbody tr', { hasText: actorName }).waitFor();
  await checkA11y(page, 'the labels page with a label\'s grants');

  // Revoked from the renewal list.
  await due.getByRole('button', { name: `Retirer « ${labelName} » à ${actorName}` }).click();
  await page.locator('.retour-action', { hasText: `« ${labelName} » est retiré à ${actorName}.` }).waitFor();
  await page.locator('section[aria-labelledby="label-attributions"] tbody tr', { hasText: actorName })
    .filter({ hasText: 'retiré' }).waitFor();
  const grants = await admin.get(`/api/v1/admin/labels/${slug}/grants`);
  assert.equal(grants.body.grants[0].revoked, true);
  assertNoProblems(page);
});
