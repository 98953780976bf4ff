// The needs questionnaire: answered end to end with the keyboard only (Tab, Space, Enter,
// arrow keys: no mouse), a required question left empty (its error shown, linked to the
// field, nothing stored), answers surviving a reload, and a double-click on submit storing
// one answer; a commune chosen by clicking in it on the small map. axe-core checks every
// state visited.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  BASE_URL, PHONE, Staff, assertNoProblems, checkA11y, launchBrowser, newPage, press, tabTo, visit,
} from './helpers.mjs';

let browser;
let staff;
let campaign;

before(async () => {
  browser = await launchBrowser();
  staff = await Staff.login();
  campaign = await staff.openDefaultCampaign('Consultation des tests du questionnaire');
});
after(async () => {
  await browser?.close();
});

const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');
const draftKey = () => `solidarites.questionnaire.${campaign.id}`;

/** Presses Tab until the element with this id has the focus. */
const tabToId = (page, id, options) =>
  tabTo(page, `#${id}`, (wanted) => document.activeElement?.id === wanted, options, id);

async function heading(page) {
  return (await page.locator('#etape-titre').textContent()).trim();
}

test('a required question left empty shows its error next to it, linked, and stores nothing', async () => {
  const page = await newPage(browser);
  await visit(page, `/questionnaire/${campaign.id}`);
  await page.locator('#q-difficultes').waitFor();
  await checkA11y(page, 'the first step of the questionnaire');
  const before = await staff.answerCount(campaign.id);

  await tabTo(page, 'the next button', () => document.activeElement?.textContent === 'Étape suivante');
  await page.keyboard.press('Enter');

  // The summary takes the focus and links to the field.
  await page.locator('#resume-erreurs').waitFor();
  await page.waitForFunction((id) => document.activeElement?.id === id, 'resume-erreurs', { timeout: 5000 }).catch(() => {});
  assert.equal(await focusedId(page), 'resume-erreurs');
  const summary = await page.locator('#resume-erreurs').textContent();
  assert.match(summary, /1 erreur à corriger/);
  assert.match(summary, /Cette question est obligatoire\./);

  // The message sits next to the field and the field is described by it.
  const describedBy = await page.locator('fieldset:has(#q-difficultes)').getAttribute('aria-describedby');
  assert.ok(describedBy.split(' ').includes('q-difficultes-erreur'), `aria-describedby="${describedBy}"`);
  assert.match(await page.locator('#q-difficultes-erreur').textContent(), /Cette question est obligatoire\./);
  assert.equal(await heading(page), 'Votre situation', 'still on the first step');
  await checkA11y(page, 'the first step with its error');

  // Following the summary's link moves the focus to the field.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.activeElement?.id === id, 'q-difficultes', { timeout: 5000 }).catch(() => {});
  assert.equal(await focusedId(page), 'q-difficultes');

  assert.equal(await staff.answerCount(campaign.id), before, 'nothing was stored');
  assertNoProblems(page);
});

