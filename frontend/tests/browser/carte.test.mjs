// The carte des solidarités, as people use it: an initiative submitted through the form
// (place picked on the map, a new actor), approved by a moderator through the staff API,
// then found on the map and in the list filtered by its theme (and not under another
// theme), opened from a marker with the keyboard, edited through its private link; the
// actors directory and the actor's page. axe-core checks every page visited.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  BASE_URL, PHONE, Staff, assertNoProblems, checkA11y, launchBrowser, newPage, press, visit,
  expectFocus,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const suffix = Date.now().toString(36);
const TITLE = `Épicerie solidaire ${suffix}`;
const ACTOR = `Association Entraide ${suffix}`;
const THEME = 'aide-alimentaire';
const OTHER_THEME = 'mobilite';

// Filled in by the submission test, used by the next ones.
let editLink = '';
let communeName = '';

/** The marker of the initiative titled `title` (its accessible name starts with it). */
function markerOf(page, title) {
  return page.locator(`.leaflet-marker-icon[aria-label^="${title}"]`);
}

/** The items of the result list below the map. */
function listItems(page) {
  return page.locator('#resultats .resultat');
}

test('a refused submission names each bad field next to it and in a focused summary', async () => {
  const page = await newPage(browser);
  await visit(page, '/carte/ajouter');
  await page.getByRole('button', { name: 'Envoyer l’initiative' }).click();
  const summary = page.locator('#resume-erreurs');
  await summary.waitFor();
  await expectFocus(page, 'resume-erreurs');
  assert.match(await summary.textContent(), /Titre — Ce champ est obligatoire/);
  // The title's message is tied to its input.
  const title = page.locator('#initiative-titre');
  assert.equal(await title.getAttribute('aria-invalid'), 'true');
  const describedBy = (await title.getAttribute('aria-describedby')).split(' ');
  assert.ok(describedBy.includes('initiative-titre-erreur'), describedBy.join(' '));
  assert.match(await page.locator('#initiative-titre-erreur').textContent(), /obligatoire/);
  // The summary's link leads to the field.
  await summary.getByRole('link', { name: /^Titre/ }).click();
  await expectFocus(page, 'initiative-titre');
  await checkA11y(page, 'the add form with errors');
  assertNoProblems(page);
});

test('an initiative submitted through the form shows its private edit link', async () => {
  const page = await newPage(browser);
  await visit(page, '/carte/ajouter');
  await checkA11y(page, 'the add form');

  await page.getByLabel('Titre').fill(TITLE);
  await page.getByLabel('Description').fill('Des produits frais à petit prix, chaque mercredi.');
  await page.getByLabel('Thème principal').selectOption(THEME);
  // The place: a click in the middle of the map (the territory fills it).
  const map = page.locator('.carte-leaflet--formulaire');
  await map.locator('.leaflet-marker-pane').waitFor({ state: 'attached' });
  await page.waitForFunction(() => document.querySelector('.carte-leaflet--formulaire .leaflet-overlay-pane path'));
  await map.click();
  const placed = page.getByText(/Point placé dans la commune de /);
  await placed.waitFor();
  communeName = (await placed.textContent()).replace(/^Point placé dans la commune de /, '').replace(/\.$/, '');
  assert.match(await page.getByLabel('Longitude').inputValue(), /^-?\d+,\d{6}$/);
  await page.getByLabel('Horaires').fill('Le mercredi de 14 h à 18 h');
  await page.locator('#initiative-courriel').fill('contact@entraide.example.org');
  // A new actor (the default choice).
  await page.getByLabel('Nom de la structure').fill(ACTOR);
  await page.getByLabel('Type de structure').selectOption('association');

  await page.getByRole('button', { name: 'Envoyer l’initiative' }).click();
  await page.getByRole('heading', { name: 'Merci, votre initiative a bien été envoyée' }).waitFor();
  await expectFocus(page, 'envoi-titre');
  assert.match(await page.locator('main').textContent(), /en attente de modération/);
  assert.match(await page.locator('main').textContent(), /seul moyen de modifier/);
  editLink = await page.getByLabel('Lien de modification').inputValue();
  assert.match(editLink, /\/initiatives\/modifier\/[A-Za-z0-9_-]{20,}$/);
  await checkA11y(page, 'the page after sending');
  assertNoProblems(page);
});

