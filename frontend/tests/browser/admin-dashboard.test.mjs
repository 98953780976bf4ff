// The results dashboard (/admin/resultats) and the exports page (/admin/exports): an
// analyst reads the figures of a campaign on the map and in the table, exactly as the API
// gives them, with secret cells hatched and never a number; a committee member takes the
// aggregate exports but sees no raw ones; every export downloads and parses.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

import {
  ACCOUNTS,
  BASE_URL,
  Staff,
  assertNoProblems,
  checkA11y,
  launchBrowser,
  newPage,
} from './helpers.mjs';

let browser;
let admin;
let campaign;
let communes;
const RUN = `t${Date.now().toString(36)}`;
const ANALYST = { email: `analyste-${RUN}@example.org`, password: 'analyste-des-tests-2026' };

/** One anonymous answer to the default (Landes) questionnaire, from its own address. */
async function answer(n, commune, difficulties, age) {
  const response = await fetch(`${BASE_URL}/api/v1/campaigns/${campaign.id}/responses`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `10.91.${Math.floor(n / 200)}.${(n % 200) + 1}` },
    body: JSON.stringify({
      answers: {
        difficultes: difficulties,
        ...(difficulties ? { domaines: { values: ['aide-alimentaire'], other: null } } : {}),
        tranche_age: age,
        menage: 'seul',
        commune,
      },
      commune: { code: commune },
    }),
  });
  assert.equal(response.status, 201, await response.text());
}