test('the default questionnaire can be answered end to end with the keyboard only', async () => {
  const page = await newPage(browser);
  await visit(page, `/questionnaire/${campaign.id}`);
  await page.locator('#q-difficultes').waitFor();
  const before = await staff.answerCount(campaign.id);
  assert.match(await page.locator('.progression__texte').textContent(), /Étape 1 sur 5/);

  // Step 1: yes (Space on the first radio), two domains (Space on checkboxes); the
  // severity questions of the chosen domains appear; the third step of a scale by arrows.
  await tabToId(page, 'q-difficultes');
  await page.keyboard.press('Space');
  await page.locator('#q-domaines').waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await focusedId(page), 'q-domaines');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await page.locator('#q-gravite_aide_alimentaire').waitFor();
  await page.locator('#q-gravite_isolement').waitFor();
  assert.equal(await page.locator('#q-gravite_sante').count(), 0, 'only the chosen domains');
  await tabToId(page, 'q-gravite_aide_alimentaire');
  await press(page, 'ArrowRight', 2);
  assert.equal(await page.locator('#q-gravite_aide_alimentaire-2').isChecked(), true);
  await checkA11y(page, 'the first step with conditional questions shown');
  await tabTo(page, 'the next button', () => document.activeElement?.textContent === 'Étape suivante');
  await page.keyboard.press('Enter');

  // Step 2: the focus is on the step's heading (moved there at the frame after the step
  // is drawn, so the heading can be seen a moment before it has the focus).
  await page.locator('#etape-titre', { hasText: 'L\'aide reçue' }).waitFor();
  await page.waitForFunction((id) => document.activeElement?.id === id, 'etape-titre', { timeout: 5000 }).catch(() => {});
  assert.equal(await focusedId(page), 'etape-titre');
  assert.match(await page.locator('.progression__texte').textContent(), /Étape 2 sur 5/);
  await tabToId(page, 'q-aide');
  await page.keyboard.press('Space');
  await page.locator('#q-aide_par').waitFor();
  await tabToId(page, 'q-aide_par-2');
  await page.keyboard.press('Space');
  await tabToId(page, 'q-ce_qui_aurait_aide');
  await page.keyboard.type('Une aide pour les courses pendant le confinement.');
  await tabTo(page, 'the next button', () => document.activeElement?.textContent === 'Étape suivante');
  await page.keyboard.press('Enter');

  // Step 3.
  await page.locator('#etape-titre', { hasText: 'Vos propositions' }).waitFor();
  await tabToId(page, 'q-propositions');
  await page.keyboard.type('Un réseau de voisins solidaires dans chaque commune.');
  await tabToId(page, 'q-role');
  await page.keyboard.press('Space');
  await tabTo(page, 'the next button', () => document.activeElement?.textContent === 'Étape suivante');
  await page.keyboard.press('Enter');

  // Step 4: age by arrow keys, household, commune through the autocomplete.
  await page.locator('#etape-titre', { hasText: 'Vous concernant' }).waitFor();
  await tabToId(page, 'q-tranche_age');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#q-tranche_age-1').isChecked(), true);
  await tabToId(page, 'q-menage');
  await page.keyboard.press('Space');
  await tabToId(page, 'q-commune');
  await page.keyboard.type('fictif');
  await page.locator('#q-commune-liste [role="option"]').first().waitFor();
  assert.equal(await page.locator('#q-commune').getAttribute('aria-expanded'), 'true');
  await checkA11y(page, 'the commune autocomplete, open');
  await page.keyboard.press('ArrowDown');
  assert.equal(
    await page.locator('#q-commune').getAttribute('aria-activedescendant'),
    'q-commune-option-0',
  );
  await page.keyboard.press('Enter');
  await page.locator('.autocompletion__choisie', { hasText: 'Val-Fictif (00100)' }).waitFor();
  await tabTo(page, 'the next button', () => document.activeElement?.textContent === 'Étape suivante');
  await page.keyboard.press('Enter');

  // Review.
  await page.locator('#etape-titre', { hasText: 'Relisez vos réponses' }).waitFor();
  assert.match(await page.locator('.progression__texte').textContent(), /Étape 5 sur 5/);
  const review = await page.locator('main').textContent();
  for (const expected of ['Aide alimentaire, Isolement et lien social', '3 sur 4', 'Une association',
    'Val-Fictif (00100)', '25 à 39 ans', 'Oui, comme bénévole']) {
    assert.ok(review.includes(expected), `the review shows « ${expected} »`);
  }
  await checkA11y(page, 'the review step');
  await tabTo(page, 'the submit button', () => document.activeElement?.textContent === 'Envoyer mes réponses');
  await page.keyboard.press('Enter');

  // The optional volunteer step, then the thank-you page.
  await page.locator('#etape-titre', { hasText: 'Souhaitez-vous vous engager' }).waitFor();
  assert.equal(await staff.answerCount(campaign.id), before + 1, 'one answer stored');
  assert.equal(await page.evaluate((key) => localStorage.getItem(key), draftKey()), null,
    'the answers in progress are cleared after sending');
  await checkA11y(page, 'the volunteer step');
  await tabToId(page, 'benevole-name');
  await page.keyboard.type('Camille Testeuse');
  await tabToId(page, 'benevole-email');
  await page.keyboard.type('camille@example.test');
  assert.equal(await page.locator('#benevole-commune').inputValue(), 'Val-Fictif (00100)');
  await tabToId(page, 'benevole-consent');
  await page.keyboard.press('Space');
  await tabTo(page, 'the send button', () => document.activeElement?.textContent === 'Envoyer mes coordonnées');
  await page.keyboard.press('Enter');
  await page.locator('#etape-titre', { hasText: 'Merci pour votre participation' }).waitFor();
  assert.match(await page.locator('main').textContent(), /Vos coordonnées ont bien été enregistrées/);
  await checkA11y(page, 'the thank-you page');

  const volunteers = await staff.get('/api/v1/admin/volunteers');
  assert.equal(volunteers.status, 200);
  const volunteer = volunteers.body.volunteers.find((v) => v.email === 'camille@example.test');
  assert.ok(volunteer, 'the volunteer is stored');
  assert.equal(volunteer.commune, '00001');
  assert.match(volunteer.consent_text, /^J’accepte que la collectivité conserve/);
  assertNoProblems(page);
});

