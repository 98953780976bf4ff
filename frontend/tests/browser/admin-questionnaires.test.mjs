// The questionnaire editor, as an administrator uses it: the default questionnaire opened
// from the list; a question added to a section, given a condition on an earlier question
// (picked in a menu, then its answer), moved; the domain's validation error (a bad id)
// shown next to the field after a save and in the summary; saved; the live preview (the
// residents' own renderer) shows the question only once the condition holds; and the
// public questionnaire of a campaign on it shows it, hidden until the condition holds.
// A new questionnaire is created from the list. axe-core checks every state visited.
//
// The default questionnaire is put back as it was at the end: the later test files
// answer it step by step.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS, Staff, assertNoProblems, checkA11y, launchBrowser, newPage, visit,
} from './helpers.mjs';

let browser;
let admin;
let original;
before(async () => {
  browser = await launchBrowser();
  admin = await Staff.login();
  const list = await admin.get('/api/v1/admin/questionnaires');
  assert.equal(list.status, 200, JSON.stringify(list.body));
  original = list.body.questionnaires[0];
  assert.ok(original, 'the default questionnaire is missing');
});
after(async () => {
  if (original) {
    const restored = await admin.request('PUT', `/api/v1/admin/questionnaires/${original.id}`, {
      definition: original.latest.definition,
    });
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
  }
  await browser?.close();
});

const RUN = `q${Date.now().toString(36)}`;
const LABEL = 'Cette aide est-elle arrivée à temps ?';

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

const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

