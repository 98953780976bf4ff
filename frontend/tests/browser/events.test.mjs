// The agenda: an association submits an event with the form (keyboard only, with an
// address to be told of the decision), a moderator approves it in the console's
// moderation queue, and it shows in the agenda's list and on its map (a keyboard marker
// leading to its page), on its page with its .ics file, in the map layer and in the
// iCalendar feed; the decision's e-mail is in the console's « Courriels », and the
// volunteers' matches have their console page. axe-core checks every new page.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS, BASE_URL, assertNoProblems, checkA11y, launchBrowser, newPage, visit,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// Unique per run, so that the test also passes on a database that already has its event.
const RUN = `e${Date.now().toString(36)}`;
const TITLE = `Après-midi jeux de société (${RUN})`;

/** `YYYY-MM-DDTHH:MM`, `days` from today at `time` (what a datetime-local field takes). */
function at(days, time) {
  const d = new Date(Date.now() + days * 86400000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${time}`;
}

test('an association submits an event, a moderator approves it, it shows everywhere', async () => {
  const page = await newPage(browser);
  await visit(page, '/agenda');
  await page.locator('main h1', { hasText: 'Agenda' }).waitFor();
  await page.locator('#abonnement-titre').waitFor();
  assert.match(await page.locator('.abonnement').textContent(), /Ajouter un calendrier avec abonnement/);
  assert.match(await page.locator('.abonnement').textContent(), /À partir de l’URL/);
  assert.match(await page.locator('#abonnement-adresse').inputValue(), /\/api\/v1\/events\.ics$/);
  assert.equal(await page.locator('nav.menu a[aria-current="page"]').textContent(), 'Agenda');
  await checkA11y(page, 'the agenda');

  // The form, sent empty: the errors are named and the summary takes the focus.
  await visit(page, '/agenda/proposer');
  await page.getByRole('button', { name: 'Envoyer l’événement' }).click();
  await page.locator('#resume-erreurs').waitFor();
  assert.equal(await page.locator('#evenement-title').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'the event form with its errors');

  // Filled with the keyboard.
  await page.locator('#evenement-title').focus();
  await page.keyboard.type(TITLE);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Jeux, goûter et rencontres ; ouvert à tous, petits et grands.');
  await page.locator('#evenement-themes').selectOption('isolement');
  await page.locator('#evenement-occurrences-0-start').fill(at(6, '14:00'));
  await page.locator('#evenement-occurrences-0-end').fill(at(6, '17:30'));
  await page.locator('#evenement-location').fill('val-fic');
  await page.locator('#evenement-location-liste [role="option"]').first().waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('#evenement-address').fill('Salle des associations');
  await page.locator('#evenement-accessibility-motor').check();
  // An address without consent is refused, named next to the box.
  await page.locator('#evenement-notify_email').fill('association@exemple.fr');
  await page.getByRole('button', { name: 'Envoyer l’événement' }).click();
  await page.locator('#resume-erreurs').waitFor();
  assert.equal(await page.locator('#evenement-notify_consent').getAttribute('aria-invalid'), 'true');
  // The summary takes the focus once rendered: only then move to the box, or the focus
  // would be taken back before the Space reaches it.
  await page.waitForFunction(() => document.activeElement?.id === 'resume-erreurs');
  await page.locator('#evenement-notify_consent').focus();
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#evenement-notify_consent').isChecked(), true);
  await page.getByRole('button', { name: 'Envoyer l’événement' }).click();
  await page.locator('#evenement-envoye').waitFor();
  const editLink = await page.locator('main a[href^="/agenda/modifier/"]').getAttribute('href');
  assert.ok(editLink, 'the private link is shown');
  await checkA11y(page, 'the event sent');

  // A moderator approves it in the console.
  await page.goto('/admin/moderation?kind=event');
  await page.waitForURL(/\/admin\/connexion/);
  await page.getByLabel('Adresse électronique').fill(ACCOUNTS.moderator.email);
  await page.getByLabel('Mot de passe').fill(ACCOUNTS.moderator.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/admin\/moderation\?kind=event$/);
  const item = page.locator('.moderation__element').filter({
    has: page.locator('.moderation__titre', { hasText: TITLE }),
  });
  await item.waitFor();
  await checkA11y(page, 'the moderation queue of events');
  await item.getByRole('button', { name: 'Approuver' }).click();
  await item.waitFor({ state: 'detached' });

  // In the agenda's list and on its map, on its page with the .ics file, on the map
  // layer, in the feed.
  await visit(page, '/agenda?commune=');
  const card = page.locator('.evenement', { hasText: TITLE });
  await card.waitFor();
  assert.match(await card.textContent(), /Val-Fictif|Salle des associations/);
  assert.equal(
    await page.locator('#agenda-commune option[value=""]').textContent(),
    'Toutes les communes',
  );
  const marker = page.locator(`.carte-leaflet--agenda .leaflet-marker-icon[aria-label^="${TITLE}"]`);
  await marker.waitFor();
  assert.equal(await marker.getAttribute('tabindex'), '0');
  await checkA11y(page, 'the agenda with its map');
  await marker.focus();
  await page.keyboard.press('Enter');
  await page.locator('main h1', { hasText: TITLE }).waitFor();
  const ics = page.getByRole('link', { name: /Ajouter à mon agenda/ });
  assert.match(await ics.getAttribute('href'), /^\/api\/v1\/events\/[0-9a-f-]+\.ics$/);
  assert.match(await page.locator('main').textContent(), /handicap moteur/);
  await checkA11y(page, 'the event page');
  const id = (await ics.getAttribute('href')).match(/events\/([0-9a-f-]+)\.ics/)[1];

  const map = await (await fetch(`${BASE_URL}/api/v1/events.geojson`)).json();
  assert.ok(map.features.some((f) => f.properties.id === id), 'the event is on the map layer');
  const feed = await fetch(`${BASE_URL}/api/v1/events.ics`);
  assert.equal(feed.headers.get('content-type'), 'text/calendar; charset=utf-8');
  const text = (await feed.text()).replaceAll('\r\n ', '');
  assert.ok(text.includes(`UID:event-${id}-1@solidarites`), 'the event is in the feed');

  // Its private page: the keyboard reaches the status, cancelling is published at once.
  await visit(page, editLink);
  await page.locator('#evenement-statut').waitFor();
  await checkA11y(page, 'the private edit page');
  await page.locator('#evenement-statut').focus();
  await page.locator('#evenement-statut').selectOption('cancelled');
  await page.getByRole('button', { name: 'Enregistrer le statut' }).click();
  await page.locator('main', { hasText: 'Enregistré.' }).waitFor();
  const after = (await (await fetch(`${BASE_URL}/api/v1/events/${id}.ics`)).text());
  assert.match(after, /STATUS:CANCELLED/);
  assertNoProblems(page);
});

test('the console lists the e-mails and the volunteers to put in touch', async () => {
  const page = await newPage(browser);
  await page.goto('/admin/connexion?retour=%2Fadmin%2Fmises-en-relation');
  await page.getByLabel('Adresse électronique').fill(ACCOUNTS.admin.email);
  await page.getByLabel('Mot de passe').fill(ACCOUNTS.admin.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/admin\/mises-en-relation$/);
  await page.locator('main h1', { hasText: 'Bénévoles à mettre en relation' }).waitFor();
  await page.locator('main .intro, main [role="alert"]').first().waitFor();
  await checkA11y(page, 'the volunteers to put in touch');
  // The radius, by keyboard, goes to the address.
  await page.locator('#relations-rayon').focus();
  await page.keyboard.type('25');
  await page.keyboard.press('Enter');
  await page.waitForURL(/radius_km=25/);

  // « Courriels », reached from the menu with the keyboard.
  const link = page.locator('a.console__lien', { hasText: 'Courriels' });
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/admin\/courriels$/);
  await page.locator('main h1', { hasText: 'Courriels' }).waitFor();
  const table = page.locator('main table.tableau');
  await table.waitFor();
  // The event decision of the first test, recipient masked, never its text.
  assert.match(await table.textContent(), /Décision sur un événement/);
  assert.match(await table.textContent(), /a…@exemple\.fr/);
  assert.doesNotMatch(await table.textContent(), /association@exemple\.fr/);
  await checkA11y(page, 'the outbox');
  assertNoProblems(page);
});
