// The console's campaigns and assisted entry, as a moderator works with them: a campaign
// created from a questionnaire (its errors next to the fields first), a crisis campaign
// activated in one step and then closed; an agent types two paper answers with the
// keyboard only (the form emptied and the focus back on the first question after each,
// a running count), and the campaign's page counts them under "Papier", per channel and
// per day. axe-core checks every page state visited.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS, Staff, assertNoProblems, checkA11y, launchBrowser, newPage, tabTo, visit,
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

const RUN = `c${Date.now().toString(36)}`;

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

async function campaignByTitle(title) {
  const list = await admin.get('/api/v1/admin/campaigns?per_page=100');
  assert.equal(list.status, 200, JSON.stringify(list.body));
  return list.body.campaigns.find((c) => c.title === title);
}

test('a moderator creates a campaign, activates a crisis campaign and closes it', async () => {
  const page = await signedIn(ACCOUNTS.moderator, '/admin/campagnes');
  await page.locator('main h1', { hasText: 'Questionnaires et campagnes' }).waitFor();
  await page.locator('table.tableau, main p:has-text("Aucune campagne")').first().waitFor();
  await checkA11y(page, 'the campaigns page');

  // Without a title or questionnaire: the API's messages next to the fields.
  await page.getByRole('button', { name: 'Créer la campagne' }).click();
  await page.locator('#campagne-titre-erreur').waitFor();
  assert.match(await page.locator('#campagne-questionnaire-erreur').textContent(), /Choisissez un questionnaire/);
  assert.equal(await page.locator('#campagne-titre').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('.retour-action').textContent(), /Échec/);
  await checkA11y(page, 'the creation form with its errors');

  const title = `Consultation des aînés ${RUN}`;
  await page.locator('#campagne-titre').fill(title);
  await page.locator('#campagne-description').fill('Les besoins des personnes âgées isolées.');
  await page.locator('#campagne-questionnaire').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Créer la campagne' }).click();
  await page.locator('.retour-action', { hasText: `La campagne « ${title} » est créée.` }).waitFor();
  const row = page.locator('tbody tr', { has: page.locator('th', { hasText: title }) });
  await row.waitFor();
  assert.match(await row.textContent(), /Brouillon/);
  assert.match(await row.textContent(), /version 1/);
  const created = await campaignByTitle(title);
  assert.equal(created.status, 'draft');
  await checkA11y(page, 'the campaigns page after a creation');

  // Crisis: one button, the campaign is open at once on the default questionnaire.
  await page.getByRole('button', { name: 'Activer une campagne de crise' }).click();
  const done = page.locator('.retour-action', { hasText: 'reçoit les réponses dès maintenant' });
  await done.waitFor();
  const crisisTitle = (await done.textContent()).match(/«\s(.+)\s»/)[1];
  const crisis = await campaignByTitle(crisisTitle);
  assert.ok(crisis, `the crisis campaign « ${crisisTitle} » is stored`);
  assert.equal(crisis.status, 'open');
  assert.equal(crisis.accepting_answers, true);
  const crisisRow = page.locator('tbody tr', { has: page.locator('th', { hasText: crisisTitle }) });
  await crisisRow.waitFor();
  assert.match(await crisisRow.textContent(), /Ouverte/);
  await checkA11y(page, 'the campaigns page after a crisis activation');

  // Close it, from its row.
  await crisisRow.getByRole('button', { name: `Clôturer « ${crisisTitle} »` }).click();
  await page.locator('.retour-action', { hasText: `« ${crisisTitle} » est clôturée.` }).waitFor();
  await page.locator('tbody tr', { has: page.locator('th', { hasText: crisisTitle }) })
    .filter({ hasText: 'Clôturée' }).waitFor();
  const closed = await campaignByTitle(crisisTitle);
  assert.equal(closed.status, 'closed');
  assert.equal(closed.accepting_answers, false);

  // Open the draft now, from its own page.
  await row.getByRole('link', { name: title }).click();
  await page.locator('main h1', { hasText: title }).waitFor();
  await page.locator('#reponses-total').waitFor();
  await checkA11y(page, 'a campaign page');
  await page.getByRole('button', { name: `Ouvrir maintenant « ${title} »` }).click();
  await page.locator('.retour-action', { hasText: `« ${title} » est ouverte.` }).waitFor();
  await page.locator('#campagne-statut', { hasText: 'Ouverte' }).waitFor();
  assert.equal((await campaignByTitle(title)).accepting_answers, true);
  assertNoProblems(page);
});