test('once approved, the initiative is on the map and in the list of its theme, not under another theme', async () => {
  assert.ok(editLink, 'needs the submission of the previous test');
  const staff = await Staff.login();
  const queue = await staff.get('/api/v1/admin/moderation?kind=initiative&per_page=200');
  assert.equal(queue.status, 200, JSON.stringify(queue.body));
  const item = queue.body.items.find((i) => i.kind === 'initiative' && i.title === TITLE);
  assert.ok(item, `${TITLE} is not in the moderation queue`);
  const approved = await staff.post(`/api/v1/admin/moderation/${item.id}/approve`);
  assert.equal(approved.status, 200, JSON.stringify(approved.body));

  const page = await newPage(browser);
  await visit(page, `/carte?theme=${THEME}`);
  // The filter is restored from the URL.
  assert.equal(await page.locator(`#filtre-theme-${THEME}`).isChecked(), true);
  // In the list…
  await listItems(page).filter({ hasText: TITLE }).waitFor();
  assert.match(await page.locator('.carte-page__compte').textContent(), /^\d+\u00a0initiatives?$/);
  // …and on the map, a marker reachable with the keyboard that opens the detail panel.
  const marker = markerOf(page, TITLE);
  await marker.waitFor();
  assert.equal(await marker.getAttribute('role'), 'button');
  assert.equal(await marker.getAttribute('tabindex'), '0');
  assert.match(await marker.getAttribute('aria-label'), /Aide alimentaire/);
  await marker.focus();
  await page.keyboard.press('Enter');
  const heading = page.locator('#detail-titre');
  await heading.waitFor();
  assert.equal(await heading.textContent(), TITLE);
  await expectFocus(page, 'detail-titre');
  const panel = page.locator('#detail-initiative');
  assert.match(await panel.textContent(), new RegExp(ACTOR));
  assert.match(await panel.textContent(), /Le mercredi de 14 h à 18 h/);
  await checkA11y(page, 'the carte with the detail panel open');
  // Escape closes it and gives the focus back to the marker.
  await page.keyboard.press('Escape');
  await heading.waitFor({ state: 'detached' });
  await page.waitForFunction(
    (t) => document.activeElement?.getAttribute('aria-label')?.startsWith(t),
    TITLE,
  );

  // The list opens the same detail.
  const button = listItems(page).filter({ hasText: TITLE }).getByRole('button', { name: TITLE });
  await button.click();
  await heading.waitFor();
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  await page.getByRole('button', { name: 'Fermer' }).click();
  await heading.waitFor({ state: 'detached' });
  // The focus goes back to the list item's button.
  await page.waitForFunction((t) => document.activeElement?.textContent === t, TITLE);

  // The commune filter, with the keyboard: type, arrow down, Enter.
  const commune = page.getByRole('combobox', { name: 'Commune' });
  await commune.fill(communeName);
  const options = page.locator('#filtre-commune-liste [role="option"]');
  await options.first().waitFor();
  const names = await options.locator('span:first-child').allTextContents();
  const index = names.indexOf(communeName);
  assert.ok(index >= 0, `${communeName} is not among ${names.join(', ')}`);
  await press(page, 'ArrowDown', index + 1);
  assert.equal(await commune.getAttribute('aria-activedescendant'), `filtre-commune-option-${index}`);
  await commune.press('Enter');
  await page.waitForURL(/commune=\w{5}/);
  assert.match(page.url(), new RegExp(`theme=${THEME}`));
  await listItems(page).filter({ hasText: TITLE }).waitFor();
  await markerOf(page, TITLE).waitFor();
  await page.getByRole('button', { name: 'Effacer les filtres' }).click();
  await page.waitForURL(/\/carte$/);
  await page.locator(`#filtre-theme-${THEME}`).check();
  await page.waitForURL(`**/carte?theme=${THEME}`);

  // Another theme hides it, on the map and in the list; the URL follows the filters.
  await page.locator(`#filtre-theme-${THEME}`).uncheck();
  await page.locator(`#filtre-theme-${OTHER_THEME}`).check();
  await page.waitForURL(`**/carte?theme=${OTHER_THEME}`);
  await page.locator('.carte-page__compte', { hasText: /Aucune initiative|initiatives?$/ }).waitFor();
  await page.waitForLoadState('networkidle');
  // Gone from both (the map's redraw may outlast the last request by an animation frame).
  await listItems(page).filter({ hasText: TITLE }).waitFor({ state: 'detached' });
  await markerOf(page, TITLE).waitFor({ state: 'detached' });
  await checkA11y(page, 'the carte filtered by another theme');

  // A shared link of the other theme shows nothing of it either.
  const shared = await newPage(browser);
  await visit(shared, `/carte?theme=${OTHER_THEME}`);
  await shared.locator('.carte-page__compte').filter({ hasText: /\S/ }).waitFor();
  await shared.waitForLoadState('networkidle');
  assert.equal(await listItems(shared).filter({ hasText: TITLE }).count(), 0);
  assertNoProblems(page);
  assertNoProblems(shared);
});