before(async () => {
  browser = await launchBrowser();
  admin = await Staff.login();
  const created = await admin.post('/api/v1/admin/users', {
    email: ANALYST.email,
    display_name: 'Camille Analyste',
    role: 'analyst',
    password: ANALYST.password,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  campaign = await admin.openDefaultCampaign(`Tableau de bord ${RUN}`);
  const list = await admin.get('/api/v1/communes?per_page=100');
  communes = (list.body.communes ?? list.body.items ?? list.body).map((c) => c.code);
  // Commune 0: 14 answers (visible), commune 1: 3 (secret), commune 2: 7 (secret too, or
  // commune 1 = total − the others), commune 3: 9 (visible).
  let n = 0;
  const plan = [
    [communes[0], 14],
    [communes[1], 3],
    [communes[2], 7],
    [communes[3], 9],
  ];
  for (const [commune, count] of plan) {
    for (let i = 0; i < count; i += 1) {
      await answer(n, commune, i % 3 !== 0, i % 2 === 0 ? '75_et_plus' : '25_39');
      n += 1;
    }
  }
});

after(async () => {
  await browser?.close();
});

async function signedIn(account, path) {
  const page = await newPage(browser);
  await page.goto(path);
  await page.locator('main h1', { hasText: 'Connexion du personnel' }).waitFor();
  await page.getByLabel('Adresse électronique').fill(account.email);
  await page.getByLabel('Mot de passe').fill(account.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  return page;
}

/** The API's figures of one view: code → {figure, secret}. */
async function apiView(staff, query, option) {
  const res = await staff.get(`/api/v1/admin/campaigns/${campaign.id}/results?${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const groups = res.body.groups.length ? res.body.groups : [res.body.total];
  return {
    body: res.body,
    groups: groups.map((g) => {
      const cell = g.questions[0].options.find((o) => o.value === option)?.cell;
      const secret = g.secret || cell === 'secret';
      const empty = !secret && (g.respondents.count === 0 || cell === undefined);
      return { code: g.code, name: g.name, secret, groupSecret: g.secret, empty, count: secret || empty ? null : cell.count };
    }),
  };
}

/** Waits until the table shows `n` rows for the URL's view and the page is no longer busy. */
async function settled(page, n) {
  await page.waitForFunction(
    (n) =>
      !document.querySelector('.tdb[aria-busy="true"]') &&
      document.querySelectorAll('#tdb-chiffres tbody tr').length === n,
    n,
  );
}

/** Every figure of the page equals the API's; map areas carry the legend's classes. */
async function assertSameFigures(page, api) {
  const rows = await page.locator('#tdb-chiffres tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const value = tr.querySelectorAll('td')[1];
      const cells = tr.querySelectorAll('td');
      return {
        code: tr.dataset.code,
        // The figure and its class: a secret figure shows neither (the respondents of a
        // visible commune stay visible beside a secret answer count).
        text: cells[1].textContent + cells[2].textContent,
        respondents: cells[0].textContent,
        state: value.dataset.etat,
        value: value.dataset.valeur === undefined ? null : Number(value.dataset.valeur),
      };
    }),
  );
  assert.equal(rows.length, api.groups.length, 'one row per commune or zone');
  const areas = await page.locator('svg.tdb__svg g.tdb__zone').evaluateAll((gs) =>
    gs.map((g) => ({
      code: g.dataset.code,
      state: g.dataset.etat,
      classe: g.dataset.classe ? Number(g.dataset.classe) : null,
      fill: g.getAttribute('fill'),
      label: g.getAttribute('aria-label'),
    })),
  );
  assert.equal(areas.length, api.groups.length, 'one map area per commune or zone');
  const legend = await page.locator('.tdb__legende li[data-classe]').evaluateAll((lis) =>
    lis.map((li) => ({
      classe: Number(li.dataset.classe),
      min: Number(li.dataset.min),
      max: Number(li.dataset.max),
      fill: li.querySelector('rect').getAttribute('fill'),
    })),
  );
  for (const group of api.groups) {
    const row = rows.find((r) => r.code === group.code);
    const area = areas.find((a) => a.code === group.code);
    assert.ok(row && area, `${group.code} on the page`);
    if (group.secret) {
      assert.equal(row.state, 'secret', `${group.code} marked secret in the table`);
      assert.equal(area.state, 'secret', `${group.code} hatched on the map`);
      assert.equal(area.fill, 'url(#motif-secret)');
      assert.doesNotMatch(row.text, /\d/, `no number for the secret cell of ${group.code}`);
      if (group.groupSecret) {
        assert.doesNotMatch(row.respondents, /\d/, `no respondent count for ${group.code}`);
      }
      assert.doesNotMatch(area.label.replace(group.name, ''), /\d/, `no number in the name of ${group.code}`);
    } else if (group.empty) {
      assert.equal(row.state, 'vide');
      assert.equal(area.state, 'vide');
    } else {
      assert.equal(row.value, group.count, `${group.code}: the API's figure`);
      assert.equal(area.state, 'valeur');
      const classes = legend.filter((c, i) => (i === 0 ? group.count >= c.min : group.count > c.min) && group.count <= c.max);
      assert.equal(classes.length, 1, `${group.code}: one legend class holds ${group.count}`);
      assert.equal(area.classe, classes[0].classe, `${group.code}: the legend's class`);
      assert.equal(area.fill, classes[0].fill, `${group.code}: the legend's colour`);
    }
  }
  if (api.groups.some((g) => g.secret)) {
    const k = api.body.k;
    await page.locator('.tdb__legende li[data-etat="secret"]', { hasText: `secret statistique : moins de ${k} réponses` }).waitFor();
  }
}

/**
 * The territorial indicator `indicator` beside the figures: its column in the table holds
 * the API's values, and the scatter has one point per commune outside secrecy with both
 * a figure and a value, the secret ones being counted in a note, never drawn.
 */
async function assertIndicator(page, api, indicator) {
  const values = api.body.indicator_values;
  const has = (g) => values[g.code]?.[indicator.code] !== undefined;
  const plotted = api.groups.filter((g) => !g.secret && !g.empty && has(g));
  const secret = api.groups.filter((g) => g.secret && has(g));
  await page.locator('#tdb-nuage caption', { hasText: indicator.label }).waitFor();
  await page.locator('#tdb-chiffres thead th', { hasText: indicator.label }).waitFor();
  const column = await page.locator('#tdb-chiffres tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ code: tr.dataset.code, value: tr.querySelector('td[data-indicateur]')?.dataset.indicateur })),
  );
  for (const row of column) {
    const expected = values[row.code]?.[indicator.code];
    assert.equal(row.value === undefined ? undefined : Number(row.value), expected, `${row.code}: the API's ${indicator.code}`);
  }
  const points = await page.locator('svg.tdb__nuage circle.tdb__point').evaluateAll((cs) => cs.map((c) => c.dataset.code));
  assert.ok(plotted.length > 0, 'some communes to plot');
  assert.deepEqual(points.sort(), plotted.map((g) => g.code).sort(), 'one point per non-secret commune with a value');
  for (const g of secret) {
    assert.ok(!points.includes(g.code), `${g.code} (secret) is not drawn`);
  }
  const tableCodes = await page.locator('#tdb-nuage tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.code));
  assert.deepEqual(tableCodes.sort(), plotted.map((g) => g.code).sort(), 'the scatter\'s data table');
  assert.ok(secret.length > 1, 'the seeded answers make secret communes with an indicator');
  const note = page.locator('.tdb__note-secret');
  assert.equal(await note.getAttribute('data-secretes'), String(secret.length));
  assert.equal(
    (await note.textContent()).trim(),
    `${secret.length} communes sous secret statistique ne sont pas représentées.`,
  );
  assert.equal(await page.locator('svg.tdb__nuage').getAttribute('role'), 'img');
  assert.match(await page.locator('svg.tdb__nuage title').textContent(), new RegExp(indicator.label));
  assert.match(await page.locator('svg.tdb__nuage desc').textContent(), new RegExp(`${plotted.length} au total`));
}

test('an analyst reads the dashboard: figures equal the API, classes from the legend, secret cells hatched without a number', async () => {
  const analyst = await Staff.login(ANALYST);
  const page = await signedIn(ANALYST, `/admin/resultats?campagne=${campaign.id}`);
  await page.locator('main h1', { hasText: 'Tableau de bord des résultats' }).waitFor();
  const schema = await analyst.get(`/api/v1/admin/campaigns/${campaign.id}/results?level=territory`);
  const first = schema.body.questions[0];
  await page.waitForURL((url) => url.searchParams.get('question') === first.id);
  assert.equal(await page.locator('#tdb-question').inputValue(), first.id);
  assert.equal(await page.locator('#tdb-niveau').inputValue(), 'commune');

  // Commune level, the first question and its first answer.
  let api = await apiView(analyst, `level=commune&question=${first.id}`, first.options[0].value);
  await settled(page, api.groups.length);
  await assertSameFigures(page, api);
  assert.ok(api.groups.some((g) => g.secret), 'the seeded answers make secret communes');
  assert.ok(api.groups.some((g) => g.count > 0), 'and visible ones');

  // The territorial indicators beside the figures (the test server imports
  // fixtures/demo-indicators.csv): the first by default, another one from its list.
  const indicators = api.body.indicators;
  assert.ok(indicators.length >= 2, 'the demo indicators are imported');
  assert.equal(await page.locator('#tdb-indicateur').inputValue(), indicators[0].code);
  await assertIndicator(page, api, indicators[0]);
  await checkA11y(page, 'the dashboard at commune level');
  // At 1280 px the table (indicator column included) fits: no sideways scrolling.
  await page.setViewportSize({ width: 1280, height: 900 });
  const fit = await page.locator('#tdb-chiffres').evaluate((table) => ({
    table: table.scrollWidth,
    box: table.parentElement.clientWidth,
  }));
  assert.ok(fit.table <= fit.box, `the table (${fit.table} px) fits its box (${fit.box} px) at 1280 px`);
  // By keyboard: the next indicator of the list.
  await page.locator('#tdb-indicateur').focus();
  await page.keyboard.press('ArrowDown');
  await page.waitForURL((url) => url.searchParams.get('indicateur') === indicators[1].code);
  await assertIndicator(page, api, indicators[1]);
  await page
    .waitForFunction(() => document.activeElement?.id === 'tdb-indicateur', null, { timeout: 5000 })
    .catch(() => {});
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tdb-indicateur', 'the focus stays on the list');

  // A click on a commune under secrecy (3 answers): its figures, never a number.
  const secret = api.groups.find((g) => g.groupSecret);
  await page.locator(`g.tdb__zone[data-code="${secret.code}"]`).click();
  await page.locator('.tdb__details dd', { hasText: secret.name }).waitFor();
  assert.doesNotMatch((await page.locator('.tdb__details dl').textContent()).replace(secret.name, ''), /\d/);
  // Enter on a visible one, reached by keyboard.
  const visible = api.groups.find((g) => g.count > 0);
  await page.locator(`g.tdb__zone[data-code="${visible.code}"]`).focus();
  await page.keyboard.press('Enter');
  await page.locator('.tdb__details dd', { hasText: visible.name }).waitFor();
  assert.match(await page.locator('.tdb__details dl').textContent(), new RegExp(`${visible.count}`));

  // Another question: « Votre tranche d'âge », as share of respondents, Jenks classes.
  const age = schema.body.questions.find((q) => q.id === 'tranche_age');
  await page.locator('#tdb-question').selectOption(age.id);
  await page.waitForURL((url) => url.searchParams.get('question') === age.id);
  await page.locator('#tdb-option').selectOption('75_et_plus');
  await page.locator('#tdb-methode').selectOption('jenks');
  await page.waitForURL((url) => url.searchParams.get('option') === '75_et_plus' && url.searchParams.get('methode') === 'jenks');
  api = await apiView(analyst, `level=commune&question=${age.id}`, '75_et_plus');
  await settled(page, api.groups.length);
  await assertSameFigures(page, api);

  // Territory level: one area, one row, the total.
  await page.locator('#tdb-niveau').selectOption('territory');
  await page.waitForURL((url) => url.searchParams.get('niveau') === 'territory');
  api = await apiView(analyst, `level=territory&question=${age.id}`, '75_et_plus');
  await settled(page, 1);
  await assertSameFigures(page, api);
  // The chart of the question over the territory, with its data table.
  await page.locator('#tdb-graphique tbody tr').first().waitFor();
  assert.equal(await page.locator('#tdb-graphique tbody tr').count(), age.options.length);
  await checkA11y(page, 'the dashboard at territory level');

  // A filter: perturbed values, said so.
  await page.locator('#tdb-niveau').selectOption('commune');
  await page.locator('#tdb-aide').selectOption('no');
  await page.waitForURL((url) => url.searchParams.get('aide') === 'no' && !url.searchParams.has('niveau'));
  await page.locator('[data-perturbe="true"]', { hasText: 'Valeurs perturbées' }).waitFor();
  api = await apiView(analyst, `level=commune&question=${age.id}&filter=aide:no`, '75_et_plus');
  assert.equal(api.body.perturbed, true);
  await settled(page, api.groups.length);
  await assertSameFigures(page, api);

  // The whole view is in the URL: a colleague opening it sees the same.
  const shared = page.url();
  const colleague = await newPage(browser);
  await colleague.context().addCookies(await page.context().cookies());
  await colleague.goto(shared);
  await settled(colleague, api.groups.length);
  assert.equal(await colleague.locator('#tdb-question').inputValue(), age.id);
  assert.equal(await colleague.locator('#tdb-aide').inputValue(), 'no');
  await assertSameFigures(colleague, api);
  await colleague.context().close();

  // The view as CSV: BOM, `;`, one line per commune, `secret` and never a number there.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Télécharger cette vue (CSV)' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.ok(csv.startsWith('\uFEFFcode;nom;'), 'BOM and `;`');
  const lines = csv.trim().split('\r\n');
  assert.equal(lines.length, api.groups.length + 1);
  for (const group of api.groups.filter((g) => g.secret)) {
    const line = lines.find((l) => l.startsWith(`${group.code};`));
    assert.match(line, /;secret;/);
  }
  assertNoProblems(page);
  await page.context().close();
});

test('an analyst filters on any choice question: in the URL and the captions, applied to the table, map, chart and CSV; the shared URL gives the same view', async () => {
  const analyst = await Staff.login(ANALYST);
  const page = await signedIn(ANALYST, `/admin/resultats?campagne=${campaign.id}`);
  await page.locator('main h1', { hasText: 'Tableau de bord des résultats' }).waitFor();
  const schema = await analyst.get(`/api/v1/admin/campaigns/${campaign.id}/results?level=territory`);
  const first = schema.body.questions[0];
  await page.waitForURL((url) => url.searchParams.get('question') === first.id);
  const unfiltered = await apiView(analyst, `level=commune&question=${first.id}`, first.options[0].value);
  await settled(page, unfiltered.groups.length);

  // Every choice question of the questionnaire is offered, scales and numbers are not.
  const offered = await page.locator('#tdb-filtre-question option').evaluateAll((os) => os.map((o) => o.value));
  const choices = schema.body.questions.filter((q) => q.options.length > 0).map((q) => q.id);
  assert.deepEqual(offered, ['', ...choices]);
  assert.equal(await page.locator('#tdb-filtre-question').inputValue(), '');

  // « Domaines » (a multiple choice), then two of its answers: the first ticked with the
  // mouse, the second with the keyboard (Space), the focus staying on it.
  const domaines = schema.body.questions.find((q) => q.id === 'domaines');
  await page.locator('#tdb-filtre-question').selectOption('domaines');
  await page.waitForURL((url) => url.searchParams.get('filtre') === 'domaines');
  const group = page.getByRole('group', { name: `Réponses retenues à « ${domaines.label} »` });
  await group.waitFor();
  assert.equal(await group.getByRole('checkbox').count(), domaines.options.length);
  const logement = domaines.options.find((o) => o.value === 'logement');
  const food = domaines.options.find((o) => o.value === 'aide-alimentaire');
  assert.ok(logement && food, 'the Landes questionnaire has these domains');
  await group.getByRole('checkbox', { name: food.label }).check();
  await page.waitForURL((url) => url.searchParams.get('filtre_reponses') === 'aide-alimentaire');
  const second = group.getByRole('checkbox', { name: logement.label });
  await second.focus();
  await page.keyboard.press('Space');
  // In the options' order, whatever the order of the ticks.
  const values = domaines.options.map((o) => o.value).filter((v) => v === 'logement' || v === 'aide-alimentaire');
  await page.waitForURL((url) => url.searchParams.get('filtre_reponses') === values.join(','));
  assert.equal(await second.isChecked(), true);
  assert.equal(await page.evaluate(() => document.activeElement?.type), 'checkbox', 'the focus stays on the tick box');

  // The table and the map equal the API's figures under that filter.
  const filter = `domaines:${values.join('|')}`;
  const api = await apiView(analyst, `level=commune&question=${first.id}&filter=${encodeURIComponent(filter)}`, first.options[0].value);
  assert.deepEqual(api.body.filter.answers, [{ question: 'domaines', any_of: values }]);
  assert.equal(api.body.perturbed, true);
  await page.locator('[data-perturbe="true"]').waitFor();
  await settled(page, api.groups.length);
  await assertSameFigures(page, api);

  // Said in the captions: table, map, chart.
  const labels = domaines.options.filter((o) => values.includes(o.value)).map((o) => o.label);
  const said = `${domaines.label} : ${labels.join(' ou ')}`;
  await page.locator('#tdb-chiffres caption', { hasText: said }).waitFor();
  assert.ok((await page.locator('svg.tdb__svg').getAttribute('aria-label')).includes(said), 'the map says the filter');
  await page.locator('#tdb-graphique caption', { hasText: said }).waitFor();
  // The chart: the territory's figures under the filter.
  const totals = await analyst.get(`/api/v1/admin/campaigns/${campaign.id}/results?level=territory&question=${first.id}&filter=${encodeURIComponent(filter)}`);
  const bars = await page.locator('#tdb-graphique tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[0].textContent));
  const cells = first.options.map((o) => totals.body.total.questions[0].options.find((c) => c.value === o.value).cell);
  assert.deepEqual(
    bars.map((text) => (/\d/.test(text) ? Number(text.replace(/\D/g, '')) : 'secret')),
    cells.map((cell) => (cell === 'secret' ? 'secret' : cell.count)),
  );
  // The view's CSV says it and holds the same rows; the exports of the view take the filter.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Télécharger cette vue (CSV)' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
  assert.ok(csv[0].includes(said), csv[0]);
  assert.equal(csv.length, api.groups.length + 1);
  for (const group of api.groups.filter((g) => !g.secret && !g.empty)) {
    assert.ok(csv.some((line) => line.startsWith(`${group.code};`) && line.split(';')[3] === String(group.count)), group.code);
  }
  const exportHref = await page.locator('a[href*="/exports/results.csv"]').getAttribute('href');
  assert.ok(exportHref.includes(`filter=${encodeURIComponent(filter)}`), exportHref);
  await checkA11y(page, 'the dashboard filtered on a choice question');

  // A colleague opening the URL gets the same filter, the same ticks and the same figures.
  const shared = page.url();
  assert.ok(new URL(shared).searchParams.get('filtre') === 'domaines');
  const colleague = await newPage(browser);
  await colleague.context().addCookies(await page.context().cookies());
  await colleague.goto(shared);
  await settled(colleague, api.groups.length);
  assert.equal(await colleague.locator('#tdb-filtre-question').inputValue(), 'domaines');
  const ticked = await colleague.locator('.tdb__reponses input[type="checkbox"]').evaluateAll((is) => is.filter((i) => i.checked).map((i) => i.value));
  assert.deepEqual(ticked, values);
  await colleague.locator('#tdb-chiffres caption', { hasText: said }).waitFor();
  await assertSameFigures(colleague, api);
  await colleague.context().close();

  // « Aucune » removes the filter: back to the exact figures.
  await page.locator('#tdb-filtre-question').selectOption('');
  await page.waitForURL((url) => !url.searchParams.has('filtre') && !url.searchParams.has('filtre_reponses'));
  await settled(page, unfiltered.groups.length);
  await assertSameFigures(page, unfiltered);
  assertNoProblems(page);
  await page.context().close();
});

/** Entries of a ZIP archive (XLSX): name → inflated bytes, from the central directory. */
function unzip(buffer) {
  const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'a ZIP archive');
  const entries = buffer.readUInt16LE(eocd + 10);
  let at = buffer.readUInt32LE(eocd + 16);
  const files = new Map();
  for (let i = 0; i < entries; i += 1) {
    assert.equal(buffer.readUInt32LE(at), 0x02014b50);
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extra = buffer.readUInt16LE(at + 30);
    const comment = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(data) : data);
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

/** Downloads the export link named `file` and checks that it parses. */
async function downloadAndParse(page, file) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`a[data-export="${file}"]`).click(),
  ]);
  const bytes = readFileSync(await download.path());
  if (file.endsWith('.csv')) {
    const text = bytes.toString('utf8');
    assert.ok(text.startsWith('\uFEFF'), `${file}: BOM`);
    assert.ok(text.split(/\r?\n/)[0].includes(';'), `${file}: \`;\``);
  } else if (file.endsWith('.xlsx')) {
    const files = unzip(bytes);
    assert.ok(files.has('xl/workbook.xml'), `${file}: a workbook`);
    assert.match(files.get('xl/workbook.xml').toString('utf8'), /<sheet /);
  } else {
    const json = JSON.parse(bytes.toString('utf8'));
    if (file.endsWith('.geojson')) {
      assert.equal(json.type, 'FeatureCollection', file);
    }
  }
}