test('answers in progress survive a page reload', async () => {
  const page = await newPage(browser, PHONE);
  await visit(page, `/questionnaire/${campaign.id}`);
  await page.locator('label[for="q-difficultes-1"]').click();
  await page.getByRole('button', { name: 'Étape suivante' }).click();
  await page.locator('#etape-titre', { hasText: 'L\'aide reçue' }).waitFor();
  await page.locator('label[for="q-aide"]').click();
  await page.locator('#q-ce_qui_aurait_aide').fill('Texte gardé malgré le rechargement.');

  await page.reload();
  await page.locator('#etape-titre', { hasText: 'L\'aide reçue' }).waitFor();
  assert.equal(await page.locator('#q-aide').isChecked(), true);
  assert.equal(await page.locator('#q-ce_qui_aurait_aide').inputValue(), 'Texte gardé malgré le rechargement.');
  await page.locator('text=Vos réponses en cours ont été retrouvées').waitFor();
  await checkA11y(page, 'the questionnaire after a reload (phone)');
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);

  await page.getByRole('button', { name: 'Étape précédente' }).click();
  await page.locator('#etape-titre', { hasText: 'Votre situation' }).waitFor();
  assert.equal(await page.locator('#q-difficultes-1').isChecked(), true, '« Non » is still chosen');
  assertNoProblems(page);
});

test('a double-click on submit stores one answer', async () => {
  const page = await newPage(browser);
  await visit(page, `/questionnaire/${campaign.id}`);
  const before = await staff.answerCount(campaign.id);
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

  await page.getByRole('button', { name: 'Envoyer mes réponses' }).dblclick();
  await page.locator('#etape-titre', { hasText: 'Souhaitez-vous vous engager' }).waitFor();
  // Give a second request the time to land, were there one.
  await page.waitForTimeout(500);
  assert.equal(await staff.answerCount(campaign.id), before + 1, 'one answer, not two');
  const counts = await staff.get(`/api/v1/admin/campaigns/${campaign.id}/counts`);
  assert.ok(counts.body.by_commune['00002'] >= 1, 'stored for the commune chosen by postal code');
  await page.getByRole('button', { name: 'Non merci, terminer' }).click();
  await page.locator('#etape-titre', { hasText: 'Merci pour votre participation' }).waitFor();
  assertNoProblems(page);
});

test('a commune can be chosen by clicking in it on a small map', async () => {
  const page = await newPage(browser);
  await visit(page, `/questionnaire/${campaign.id}`);
  await page.locator('label[for="q-difficultes-1"]').click();
  const next = page.getByRole('button', { name: 'Étape suivante' });
  for (const title of ['L\'aide reçue', 'Vos propositions', 'Vous concernant']) {
    await next.click();
    await page.locator('#etape-titre', { hasText: title }).waitFor();
  }
  // Closed at first: the map and Leaflet are only loaded on demand.
  assert.equal(await page.locator('.leaflet-container').count(), 0);
  const toggle = page.getByRole('button', { name: 'Choisir sur une carte' });
  await toggle.click();
  assert.equal(await page.getByRole('button', { name: 'Masquer la carte' }).getAttribute('aria-expanded'), 'true');
  await page.waitForFunction(() => document.querySelector('.carte-leaflet--commune .leaflet-overlay-pane path'));
  await checkA11y(page, 'the small map of the communes, open');

  // Click in the middle of the biggest commune drawn (the map on screen first).
  await page.locator('.carte-leaflet--commune').scrollIntoViewIfNeeded();
  const box = await page.evaluate(() => {
    let best = null;
    for (const path of document.querySelectorAll('.carte-leaflet--commune .leaflet-overlay-pane path')) {
      const r = path.getBoundingClientRect();
      if (!best || r.width * r.height > best.width * best.height) {
        best = { x: r.x, y: r.y, width: r.width, height: r.height };
      }
    }
    return best;
  });
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('.autocompletion__choisie').waitFor();
  const shown = await page.locator('#q-commune').inputValue();
  const name = shown.replace(/ \(\d+\)$/, '');
  assert.ok(name.length > 0, 'the commune clicked fills the field');
  assert.match(await page.locator('.autocompletion__choisie').textContent(), /Commune choisie/);
  const found = await (await fetch(`${BASE_URL}/api/v1/communes?q=${encodeURIComponent(name)}`)).json();
  const commune = found.communes.find((c) => c.name === name);
  assert.ok(commune, `${name} is a commune of the territory`);

  const countOf = async () =>
    (await staff.get(`/api/v1/admin/campaigns/${campaign.id}/counts`)).body.by_commune[commune.code] ?? 0;
  const before = await countOf();
  await next.click();
  await page.locator('#etape-titre', { hasText: 'Relisez vos réponses' }).waitFor();
  await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
  await page.locator('#etape-titre', { hasText: 'Souhaitez-vous vous engager' }).waitFor();
  assert.equal(await countOf(), before + 1, 'the answer is stored for the commune clicked');
  assertNoProblems(page);
});
