// Dashboard timing on a 1,000,000-answer campaign (issue 14 point 7): from a change of
// question, level or filter to the new map and table painted, in headless Chromium.
// Usage: node dash-timing.mjs http://127.0.0.1:PORT email password
import { chromium } from 'playwright-core';

const [base, email, password] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
const page = await context.newPage();
const login = await page.request.post(`${base}/api/v1/auth/login`, { data: { email, password } });
if (!login.ok()) throw new Error(`login ${login.status()}`);
const started = Date.now();
await page.goto(`${base}/admin/resultats`);
await page.locator('#tdb-chiffres tbody tr').first().waitFor({ timeout: 120000 });
const firstView = Date.now() - started;

/** Runs `change`, then waits until the table differs from before, nothing is loading and
 * two frames were painted; returns the milliseconds taken. */
async function timed(change) {
  const before = await page.locator('#tdb-chiffres').innerText();
  const t0 = await page.evaluate(() => performance.now());
  await change();
  await page.waitForFunction(
    (prev) => {
      const table = document.querySelector('#tdb-chiffres');
      return table && table.innerText !== prev && !document.querySelector('[aria-busy="true"]')
        && document.querySelectorAll('g.tdb__zone').length > 0;
    },
    before,
    { polling: 'raf', timeout: 30000 },
  );
  const t1 = await page.evaluate(() => new Promise((resolve) =>
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())))));
  return t1 - t0;
}

const questions = await page.locator('#tdb-question option').evaluateAll((os) => os.map((o) => o.value));
const samples = { question: [], level: [], filter: [] };
// Each question once (the first view of each computes nothing new server-side: one cut of
// the protected table), then levels and a filter back and forth.
for (const q of questions.slice(1)) {
  samples.question.push(await timed(() => page.locator('#tdb-question').selectOption(q)));
}
for (let i = 0; i < 6; i++) {
  samples.level.push(await timed(() => page.locator('#tdb-niveau').selectOption(i % 2 ? 'commune' : 'canton')));
}
await page.locator('#tdb-niveau').selectOption('commune');
await page.waitForTimeout(500);
for (let i = 0; i < 6; i++) {
  samples.filter.push(await timed(() => page.locator('#tdb-aide').selectOption(i % 2 ? '' : 'no')));
}
const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: s[Math.floor(s.length / 2)].toFixed(0), max: s[s.length - 1].toFixed(0) };
};
console.log(JSON.stringify({ firstView, areas: await page.locator('g.tdb__zone').count(),
  question: stat(samples.question), level: stat(samples.level), filter: stat(samples.filter) }, null, 1));
await browser.close();