test('a committee member sees the dashboard and the aggregate exports but no raw ones; each export downloads and parses', async () => {
  const page = await signedIn(ACCOUNTS.committee, '/admin/exports');
  await page.locator('main h1', { hasText: 'Exports' }).waitFor();
  await page.locator('a[data-export="resultats.csv"]').waitFor();
  const links = await page.locator('main a[data-export]').evaluateAll((as) => as.map((a) => a.dataset.export));
  assert.deepEqual(links, ['resultats.csv', 'resultats.xlsx', 'resultats.geojson']);
  assert.equal(await page.locator('a[href*="answers"]').count(), 0, 'no raw answers for the committee');
  await checkA11y(page, 'the exports page of a committee member');
  await page.locator('#exports-campagne').selectOption(campaign.id);
  for (const file of links) {
    await downloadAndParse(page, file);
  }
  // The dashboard is open to the committee too.
  await page.getByRole('link', { name: 'Résultats' }).click();
  await page.locator('main h1', { hasText: 'Tableau de bord des résultats' }).waitFor();
  await page.locator('#tdb-chiffres tbody tr').first().waitFor();
  assertNoProblems(page);
  await page.context().close();

  // An administrator takes every export, raw answers included.
  const adminPage = await signedIn(ACCOUNTS.admin, '/admin/exports');
  await adminPage.locator('a[data-export="reponses.csv"]').waitFor();
  await adminPage.locator('#exports-campagne').selectOption(campaign.id);
  const all = await adminPage.locator('main a[data-export]').evaluateAll((as) => as.map((a) => a.dataset.export));
  assert.ok(all.includes('reponses.xlsx') && all.includes('initiatives.geojson'), all.join(', '));
  for (const file of all) {
    await downloadAndParse(adminPage, file);
  }
  await checkA11y(adminPage, 'the exports page of an administrator');
  assertNoProblems(adminPage);
  await adminPage.context().close();
});

