/**
 * Large configuration changes against a running collector (issue 12, finding 6): a 100,000-row
 * tag CSV POSTed to /api/config/tags.csv while a FIXED group polls every 100 ms, then one-field
 * PATCHes with those 100,000 tags in the store.
 *
 * Two processes: this one runs the collector and its HTTP server (and measures its own event
 * loop and the FIXED group's skipped slots); a child sends the import and the PATCHes and probes
 * /health every 50 ms, so no load generator shares the collector's event loop.
 *
 * Reported: import time, FIXED slots skipped during the import (the target is 0) next to those
 * skipped with nothing going on (this shared machine's noise floor), /health latency during the
 * import, the collector's worst event-loop delay, peak RSS, and PATCH p50/p99 with 100k tags.
 *
 * Run: npx tsx bench/config-import.ts (npm run bench:config)
 * Env: BENCH_TAGS (100000), BENCH_PATCHES (50), BENCH_IDLE_S (10), BENCH_INTERVAL_MS (100)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../src/app.js';
import { silentLogger } from '../src/log.js';
import { summarize, type Summary } from './lib/stats.js';

const TAGS = Number(process.env.BENCH_TAGS ?? 100_000);
const PATCHES = Number(process.env.BENCH_PATCHES ?? 50);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 10);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 100);
const TOKEN = 'bench-token-0123456789abcdef';

const PLANT = `
devices:
  - { name: plc1, protocol: sim, port: 5001 }
  - { name: plc2, protocol: sim, port: 5002 }
groups:
  - name: fast
    device: plc1
    intervalMs: ${INTERVAL_MS}
    tags:
      - { name: temp1, address: D100 }
      - { name: flow, address: D200, type: float32 }
  - name: bulk
    device: plc2
    mode: handshake
    tags:
      - { name: b0, address: D0 }
server: { token: ${TOKEN}, bodyLimitBytes: 16777216 }
`;

type ToClient = { type: 'import' } | { type: 'patch' } | { type: 'done' };
type ToServer = { type: 'ready' } | { type: 'imported'; status: number; ms: number; health: number[]; healthFailed: number; body: string } | { type: 'patched'; ms: number[] };

const round = (s: Summary) => ({ n: s.n, p50: +s.p50.toFixed(1), p99: +s.p99.toFixed(1), max: +s.max.toFixed(1) });

// ---- the client child ---------------------------------------------------------------------------

async function client(base: string): Promise<void> {
  const auth = { authorization: `Bearer ${TOKEN}` };
  const send = (m: ToServer): void => void process.send!(m);
  const lines = ['group,name,address,type,unit,warn'];
  for (let i = 0; i < TAGS; i++) lines.push(`bulk,b${i},D${i % 8000},int16,C,${i % 100}`);
  const body = `${lines.join('\n')}\n`;
  process.on('message', (m: ToClient) => {
    void (async () => {
      if (m.type === 'import') {
        const health: number[] = [];
        let healthFailed = 0;
        let probing = true;
        const probe = (async () => {
          while (probing) {
            const t0 = performance.now();
            const ok = await fetch(`${base}/health`).then(
              (r) => r.arrayBuffer().then(() => r.ok),
              () => false,
            );
            if (ok) health.push(performance.now() - t0);
            else healthFailed++;
            await new Promise((r) => setTimeout(r, 50));
          }
        })();
        const t0 = performance.now();
        const res = await fetch(`${base}/api/config/tags.csv?mode=replace`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body });
        const text = await res.text();
        const ms = performance.now() - t0;
        probing = false;
        await probe;
        send({ type: 'imported', status: res.status, ms, health, healthFailed, body: text.slice(0, 300) });
      } else if (m.type === 'patch') {
        const ms: number[] = [];
        for (let i = 0; i < PATCHES; i++) {
          const t0 = performance.now();
          const r = await fetch(`${base}/api/groups/fast/tags/temp1`, { method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ warn: 100 + i }) });
          await r.arrayBuffer();
          if (r.status !== 200) throw new Error(`PATCH answered ${r.status}`);
          ms.push(performance.now() - t0);
        }
        send({ type: 'patched', ms });
      } else process.exit(0);
    })();
  });
  send({ type: 'ready' });
}

// ---- the collector (this process) ---------------------------------------------------------------

function next<T extends ToServer['type']>(child: ChildProcess, type: T): Promise<Extract<ToServer, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: ToServer): void => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      resolve(m as Extract<ToServer, { type: T }>);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`client exited (${code})`)));
  });
}

async function server(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jsscada-bench-import-'));
  const file = join(dir, 'plant.yaml');
  writeFileSync(file, PLANT);
  const running = await startCollector({ configFile: file, dataDir: dir, port: 0, host: '127.0.0.1', logger: silentLogger(), print: () => undefined });
  const skipped = (): number => running.collector.groupStatus('fast')!.counters.skippedSlots;
  const child = fork(fileURLToPath(import.meta.url), ['client', `http://127.0.0.1:${running.port}`], { execArgv: process.execArgv });
  try {
    await next(child, 'ready');
    await new Promise((r) => setTimeout(r, 1000));
    // The noise floor: slots this machine skips with nothing going on (other processes share the CPU).
    const idleBefore = skipped();
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const idleSkipped = skipped() - idleBefore;

    const loop = monitorEventLoopDelay({ resolution: 10 });
    let peakRss = process.memoryUsage().rss;
    const rss = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const before = skipped();
    loop.enable();
    child.send({ type: 'import' } satisfies ToClient);
    const imported = await next(child, 'imported');
    // One more FIXED period, so a slot missed at the very end is counted too.
    await new Promise((r) => setTimeout(r, INTERVAL_MS * 3));
    loop.disable();
    const duringImport = skipped() - before;
    if (imported.status !== 200) throw new Error(`import answered ${imported.status}: ${imported.body}`);
    const tags = running.collector.stored.plant.groups.find((g) => g.name === 'bulk')!.tags.length;

    const patchLoop = monitorEventLoopDelay({ resolution: 10 });
    const beforePatch = skipped();
    patchLoop.enable();
    child.send({ type: 'patch' } satisfies ToClient);
    const patched = await next(child, 'patched');
    await new Promise((r) => setTimeout(r, INTERVAL_MS * 3));
    patchLoop.disable();
    clearInterval(rss);
    const result = {
      tags,
      fixedIntervalMs: INTERVAL_MS,
      fixedSlotsSkippedIdle: `${idleSkipped} in ${IDLE_S} s with nothing going on (noise floor of this machine)`,
      import: {
        ms: Math.round(imported.ms),
        fixedSlotsSkipped: duringImport,
        eventLoopDelayMaxMs: +(loop.max / 1e6).toFixed(1),
        healthMs: round(summarize(imported.health)),
        healthFailed: imported.healthFailed,
        peakRssMB: Math.round(peakRss / 1048576),
      },
      patchWith100kTags: {
        ms: round(summarize(patched.ms)),
        fixedSlotsSkipped: skipped() - beforePatch,
        eventLoopDelayMaxMs: +(patchLoop.max / 1e6).toFixed(1),
        seconds: +(patched.ms.reduce((s, v) => s + v, 0) / 1000).toFixed(1),
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    child.send({ type: 'done' } satisfies ToClient);
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'client') await client(process.argv[3]!);
else await server();