test('an agent types two paper answers with the keyboard only and the campaign counts them by channel', async () => {
  const campaign = await admin.openDefaultCampaign(`Saisie papier ${RUN}`);
  const page = await signedIn(ACCOUNTS.moderator, `/admin/saisie?campagne=${campaign.id}`);
  await page.locator('#q-difficultes').waitFor();
  assert.equal(await page.locator('#saisie-campagne').inputValue(), campaign.id);
  assert.equal(await page.locator('#saisie-canal').inputValue(), 'papier');
  await checkA11y(page, 'the assisted entry page');
  const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');

  // Sent empty: the same errors as the public form, in a focused summary.
  await tabTo(page, 'the save button', () => document.activeElement?.textContent === 'Enregistrer ce questionnaire');
  await page.keyboard.press('Enter');
  await page.locator('#resume-erreurs').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'resume-erreurs');
  assert.match(await page.locator('#q-difficultes-erreur').textContent(), /Cette question est obligatoire\./);
  assert.match(await page.locator('#saisie-compte').textContent(), /Aucun questionnaire saisi/);
  await checkA11y(page, 'the assisted entry with errors');
  assert.equal(await admin.answerCount(campaign.id), 0, 'nothing stored');

  for (const n of [1, 2]) {
    if (n === 1) {
      await tabTo(page, '#q-difficultes', () => document.activeElement?.id === 'q-difficultes');
    } else {
      assert.equal(await focusedId(), 'q-difficultes', 'the focus is back on the first question');
    }
    await page.keyboard.press('ArrowRight'); // « Non »
    assert.equal(await page.locator('#q-difficultes-1').isChecked(), true);
    await tabTo(page, '#q-commune', () => document.activeElement?.id === 'q-commune');
    await page.keyboard.type('fictif');
    await page.locator('#q-commune-liste [role="option"]').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('.autocompletion__choisie', { hasText: 'Val-Fictif (00100)' }).waitFor();
    await tabTo(page, 'the save button', () => document.activeElement?.textContent === 'Enregistrer ce questionnaire');
    await page.keyboard.press('Enter');
    const expected = n === 1 ? '1 questionnaire saisi' : '2 questionnaires saisis';
    await page.locator('#saisie-compte', { hasText: expected }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'q-difficultes');
    assert.equal(await page.locator('#q-difficultes-1').isChecked(), false, 'the form is emptied');
    assert.equal(await page.locator('#q-commune').inputValue(), '');
    assert.match(await page.locator('.retour-action').textContent(), new RegExp(`n°\\s${n} enregistré \\(canal\\s: Papier\\)`));
  }
  await checkA11y(page, 'the assisted entry after two answers');
  assert.equal(await admin.answerCount(campaign.id), 2);

  // The campaign's page: two answers on paper, per channel and per day.
  await visit(page, `/admin/campagnes/${campaign.id}`);
  await page.locator('#par-canal').waitFor();
  assert.match(await page.locator('#reponses-total').textContent(), /2 réponses reçues/);
  const paper = page.locator('#par-canal tbody tr', { has: page.locator('th', { hasText: 'Papier' }) });
  assert.equal((await paper.locator('td.nombre').textContent()).trim(), '2');
  const days = page.locator('#par-jour tbody tr');
  assert.equal(await days.count(), 1);
  assert.equal((await days.first().locator('td.nombre').textContent()).trim(), '2');
  assert.match(await days.first().textContent(), /Papier\s: 2/);
  await checkA11y(page, 'the campaign page with its answers');
  assertNoProblems(page);
});