test('the private edit link opens the edit page, which saves a change for moderation', async () => {
  assert.ok(editLink, 'needs the submission of the first test');
  const page = await newPage(browser);
  await visit(page, new URL(editLink).pathname);
  assert.equal(await page.locator('main h1').textContent(), 'Modifier mon initiative');
  await page.getByText(/^Publiée\u00a0: l’initiative est visible sur la carte\.$/).waitFor();
  assert.equal(await page.getByLabel('Titre').inputValue(), TITLE);
  await checkA11y(page, 'the edit page');
  await page.getByLabel('Horaires').fill('Le mercredi de 14 h à 19 h');
  await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await page.getByText(/Elles seront visibles sur la carte après validation/).waitFor();
  // Withdrawing asks for a confirmation first (not confirmed here).
  await page.getByRole('button', { name: 'Retirer l’initiative…' }).click();
  await page.getByRole('button', { name: 'Oui, retirer l’initiative' }).waitFor();
  await page.getByRole('button', { name: 'Annuler' }).click();
  await checkA11y(page, 'the edit page after saving');
  assertNoProblems(page);
});

test('the actors directory lists the new actor, whose page shows its initiative on a map', async () => {
  assert.ok(editLink, 'needs the submission of the first test');
  const page = await newPage(browser);
  await visit(page, '/acteurs');
  const link = page.getByRole('link', { name: ACTOR });
  await link.waitFor();
  await checkA11y(page, 'the actors directory');
  await link.click();
  await page.locator('main h1', { hasText: ACTOR }).waitFor();
  assert.match(await page.locator('main').textContent(), /Association/);
  await page.locator('.resultat', { hasText: TITLE }).waitFor();
  await markerOf(page, TITLE).waitFor();
  await checkA11y(page, 'an actor page');
  assertNoProblems(page);
});

test('the carte is readable on a phone and the map works without tiles', async () => {
  const page = await newPage(browser, PHONE);
  await visit(page, '/carte');
  await page.locator('.carte-leaflet.leaflet-container').waitFor();
  // No tile layer on the test server: boundaries are drawn on a plain background.
  assert.equal(await page.locator('.leaflet-tile').count(), 0);
  await page.waitForFunction(() => document.querySelector('.carte-leaflet .leaflet-overlay-pane path'));
  await checkA11y(page, 'the carte (phone)');
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
  assertNoProblems(page);
});

test('the map draws the outline of every commune and the markers (in several short tasks)', async () => {
  const geojson = await (await fetch(`${BASE_URL}/api/v1/communes.geojson`)).json();
  assert.ok(geojson.features.length > 10, 'the demo territory is imported');
  const page = await newPage(browser);
  await visit(page, '/carte');
  // carte.js adds the outlines a few at a time (one Leaflet path per commune): all in the end.
  await page.waitForFunction(
    (count) => document.querySelectorAll('.carte-leaflet .leaflet-overlay-pane path').length === count,
    geojson.features.length,
  );
  await page.locator('.carte-leaflet .leaflet-marker-icon').first().waitFor();
  // The filters and the list are there too.
  await page.locator('#filtre-commune').waitFor();
  await page.locator('.filtres input[name="theme"]').first().waitFor();
  await page.locator('#resultats .resultats__liste, #resultats p').first().waitFor();
  assertNoProblems(page);
});

test('withdrawing through the private link, after a confirmation, takes it off the map', async () => {
  assert.ok(editLink, 'needs the submission of the first test');
  const page = await newPage(browser);
  await visit(page, new URL(editLink).pathname);
  await page.getByRole('button', { name: 'Retirer l’initiative…' }).click();
  await page.getByRole('button', { name: 'Oui, retirer l’initiative' }).click();
  await page.getByText('Votre initiative a été retirée de la carte.').waitFor();
  await checkA11y(page, 'the edit page after withdrawing');
  await visit(page, `/carte?theme=${THEME}`);
  await page.locator('.carte-page__compte').filter({ hasText: /\S/ }).waitFor();
  await page.waitForLoadState('networkidle');
  assert.equal(await listItems(page).filter({ hasText: TITLE }).count(), 0);
  assertNoProblems(page);
});