test('an admin adds a conditional question to the default questionnaire and the public questionnaire shows it only when the condition holds', async () => {
  const page = await signedIn(ACCOUNTS.admin, '/admin/questionnaires');
  await page.locator('main h1', { hasText: 'Questionnaires' }).waitFor();
  await page.locator('table.tableau').waitFor();
  await checkA11y(page, 'the questionnaires list');
  await page.getByRole('link', { name: `Modifier « ${original.title} »` }).click();
  await page.locator('main h1', { hasText: `Modifier « ${original.title} »` }).waitFor();
  await page.locator('#ed-sections-1-title').waitFor();
  await checkA11y(page, 'the editor with its preview');

  // A question added to the second section: the focus goes to its label.
  const before = original.latest.definition.sections[1].questions.length;
  const q = `ed-sections-1-questions-${before}`;
  await page.getByRole('button', { name: 'Ajouter une question à « L\'aide reçue »' }).click();
  await page.locator(`#${q}-label`).waitFor();
  await page.waitForFunction((id) => document.activeElement?.id === id, `${q}-label`, { timeout: 5000 }).catch(() => {});
  assert.equal(await focusedId(page), `${q}-label`);
  await page.locator(`#${q}-label`).fill(LABEL);
  await page.locator(`#${q}-id`).fill('Aide Rapide');
  await page.locator(`#${q}-required`).check();

  // The condition: an earlier question picked in a menu, then its answer.
  await page.locator(`#${q}-show_if-question`).selectOption('aide');
  await page.locator(`#${q}-show_if-any_of`).waitFor();
  await page.locator(`#${q}-show_if-any_of`).getByLabel('Oui').check();
  await checkA11y(page, 'the editor with a condition being built');

  // Saved with a bad id: the domain's message beside the field and in the summary.
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.locator(`#${q}-id-erreur`).waitFor();
  assert.match(await page.locator(`#${q}-id-erreur`).textContent(), /L'identifiant « Aide Rapide » doit faire de 1 à 40 caractères/);
  assert.equal(await page.locator(`#${q}-id`).getAttribute('aria-invalid'), 'true');
  assert.ok(
    (await page.locator(`#${q}-id`).getAttribute('aria-describedby')).split(' ').includes(`${q}-id-erreur`),
  );
  const summary = page.locator('#resume-erreurs');
  await summary.waitFor();
  assert.match(await summary.textContent(), new RegExp(`Section 2, question ${before + 1}\\s: Identifiant`));
  assert.match(await page.locator('.retour-action').first().textContent(), /Échec/);
  await checkA11y(page, 'the editor with a validation error');
  let stored = await admin.get(`/api/v1/admin/questionnaires/${original.id}`);
  assert.equal(
    stored.body.latest.definition.sections[1].questions.length, before, 'nothing saved yet',
  );

  // Fixed, then moved one place up by keyboard: the focus follows the question.
  await page.locator(`#${q}-id`).fill('aide_a_temps');
  await page.locator(`#${q}-monter`).focus();
  await page.keyboard.press('Enter');
  const moved = `ed-sections-1-questions-${before - 1}`;
  await page.waitForFunction((id) => document.activeElement?.id === id, `${moved}-monter`, { timeout: 5000 }).catch(() => {});
  assert.equal(await focusedId(page), `${moved}-monter`);
  assert.equal(await page.locator(`#${moved}-label`).inputValue(), LABEL);
  assert.equal(await page.locator(`#${moved}-show_if-question`).inputValue(), 'aide');

  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  const done = page.locator('.retour-action', { hasText: /Questionnaire enregistré \(version|est créée/ });
  await done.waitFor();
  assert.equal(await page.locator('#resume-erreurs').count(), 0);
  stored = await admin.get(`/api/v1/admin/questionnaires/${original.id}`);
  const added = stored.body.latest.definition.sections[1].questions[before - 1];
  assert.deepEqual(
    { id: added.id, label: added.label, required: added.required, show_if: added.show_if },
    { id: 'aide_a_temps', label: LABEL, required: true, show_if: { question: 'aide', any_of: ['yes'] } },
  );
  await checkA11y(page, 'the editor after a save');

  // The preview: the residents' renderer, the question hidden until « Oui » to « aide ».
  const preview = page.locator('.editeur__apercu');
  assert.equal(await preview.locator('#q-aide_a_temps').count(), 0, 'hidden in the preview');
  await preview.locator('#q-aide').check();
  await preview.locator('#q-aide_a_temps').waitFor();
  assert.match(await preview.textContent(), /Cette aide est-elle arrivée à temps/);
  await preview.locator('#q-aide-1').check();
  await preview.locator('#q-aide_a_temps').waitFor({ state: 'detached' });

  // The public questionnaire of a campaign on it.
  const campaign = await admin.openDefaultCampaign(`Campagne de l'éditeur ${RUN}`);
  const resident = await newPage(browser);
  await visit(resident, `/questionnaire/${campaign.id}`);
  await resident.locator('#q-difficultes-1').check();
  await resident.getByRole('button', { name: 'Étape suivante' }).click();
  await resident.locator('#etape-titre', { hasText: 'L\'aide reçue' }).waitFor();
  assert.equal(await resident.locator('#q-aide_a_temps').count(), 0, 'hidden until « aide » is yes');
  await resident.locator('#q-aide').check();
  await resident.locator('#q-aide_a_temps').waitFor();
  assert.match(
    await resident.locator('fieldset:has(#q-aide_a_temps)').textContent(),
    /Cette aide est-elle arrivée à temps/,
  );
  await checkA11y(resident, 'the public questionnaire with the added question shown');
  await resident.locator('#q-aide-1').check();
  await resident.locator('#q-aide_a_temps').waitFor({ state: 'detached' });
  assertNoProblems(resident);
  assertNoProblems(page);
});

test('a new questionnaire is created from the list and opens in the editor', async () => {
  const page = await signedIn(ACCOUNTS.admin, '/admin/questionnaires');
  await page.locator('table.tableau').waitFor();
  const title = `Veille de quartier ${RUN}`;
  await page.locator('#questionnaire-nouveau-titre').fill(title);
  await page.getByRole('button', { name: 'Créer le questionnaire' }).click();
  await page.locator('main h1', { hasText: `Modifier « ${title} »` }).waitFor();
  assert.equal(await page.locator('#ed-title').inputValue(), title);
  assert.equal(await page.locator('#ed-sections-0-questions-0-label').inputValue(), 'Nouvelle question');

  // A choice question with a scale after it, saved: every kind's fields come and go.
  await page.locator('#ed-sections-0-questions-0-kind').selectOption('single_choice');
  await page.locator('#ed-sections-0-questions-0-kind-options-0-label').waitFor();
  await page.getByRole('button', { name: 'Ajouter une question à « Nouvelle section »' }).click();
  await page.locator('#ed-sections-0-questions-1-kind').selectOption('scale');
  await page.locator('#ed-sections-0-questions-1-kind-max').fill('0');
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.locator('#ed-sections-0-questions-1-kind-max-erreur', { hasText: 'supérieur au minimum' }).waitFor();
  await checkA11y(page, 'a new questionnaire with an error');
  await page.locator('#ed-sections-0-questions-1-kind-max').fill('4');
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.locator('.retour-action', { hasText: 'Questionnaire enregistré (version 1)' }).waitFor();

  const list = await admin.get('/api/v1/admin/questionnaires?per_page=100');
  const created = list.body.questionnaires.find((x) => x.title === title);
  assert.ok(created, 'the new questionnaire is stored');
  const kinds = created.latest.definition.sections[0].questions.map((x) => x.kind.type);
  assert.deepEqual(kinds, ['single_choice', 'scale']);
  assert.equal(created.latest.definition.sections[0].questions[1].kind.max, 4);
  assertNoProblems(page);
});
