// Settings are stored in the database and in force on every instance without restart: a
// second `solidarites serve` is started on the test server's database (as a second
// instance behind a load balancer), then an administrator changes the map tiles and their
// credit in the console of the first instance, and the public map of the second instance
// shows the new credit, with no restart.
//
// `cargo xtask browser` passes the binary, the database and the frontend folder of the
// test server (SOLIDARITES_TEST_BINARY, SOLIDARITES_TEST_DATABASE_URL,
// SOLIDARITES_TEST_FRONTEND_DIR).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';

import {
  ACCOUNTS, Staff, assertNoProblems, checkA11y, launchBrowser, newPage,
} from './helpers.mjs';

const BINARY = process.env.SOLIDARITES_TEST_BINARY ?? '';
const DATABASE_URL = process.env.SOLIDARITES_TEST_DATABASE_URL ?? '';
const FRONTEND_DIR = process.env.SOLIDARITES_TEST_FRONTEND_DIR ?? '';
if (!BINARY || !DATABASE_URL || !FRONTEND_DIR) {
  throw new Error('run with `cargo xtask browser`: the second instance needs SOLIDARITES_TEST_BINARY, SOLIDARITES_TEST_DATABASE_URL and SOLIDARITES_TEST_FRONTEND_DIR');
}

const RUN = `i${Date.now().toString(36)}`;
const CREDIT = `Fond de carte du département ${RUN}`;

let browser;
let admin;
let second;
let secondUrl;

/** Whether nothing listens on 127.0.0.1:`port`. */
function isFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function freePort() {
  for (let tries = 0; tries < 50; tries += 1) {
    const port = 18000 + Math.floor(Math.random() * 1000);
    if (await isFree(port)) return port;
  }
  throw new Error('no free port in 18000–18999');
}

async function waitFor(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

before(async () => {
  browser = await launchBrowser();
  admin = await Staff.login();
  const port = await freePort();
  secondUrl = `http://127.0.0.1:${port}`;
  second = spawn(
    BINARY,
    ['serve', '--bind', `127.0.0.1:${port}`, '--frontend-dir', FRONTEND_DIR, '--territory-refresh-secs', '1'],
    {
      env: { ...process.env, DATABASE_URL, SOLIDARITES_TILE_URL: '', RUST_LOG: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitFor('the second instance', async () => (await fetch(`${secondUrl}/api/v1/health`)).ok);
});

after(async () => {
  // Back to the defaults, for the other tests of the run.
  const reset = await admin?.request('PUT', '/api/v1/admin/settings', {});
  second?.kill();
  await browser?.close();
  assert.equal(reset?.status, 200, JSON.stringify(reset?.body));
});

const secondConfig = async () => (await fetch(`${secondUrl}/api/v1/config`)).json();

test('a setting changed in the console takes effect on a second instance on the same database, without restart', async () => {
  assert.equal((await secondConfig()).tile_url, null, 'no tiles on the second instance at first');

  // The console of the first instance.
  const page = await newPage(browser);
  await page.goto('/admin/administration/parametres');
  await page.locator('main h1', { hasText: 'Connexion du personnel' }).waitFor();
  await page.getByLabel('Adresse électronique').fill(ACCOUNTS.admin.email);
  await page.getByLabel('Mot de passe').fill(ACCOUNTS.admin.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.locator('#parametre-tile_url').waitFor();
  await page.locator('#parametre-tile_url').fill('https://tuiles.invalid/{z}/{x}/{y}.png');
  await page.locator('#parametre-tile_attribution').fill(CREDIT);
  await page.getByRole('button', { name: 'Enregistrer les paramètres' }).click();
  await page.locator('.retour-action', { hasText: 'Paramètres enregistrés' }).waitFor();
  await checkA11y(page, 'the settings page after a change');
  assertNoProblems(page);

  // The second instance reads them from the database within its refresh period.
  await waitFor('the new settings on the second instance', async () => (await secondConfig()).tile_attribution === CREDIT);
  assert.equal((await secondConfig()).tile_url, 'https://tuiles.invalid/{z}/{x}/{y}.png');

  // And its public map shows the credit (the tiles themselves cannot load here).
  const resident = await newPage(browser);
  await resident.goto(`${secondUrl}/carte`);
  await resident.locator('.leaflet-control-attribution', { hasText: CREDIT }).first().waitFor();
});
