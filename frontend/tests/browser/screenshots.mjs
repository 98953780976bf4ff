// Screenshots of every page at desktop (1280×800) and phone (360×740) width into
// docs/screenshots/, and the first-load weight of the map page (gzipped), printed as a
// Markdown table. Run by `cargo xtask screenshots`, against `solidarites demo` on a fresh
// database (so the pages show the demo content).

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { ACCOUNTS, BASE_URL, DESKTOP, PHONE, launchBrowser, newPage } from './helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const outDir = join(root, 'docs', 'screenshots');
mkdirSync(outDir, { recursive: true });

async function api(path) {
  const response = await fetch(`${BASE_URL}${path}`);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

const actors = await api('/api/v1/actors').catch(() => ({ items: [] }));
const actorId = (actors.items ?? actors.actors ?? [])[0]?.id;
const proposals = await api('/api/v1/proposals?sort=most_supported&per_page=1');
const proposalId = proposals.items[0]?.id;

/**
 * The pages: file name, path, and an optional step run before the capture. Add a page
 * here to get its two screenshots.
 */
const PAGES = [
  { name: 'accueil', path: '/' },
  { name: 'carte', path: '/carte' },
  { name: 'carte-ajouter', path: '/carte/ajouter' },
  { name: 'acteurs', path: '/acteurs' },
  ...(actorId ? [{ name: 'acteur', path: `/acteurs/${actorId}` }] : []),
  { name: 'questionnaire', path: '/questionnaire', ready: '#q-difficultes' },
  {
    name: 'questionnaire-erreur',
    path: '/questionnaire',
    ready: '#q-difficultes',
    before: async (page) => {
      await page.getByRole('button', { name: 'Étape suivante' }).click();
      await page.locator('#resume-erreurs').waitFor();
      await page.evaluate(() => document.getElementById('etape-titre').scrollIntoView());
    },
  },
  { name: 'propositions', path: '/propositions', ready: '.proposition' },
  ...(proposalId ? [{ name: 'proposition', path: `/propositions/${proposalId}`, ready: '.frise' }] : []),
  { name: 'proposition-nouvelle', path: '/propositions/nouvelle' },
  { name: 'page-introuvable', path: '/page-qui-n-existe-pas' },
  // The staff console: sign-in, then (signed in as the test admin) home and moderation.
  { name: 'console-connexion', path: '/admin/connexion' },
  { name: 'console-accueil', path: '/admin', setup: signIn, ready: '.console-files' },
  { name: 'console-moderation', path: '/admin/moderation', ready: '.moderation__raccourcis' },
  { name: 'console-campagnes', path: '/admin/campagnes', ready: 'table.tableau' },
  { name: 'console-saisie', path: '/admin/saisie', ready: '#saisie-compte' },
  { name: 'console-propositions', path: '/admin/propositions', ready: 'table.tableau' },
  { name: 'console-benevoles', path: '/admin/benevoles', ready: '#conservation' },
  { name: 'console-comptes', path: '/admin/administration/comptes', ready: 'table.tableau' },
  { name: 'console-parametres', path: '/admin/administration/parametres', ready: '#parametre-secrecy_k' },
  {
    name: 'console-tableau-de-bord',
    path: '/admin/resultats',
    ready: '#tdb-chiffres tbody tr',
    // The map and the table, below the view's controls.
    before: async (page) => {
      await page.evaluate(() => document.getElementById('tdb-carte-titre').scrollIntoView());
    },
  },
  {
    name: 'console-indicateurs',
    // The demo's poverty rate against the share of respondents reporting a difficulty.
    path: '/admin/resultats?mesure=part&indicateur=taux_pauvrete',
    setup: signIn,
    ready: 'svg.tdb__nuage circle',
    before: async (page) => {
      await page.evaluate(() => {
        document.getElementById('tdb-nuage-titre').scrollIntoView();
        window.scrollBy(0, -24);
      });
    },
  },
  { name: 'console-besoins', path: '/admin/besoins', setup: signIn, ready: '#besoins-ecarts tbody tr' },
  { name: 'console-exports', path: '/admin/exports', ready: 'a[data-export]' },
  { name: 'console-questionnaires', path: '/admin/questionnaires', ready: 'table.tableau' },
  {
    name: 'console-editeur',
    path: '/admin/questionnaires',
    ready: 'table.tableau',
    before: async (page) => {
      await page.locator('table.tableau a').first().click();
      await page.locator('#ed-sections-1-questions-0-label').waitFor();
      await page.waitForLoadState('networkidle');
      // The second section, a conditional question in the preview shown.
      await page.locator('.editeur__apercu #q-difficultes').check();
      await page.evaluate(() => document.getElementById('ed-sections-1').scrollIntoView());
    },
  },
  { name: 'console-themes', path: '/admin/administration/themes', ready: 'table.tableau' },
  {
    name: 'console-journal',
    path: '/admin/administration/journal',
    ready: 'table.tableau',
    before: async (page) => {
      await page.evaluate(() => document.querySelector('.filtres .boutons').scrollIntoView());
    },
  },
];

/** Signs the page's browser context in as the test admin (the session cookie). */
async function signIn(page) {
  const response = await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ACCOUNTS.admin),
  });
  if (!response.ok) throw new Error(`sign-in: HTTP ${response.status}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('solidarites_session='));
  const [name, value] = cookie.split('=');
  await page.context().addCookies([{ name, value, url: BASE_URL }]);
}

// SCREENSHOTS_ONLY=name,name… takes only those pages (each signs in when it needs to).
const only = process.env.SCREENSHOTS_ONLY?.split(',').filter(Boolean);
const chosen = only ? PAGES.filter((p) => only.includes(p.name)) : PAGES;

const browser = await launchBrowser();
for (const [suffix, viewport] of [['bureau', DESKTOP], ['telephone', PHONE]]) {
  const page = await newPage(browser, viewport);
  for (const { name, path, ready, before, setup } of chosen) {
    if (setup) await setup(page);
    await page.goto(path);
    await page.locator(ready ?? 'main h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    if (before) await before(page);
    // Let fonts, tiles and transitions settle.
    await page.waitForTimeout(300);
    const file = join(outDir, `${name}-${suffix}.png`);
    await page.screenshot({ path: file });
    console.log(`docs/screenshots/${name}-${suffix}.png`);
  }
  if (page.problems.length) {
    console.error(page.problems.join('\n'));
    process.exitCode = 1;
  }
  await page.context().close();
}

// First-load weight of the map page: every same-origin file the browser loads for a
// fresh visit of /carte (HTML, JS, CSS, wasm, Leaflet and its images), API answers apart,
// each gzipped at level 9 as a server would send it.
const page = await newPage(browser, DESKTOP);
const files = new Map();
page.on('response', async (response) => {
  const url = new URL(response.url());
  if (url.origin !== new URL(BASE_URL).origin || response.status() !== 200) return;
  try {
    const body = await response.body();
    files.set(url.pathname, { bytes: body.length, gzip: gzipSync(body, { level: 9 }).length });
  } catch {
    // a body the browser did not keep (redirect, aborted)
  }
});
await page.goto('/carte');
await page.locator('main h1').first().waitFor();
await page.waitForLoadState('networkidle');
await page.waitForTimeout(500);
await browser.close();

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const rows = [...files.entries()].sort((a, b) => b[1].gzip - a[1].gzip);
const isApi = ([path]) => path.startsWith('/api/');
let total = { bytes: 0, gzip: 0 };
console.log('\nFirst load of /carte (same-origin files, gzip -9):\n');
console.log('| file | raw | gzip |\n|---|---:|---:|');
for (const [path, size] of rows.filter((r) => !isApi(r))) {
  total = { bytes: total.bytes + size.bytes, gzip: total.gzip + size.gzip };
  console.log(`| \`${path}\` | ${kib(size.bytes)} | ${kib(size.gzip)} |`);
}
if (![...files.keys()].some((path) => path.includes('leaflet'))) {
  console.error('the map page did not load Leaflet: the weight above is incomplete');
  process.exitCode = 1;
}
console.log(`| **total (app + Leaflet)** | ${kib(total.bytes)} | **${kib(total.gzip)}** |`);
const apiRows = rows.filter(isApi);
if (apiRows.length) {
  console.log('\nAPI answers on that load (data, not counted above):\n');
  for (const [path, size] of apiRows) {
    console.log(`- \`${path}\`: ${kib(size.bytes)} raw, ${kib(size.gzip)} gzip`);
  }
}