test('needs versus offer: the ranked gaps of the API, each linking to the public map of its theme near the commune', async () => {
  const analyst = await Staff.login(ANALYST);
  const api = await analyst.get(`/api/v1/admin/campaigns/${campaign.id}/gaps?limit=100`);
  assert.equal(api.status, 200, JSON.stringify(api.body));
  assert.ok(api.body.gaps.length > 0, 'the seeded answers make at least one gap');
  const page = await signedIn(ANALYST, '/admin/besoins');
  await page.locator('main h1', { hasText: 'Besoins et offre' }).waitFor();
  await page.locator('#besoins-campagne').selectOption(campaign.id);
  await page.waitForFunction(
    (n) => document.querySelectorAll('#besoins-ecarts tbody tr').length === n,
    api.body.gaps.length,
  );
  const rows = await page.locator('#besoins-ecarts tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ code: tr.dataset.code, theme: tr.dataset.theme, href: tr.querySelector('a').getAttribute('href') })),
  );
  rows.forEach((row, i) => {
    const gap = api.body.gaps[i];
    assert.equal(row.code, gap.commune, `rank ${i + 1}`);
    assert.equal(row.theme, gap.theme, `rank ${i + 1}`);
    assert.equal(row.href, `/carte?theme=${encodeURIComponent(gap.theme)}&pres=${gap.commune}`);
  });
  // No secret commune is ranked.
  const results = await analyst.get(`/api/v1/admin/campaigns/${campaign.id}/results?level=commune&question=domaines`);
  const secret = results.body.groups.filter((g) => g.secret).map((g) => g.code);
  assert.ok(rows.every((r) => !secret.includes(r.code)));
  // The gaps layer: one coloured area per ranked commune, in the class the legend gives
  // for the need share of its largest gap; the others (secret ones included) carry no
  // figure, and the page shows no number for a secret commune.
  const ranked = [...new Set(api.body.gaps.map((g) => g.commune))];
  await page.locator('svg.besoins__svg path.besoins__zone--ecart').first().waitFor();
  const areas = await page.locator('svg.besoins__svg path.besoins__zone--ecart').evaluateAll((ps) =>
    ps.map((p) => ({ code: p.dataset.code, classe: Number(p.dataset.classe), fill: p.getAttribute('fill') })),
  );
  assert.deepEqual(areas.map((a) => a.code).sort(), ranked.sort(), 'one area per ranked gap commune');
  const legend = await page.locator('.tdb__legende li[data-classe]').evaluateAll((lis) =>
    lis.map((li) => ({ classe: Number(li.dataset.classe), fill: li.querySelector('rect').getAttribute('fill') })),
  );
  for (const area of areas) {
    assert.equal(legend.find((l) => l.classe === area.classe)?.fill, area.fill, `${area.code}: the legend's colour`);
  }
  const all = await page.locator('svg.besoins__svg path').count();
  assert.equal(all, communes.length, 'every commune drawn');
  for (const code of secret) {
    assert.ok(!areas.some((a) => a.code === code), `${code} (secret) not coloured`);
  }
  await page.locator('.tdb__legende li[data-etat="aucun"]', { hasText: 'secret statistique' }).waitFor();
  await checkA11y(page, 'the needs versus offer page');
  assertNoProblems(page);
  await page.context().close();
});

