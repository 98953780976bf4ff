// The carte with many initiatives. Over 500 published and no filter, the map draws the
// server's clusters (`GET /api/v1/initiatives/clusters`, per view) instead of every marker;
// a cluster opens (zooms in) with the keyboard; under a filter the browser groups the
// initiatives itself (leaflet.markercluster). The initiatives are submitted through the public API as many residents (the
// test server trusts X-Forwarded-For), approved in one bulk decision, and archived again
// at the end so that the other test files find the map as they expect it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  BASE_URL, Staff, assertNoProblems, checkA11y, launchBrowser, newPage, visit,
} from './helpers.mjs';

/** Above the map's threshold for server clusters (500, `CLUSTER_ABOVE` in carte.js). */
const COUNT = 520;
const THEMES = ['aide-alimentaire', 'isolement'];
const PREFIX = 'Grappe de test';

let browser;
let staff;
const created = [];

async function submit(body, n) {
  const response = await fetch(`${BASE_URL}/api/v1/initiatives`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      // One resident each: anonymous submissions are throttled per address.
      'X-Forwarded-For': `10.77.${Math.floor(n / 250)}.${(n % 250) + 1}`,
    },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  assert.equal(response.status, 201, JSON.stringify(answer));
  return answer.id;
}

before(async () => {
  browser = await launchBrowser();
  staff = await Staff.login();
  const { communes } = await (await fetch(`${BASE_URL}/api/v1/communes`)).json();
  assert.ok(communes.length > 10, 'the demo territory is imported');
  const content = (n) => ({
    title: `${PREFIX} n° ${n}`,
    description: 'Une initiative de plus, pour que la carte en compte des centaines.',
    themes: [THEMES[n % THEMES.length]],
    location: { commune_code: communes[n % communes.length].code },
  });

  // The first one brings its actor; once approved, the others name it.
  const first = await submit({ ...content(0), new_actor: { name: 'Réseau des grappes', kind: 'association' } }, 0);
  let decided = await staff.post('/api/v1/admin/moderation/bulk', { action: 'approve', ids: [first] });
  assert.equal(decided.status, 200, JSON.stringify(decided.body));
  created.push(first);
  const actors = await (await fetch(`${BASE_URL}/api/v1/actors?q=${encodeURIComponent('Réseau des grappes')}`)).json();
  const actorId = (actors.items ?? [])[0]?.id;
  assert.ok(actorId, 'the actor is published with its first initiative');

  const ids = [];
  for (let n = 1; n < COUNT; n += 20) {
    const batch = [];
    for (let k = n; k < Math.min(n + 20, COUNT); k += 1) {
      batch.push(submit({ ...content(k), actor_id: actorId }, k));
    }
    ids.push(...(await Promise.all(batch)));
  }
  // At most 500 per bulk decision.
  for (let i = 0; i < ids.length; i += 250) {
    const lot = ids.slice(i, i + 250);
    decided = await staff.post('/api/v1/admin/moderation/bulk', { action: 'approve', ids: lot });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    created.push(...lot);
  }
});

after(async () => {
  // Off the map again, so that the other files see the few markers they expect.
  for (const id of created) {
    await staff?.post(`/api/v1/admin/moderation/${id}/archive`, {});
  }
  await browser?.close();
});

const clusters = (page) => page.locator('.carte-leaflet .grappe');
const countOf = (text) => Number(text.replace(/\D/g, ''));

/**
 * Waits until the map's groups and lone markers hold exactly `total` initiatives (zoom
 * animations leave the groups of two levels in the page for a moment).
 */
const mapHolds = (page, total) =>
  page.waitForFunction((expected) => {
    const icons = [...document.querySelectorAll('.carte-leaflet .leaflet-marker-icon')];
    const held = icons.reduce(
      (sum, icon) => sum + (icon.classList.contains('grappe') ? Number(icon.textContent.trim()) : 1),
      0,
    );
    return held === expected;
  }, total);

test('over 500 initiatives, the map shows the server clusters, which add up to the list', async () => {
  const page = await newPage(browser);
  const firstLoad = page.waitForRequest((r) => r.url().includes('/api/v1/initiatives/clusters?zoom='));
  await visit(page, '/carte');
  await firstLoad;
  await clusters(page).first().waitFor();
  const total = countOf(await page.locator('.carte-page__compte').textContent());
  assert.ok(total >= COUNT, `the list counts ${total} initiatives`);

  // Every initiative of the view is in one cluster (or drawn alone): the counts add up.
  await mapHolds(page, total);
  const counts = await clusters(page).evaluateAll((nodes) => nodes.map((n) => Number(n.textContent.trim())));
  // Named for screen readers, with the themes it holds, and reachable by keyboard.
  const biggest = clusters(page).nth(counts.indexOf(Math.max(...counts)));
  assert.match(await biggest.getAttribute('aria-label'), /initiatives/);
  assert.match(await biggest.getAttribute('aria-label'), /Aide alimentaire|Isolement/);
  assert.equal(await biggest.getAttribute('tabindex'), '0');
  await checkA11y(page, 'the carte with server clusters');

  // Enter on a cluster zooms in, and the server is asked again for the new view.
  const zoomOf = (url) => Number(new URL(url).searchParams.get('zoom'));
  const before = zoomOf((await firstLoad).url());
  const next = page.waitForRequest((r) => r.url().includes('/api/v1/initiatives/clusters?zoom='));
  await biggest.focus();
  await page.keyboard.press('Enter');
  assert.ok(zoomOf((await next).url()) > before, 'a closer view');
  assertNoProblems(page);
});

test('under a theme filter, the browser groups the initiatives itself: no server clusters', async () => {
  const page = await newPage(browser);
  let clusterRequests = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/initiatives/clusters')) clusterRequests += 1;
  });
  await visit(page, `/carte?theme=${THEMES[1]}`);
  await clusters(page).first().waitFor();
  await page.waitForLoadState('networkidle');
  assert.equal(clusterRequests, 0, 'no server clusters under a filter');
  const total = countOf(await page.locator('.carte-page__compte').textContent());
  assert.ok(total >= COUNT / 2, `${total} initiatives of the theme`);
  // The plug-in's groups (same look and name as the server's) hold every one of them.
  await mapHolds(page, total);
  await checkA11y(page, 'the carte filtered, grouped in the browser');
  assertNoProblems(page);
});
