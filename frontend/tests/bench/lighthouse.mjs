// Public pages in Lighthouse (issue 17, point 6): `/`, `/carte`, `/questionnaire` and a
// proposal's page of the demo, each audited by Lighthouse's mobile preset (Moto G Power
// screen, simulated throttling: 150 ms RTT, 1.6 Mbit/s, CPU slowed 4×) in Debian's headless
// Chromium, with a fresh profile per run (empty cache, as a first visit). Prints, per
// page, the median run's performance score, LCP, FCP, TBT, CLS and the accessibility and
// best-practices scores, then the goal (performance ≥ 95, LCP ≤ 2.5 s, the others 100).
//
// Usage (from the workspace root, after `npm install`, `cargo xtask frontend` and
// `cargo build --release -p solidarites-server --bin solidarites`):
//   node frontend/tests/bench/lighthouse.mjs [--runs 3] [--base http://127.0.0.1:PORT]
//        [--binary target/release/solidarites] [--dist frontend/dist]
// Without --base, starts `<binary> demo` on a fresh SQLite database in a temporary folder
// (the demo territory and its sample content), serving <dist>, and stops it at the end.
// CHROME_PATH picks the browser (default /usr/bin/chromium). `--json FILE` also writes
// every run's figures. `--pages /carte,/` audits only those pages (`/propositions` stands
// for the proposal's page), to keep a comparison short.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const RUNS = Number(option('runs', '3'));
const BINARY = resolve(option('binary', 'target/release/solidarites'));
const DIST = resolve(option('dist', 'frontend/dist'));
const JSON_OUT = option('json', '');
const ONLY = option('pages', '')
  .split(',')
  .filter((p) => p);
const CHROME_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';
const LIGHTHOUSE = resolve('node_modules/.bin/lighthouse');

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(base, server) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`the server exited with ${server.exitCode}`);
    }
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${base} did not answer within 2 minutes`);
}

/** Starts `solidarites demo` on a fresh database; returns its address and a stop function. */
async function startDemo() {
  const dir = mkdtempSync(join(tmpdir(), 'solidarites-lighthouse-'));
  const port = await freePort();
  const server = spawn(
    BINARY,
    ['demo', '--bind', `127.0.0.1:${port}`, '--frontend-dir', DIST],
    {
      env: { ...process.env, DATABASE_URL: `sqlite://${join(dir, 'demo.db')}`, RUST_LOG: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(base, server);
  return {
    base,
    stop: () => {
      server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One Lighthouse run (a fresh Chromium profile), as the CLI's JSON report. */
function audit(url) {
  const out = join(tmpdir(), `lighthouse-${process.pid}.json`);
  const result = spawnSync(
    LIGHTHOUSE,
    [
      url,
      '--quiet',
      '--output=json',
      `--output-path=${out}`,
      '--only-categories=performance,accessibility,best-practices',
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu',
    ],
    { env: { ...process.env, CHROME_PATH }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (result.status !== 0) {
    throw new Error(`lighthouse ${url} exited with ${result.status}`);
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  rmSync(out, { force: true });
  if (report.runtimeError) {
    throw new Error(`lighthouse ${url}: ${report.runtimeError.message}`);
  }
  const audits = report.audits;
  return {
    performance: Math.round(report.categories.performance.score * 100),
    accessibility: Math.round(report.categories.accessibility.score * 100),
    bestPractices: Math.round(report.categories['best-practices'].score * 100),
    lcp: audits['largest-contentful-paint'].numericValue,
    fcp: audits['first-contentful-paint'].numericValue,
    tbt: audits['total-blocking-time'].numericValue,
    cls: audits['cumulative-layout-shift'].numericValue,
    si: audits['speed-index'].numericValue,
    lcpElement: audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node?.snippet ?? '',
    benchmarkIndex: report.environment.benchmarkIndex,
    longTasks: (audits['long-tasks']?.details?.items ?? []).map((t) => `${t.url.replace(/^.*\//, '')} ${Math.round(t.duration)}`),
    version: report.lighthouseVersion,
    userAgent: report.environment.hostUserAgent,
    failed: Object.values(audits)
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
      .map((a) => a.id),
  };
}

/** The run of median performance (Lighthouse's own advice for several runs). */
function median(runs) {
  const sorted = [...runs].sort((a, b) => a.performance - b.performance || a.lcp - b.lcp);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

const demo = args.includes('--base') ? { base: option('base', ''), stop: () => {} } : await startDemo();
try {
  const proposals = await (await fetch(`${demo.base}/api/v1/proposals?per_page=1`)).json();
  const proposal = proposals.items?.[0]?.id;
  if (!proposal) {
    throw new Error('no proposal in the demo data');
  }
  const pages = ['/', '/carte', '/questionnaire', `/propositions/${proposal}`].filter(
    (page) => !ONLY.length || ONLY.some((p) => page === p || (p === '/propositions' && page.startsWith('/propositions/'))),
  );
  const all = {};
  for (const page of pages) {
    all[page] = [];
    for (let i = 0; i < RUNS; i++) {
      all[page].push(audit(`${demo.base}${page}`));
    }
  }
  const first = Object.values(all)[0][0];
  console.log(`Lighthouse ${first.version}, mobile preset, simulated throttling; ${RUNS} run(s) per page, median by performance`);
  console.log(`browser: ${first.userAgent}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Lighthouse benchmarkIndex ${Math.round(first.benchmarkIndex)}`);
  console.log('');
  console.log('page                      perf   LCP s   FCP s   TBT ms   CLS     SI s   a11y  best  (perf of each run)');
  let met = true;
  for (const page of pages) {
    const m = median(all[page]);
    const label = page.startsWith('/propositions/') ? '/propositions/{id}' : page;
    console.log(
      `${label.padEnd(24)} ${String(m.performance).padStart(5)} ${(m.lcp / 1000).toFixed(2).padStart(7)} ${(m.fcp / 1000).toFixed(2).padStart(7)} ${Math.round(m.tbt).toString().padStart(8)} ${m.cls.toFixed(3).padStart(7)} ${(m.si / 1000).toFixed(2).padStart(7)} ${String(m.accessibility).padStart(6)} ${String(m.bestPractices).padStart(5)}  (${all[page].map((r) => r.performance).join(', ')})`,
    );
    console.log(`    TBT of each run: ${all[page].map((r) => Math.round(r.tbt)).join(', ')} ms; benchmarkIndex ${all[page].map((r) => Math.round(r.benchmarkIndex)).join(', ')}`);
    if (m.failed.length) {
      console.log(`    failed audits: ${m.failed.join(', ')}`);
    }
    console.log(`    LCP element: ${m.lcpElement}`);
    met &&= m.performance >= 95 && m.lcp <= 2500 && m.accessibility === 100 && m.bestPractices === 100;
  }
  console.log('');
  console.log(`goal (performance ≥ 95, LCP ≤ 2.5 s, accessibility and best practices 100 on every page): ${met ? 'met' : 'NOT met'}`);
  if (JSON_OUT) {
    writeFileSync(JSON_OUT, JSON.stringify(all, null, 2));
  }
} finally {
  demo.stop();
}