/** A point of each commune's outline (the mean of its vertices): close enough to pick neighbours. */
async function communeCentres() {
  const geojson = await (await fetch(`${BASE_URL}/api/v1/communes.geojson`)).json();
  return new Map(
    geojson.features.map((f) => {
      const rings = f.geometry.type === 'Polygon' ? [f.geometry.coordinates[0]] : f.geometry.coordinates.map((p) => p[0]);
      const points = rings.flat();
      const lon = points.reduce((sum, p) => sum + p[0], 0) / points.length;
      const lat = points.reduce((sum, p) => sum + p[1], 0) / points.length;
      return [f.properties.code, { lon, lat }];
    }),
  );
}

test('a gap leads to the initiatives of its theme near the commune, a neighbour\'s included, nearest first', async () => {
  const analyst = await Staff.login(ANALYST);
  const gaps = await analyst.get(`/api/v1/admin/campaigns/${campaign.id}/gaps?limit=100`);
  assert.equal(gaps.status, 200, JSON.stringify(gaps.body));
  const gap = gaps.body.gaps[0];
  assert.ok(gap, 'the seeded answers make a gap');
  // An initiative of the gap's theme in the nearest other commune, published.
  const centres = await communeCentres();
  const here = centres.get(gap.commune);
  const [neighbour] = [...centres.entries()]
    .filter(([code]) => code !== gap.commune)
    .sort(([, a], [, b]) => Math.hypot(a.lon - here.lon, a.lat - here.lat) - Math.hypot(b.lon - here.lon, b.lat - here.lat))[0];
  const title = `Épicerie voisine ${RUN}`;
  const response = await fetch(`${BASE_URL}/api/v1/initiatives`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '10.92.0.1' },
    body: JSON.stringify({
      title,
      description: 'Des colis chaque semaine pour les familles de la commune et des alentours.',
      themes: [gap.theme],
      location: { commune_code: neighbour },
      new_actor: { name: `Association ${title}`, kind: 'association' },
    }),
  });
  const created = await response.json();
  assert.equal(response.status, 201, JSON.stringify(created));
  const approved = await admin.post(`/api/v1/admin/moderation/${created.id}/approve`);
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  const near = await (await fetch(`${BASE_URL}/api/v1/initiatives?theme=${encodeURIComponent(gap.theme)}&near=${gap.commune}&per_page=100`)).json();
  const ours = near.items.find((i) => i.id === created.id);
  assert.ok(ours, 'the API lists the neighbour\'s initiative near the commune');
  assert.equal(ours.commune.code, neighbour);
  assert.ok(ours.distance_km > 0 && ours.distance_km <= near.near.radius_km, String(ours.distance_km));

  // From the gaps page, the gap's link.
  const page = await signedIn(ANALYST, '/admin/besoins');
  await page.locator('main h1', { hasText: 'Besoins et offre' }).waitFor();
  await page.locator('#besoins-campagne').selectOption(campaign.id);
  const link = page.locator(`#besoins-ecarts tr[data-code="${gap.commune}"][data-theme="${gap.theme}"] a`);
  await link.waitFor();
  await link.click();
  await page.waitForURL((url) => url.pathname === '/carte' && url.searchParams.get('pres') === gap.commune && url.searchParams.get('theme') === gap.theme);
  // The public map around the commune: what it shows, and the list nearest first with
  // the distances in French format, the neighbour's initiative among them.
  const notice = page.locator(`.carte-page__pres[data-pres="${gap.commune}"]`);
  await notice.waitFor();
  const noticeText = await notice.textContent();
  assert.ok(noticeText.includes(gap.commune_name), noticeText);
  assert.match(noticeText, /moins de 20\u00a0km/);
  const item = page.locator('.resultat', { hasText: title });
  await item.waitFor();
  const distance = await item.locator('.resultat__distance').textContent();
  const expected = ours.distance_km.toFixed(1).replace(/\.0$/, '').replace('.', ',');
  assert.equal(distance, `à ${expected}\u00a0km`);
  const shown = await page.locator('.resultat').evaluateAll((lis) => lis.map((li) => Number(li.querySelector('.resultat__distance')?.dataset.distance)));
  const again = await (await fetch(`${BASE_URL}/api/v1/initiatives?theme=${encodeURIComponent(gap.theme)}&near=${gap.commune}&per_page=20`)).json();
  assert.deepEqual(shown, again.items.map((i) => i.distance_km), 'the API\'s order and distances');
  assert.ok(shown.every((d, i) => i === 0 || shown[i - 1] <= d), 'nearest first');
  // The map is there, centred on the commune (its markers come from the same query).
  await page.locator('#carte-initiatives .leaflet-marker-icon').first().waitFor();
  await checkA11y(page, 'the public map near a commune');
  // Leaving the search around the commune: the whole territory again.
  await page.getByRole('button', { name: 'Voir tout le territoire' }).click();
  await page.waitForURL((url) => !url.searchParams.has('pres') && url.searchParams.get('theme') === gap.theme);
  await page.locator('.carte-page__pres').waitFor({ state: 'detached' });
  assertNoProblems(page);
  await page.context().close();
});
