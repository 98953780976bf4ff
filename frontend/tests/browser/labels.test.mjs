// Label applications, end to end: an actor applies for a label from its page (keyboard
// only: every criterion answered, a bad link refused next to its field, the e-mail with
// its consent), gets its private link and follows the application there; a committee
// member reviews it in the console (criteria next to the answers) and approves it with
// an expiry date; the label then shows on the actor's public page. axe-core checks the
// public form, the private page and the console's list and detail pages.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS, BASE_URL, Staff, assertNoProblems, checkA11y, expectFocus, launchBrowser, newPage,
  tabTo, visit,
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

/** A published actor (through an initiative approved by the admin); returns its id. */
async function publishedActor(actorName) {
  const communes = (await (await fetch(`${BASE_URL}/api/v1/communes`)).json()).communes;
  const created = await fetch(`${BASE_URL}/api/v1/initiatives`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '10.89.0.2' },
    body: JSON.stringify({
      title: `Café des voisins ${RUN}`,
      description: 'Un café-rencontre chaque jeudi, ouvert à tous les habitants.',
      themes: ['isolement'],
      location: { commune_code: communes[0].code },
      schedule: 'Le jeudi après-midi',
      new_actor: { name: actorName, kind: 'association' },
    }),
  });
  assert.equal(created.status, 201, await created.text());
  const queue = await admin.get('/api/v1/admin/moderation?kind=initiative&per_page=100');
  const item = queue.body.items.find((i) => i.title === `Café des voisins ${RUN}`);
  const approved = await admin.post(`/api/v1/admin/moderation/${item.id}/approve`);
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  const actors = await (await fetch(`${BASE_URL}/api/v1/actors?q=${encodeURIComponent(actorName)}`)).json();
  assert.equal(actors.items[0]?.name, actorName, 'the actor is published');
  return actors.items[0].id;
}

test('an actor applies for a label, the committee approves it, the label shows on its page', async () => {
  const actorName = `Amis du quartier ${RUN}`;
  const actorId = await publishedActor(actorName);
  const slug = `anti-solitude-${RUN}`;
  const labelName = `Anti-solitude ${RUN}`;
  const created = await admin.post('/api/v1/admin/labels', { slug, name: labelName, criteria: '' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const criteria = await admin.request('PUT', `/api/v1/admin/labels/${slug}/criteria`, {
    criteria: ['Ouvert à tous', 'Au moins une rencontre par mois'],
  });
  assert.equal(criteria.status, 200, JSON.stringify(criteria.body));

  // From the actor's page to the form, with the actor already chosen.
  const page = await newPage(browser);
  await visit(page, `/acteurs/${actorId}`);
  // Also lets the actor's small map settle before the page is left.
  await checkA11y(page, 'an actor page with its links to apply for labels');
  await page.getByRole('link', { name: `Candidater au label « ${labelName} »` }).click();
  await page.locator('main h1', { hasText: `Candidater au label « ${labelName} »` }).waitFor();
  assert.equal(await page.locator('#candidature-actor_id').inputValue(), actorId);
  await checkA11y(page, 'the application form');

  // Keyboard only: answers, a bad link, the address and its consent, then send.
  await tabTo(page, 'the first criterion', () => document.activeElement?.id === 'candidature-answers-0');
  await page.keyboard.type('Oui, sans inscription ni condition.');
  await page.keyboard.press('Tab');
  await expectFocus(page, 'candidature-answers-1');
  await page.keyboard.type('Un café-rencontre chaque jeudi.');
  await page.keyboard.press('Tab');
  await expectFocus(page, 'candidature-attachment_url');
  await page.keyboard.type('ftp://asso.exemple.fr/charte.pdf');
  await page.keyboard.press('Tab');
  await page.keyboard.type('contact@amis.exemple.fr');
  await page.keyboard.press('Tab');
  await expectFocus(page, 'candidature-notify_consent');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('#candidature-attachment_url-erreur', { hasText: 'https://' }).waitFor();
  await expectFocus(page, 'resume-erreurs');
  assert.equal(await page.locator('#candidature-attachment_url').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'the application form with an error');
  await page.locator('#candidature-attachment_url').fill('https://asso.exemple.fr/charte.pdf');
  await page.locator('#candidature-attachment_url').press('Enter');

  await page.locator('#candidature-envoyee').waitFor();
  await expectFocus(page, 'candidature-envoyee');
  await page.getByRole('link', { name: 'Voir votre candidature' }).click();
  await page.locator('main h1', { hasText: 'Votre candidature' }).waitFor();
  await page.locator('dd', { hasText: 'En attente d’examen' }).waitFor();
  await page.locator('dd', { hasText: 'Un café-rencontre chaque jeudi.' }).waitFor();
  const privatePath = new URL(page.url()).pathname;
  assert.match(privatePath, /^\/labels\/candidature\/[A-Za-z0-9_-]{43}$/);
  await checkA11y(page, 'the private page of an application');

  // The committee reviews it in the console.
  const review = await signedIn(ACCOUNTS.committee, '/admin/labels');
  const row = review.locator('tbody tr', { hasText: actorName });
  await row.waitFor();
  await checkA11y(review, 'the list of label applications');
  await row.getByRole('link', { name: `Examiner la candidature de ${actorName} au label « ${labelName} »` }).click();
  await review.locator('main h1', { hasText: `Candidature de ${actorName} au label « ${labelName} »` }).waitFor();
  const answerRow = review.locator('tbody tr', { hasText: 'Au moins une rencontre par mois' });
  assert.match(await answerRow.textContent(), /Un café-rencontre chaque jeudi\./);
  await checkA11y(review, 'an application in the review');
  // Refusing needs a reason; approving needs a future date.
  await review.getByRole('button', { name: 'Refuser' }).click();
  await review.locator('#decision-motif-erreur', { hasText: 'motif' }).waitFor();
  const inOneYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  await review.locator('#decision-expiration').fill(inOneYear);
  await review.getByRole('button', { name: 'Approuver', exact: true }).click();
  await review.locator('.retour-action', { hasText: 'Candidature approuvée' }).waitFor();
  await review.locator('dd', { hasText: 'Approuvée' }).waitFor();
  await checkA11y(review, 'an approved application');
  assertNoProblems(review);

  // The applicant sees the decision; the label shows on the actor's page.
  await visit(page, privatePath);
  await page.locator('dd', { hasText: 'Approuvée' }).waitFor();
  await visit(page, `/acteurs/${actorId}`);
  await page.locator('.badge--label', { hasText: labelName }).waitFor();
  assertNoProblems(page);
});
