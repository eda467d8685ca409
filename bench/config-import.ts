/**
 * Large configuration changes against a running collector (issue 12, finding 6): a 100,000-row
 * tag CSV POSTed to /api/config/tags.csv while a FIXED group polls every 100 ms, then one-field
 * PATCHes with those 100,000 tags in the store.
 *
 * Reported: import time, FIXED slots skipped during the import (must be 0), /health latency
 * during the import (probed every 50 ms from this process: it includes any event-loop block),
 * the worst event-loop delay, peak RSS, and PATCH p50/p99 with 100k tags.
 *
 * Run: npx tsx bench/config-import.ts     Env: BENCH_TAGS (100000), BENCH_PATCHES (50)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startCollector } from '../src/app.js';
import { silentLogger } from '../src/log.js';
import { summarize } from './lib/stats.js';

const TAGS = Number(process.env.BENCH_TAGS ?? 100_000);
const PATCHES = Number(process.env.BENCH_PATCHES ?? 50);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 10);
const TOKEN = 'bench-token-0123456789abcdef';

const PLANT = `
devices:
  - { name: plc1, protocol: sim, port: 5001 }
  - { name: plc2, protocol: sim, port: 5002 }
groups:
  - name: fast
    device: plc1
    intervalMs: 100
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

function csv(n: number): string {
  const lines = ['group,name,address,type,unit,warn'];
  for (let i = 0; i < n; i++) lines.push(`bulk,b${i},D${i % 8000},int16,C,${i % 100}`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jsscada-bench-import-'));
  const file = join(dir, 'plant.yaml');
  writeFileSync(file, PLANT);
  const running = await startCollector({ configFile: file, dataDir: dir, port: 0, host: '127.0.0.1', logger: silentLogger(), print: () => undefined });
  const base = `http://127.0.0.1:${running.port}`;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const skipped = (): number => running.collector.groupStatus('fast')!.counters.skippedSlots;
  try {
    await new Promise((r) => setTimeout(r, 1000));
    // The noise floor: slots this machine skips with nothing going on (other processes share the CPU).
    const idleBefore = skipped();
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const idleSkipped = skipped() - idleBefore;
    const body = csv(TAGS);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    let peakRss = process.memoryUsage().rss;
    const health: number[] = [];
    let healthFailed = 0;
    let probing = true;
    const probe = async (): Promise<void> => {
      while (probing) {
        const t0 = performance.now();
        const ok = await fetch(`${base}/health`).then(
          (r) => r.arrayBuffer().then(() => r.ok),
          () => false,
        );
        if (ok) health.push(performance.now() - t0);
        else healthFailed++;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const skippedBefore = skipped();
    loop.enable();
    const probing$ = probe();
    const t0 = performance.now();
    const res = await fetch(`${base}/api/config/tags.csv?mode=replace`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body });
    const text = await res.text();
    const importMs = performance.now() - t0;
    // One more FIXED period, so a slot missed at the very end is counted too.
    await new Promise((r) => setTimeout(r, 300));
    probing = false;
    await probing$;
    loop.disable();
    const skippedDuring = skipped() - skippedBefore;
    if (res.status !== 200) throw new Error(`import answered ${res.status}: ${text.slice(0, 300)}`);
    const tagsNow = running.collector.stored.plant.groups.find((g) => g.name === 'bulk')!.tags.length;

    const patch: number[] = [];
    const skippedBeforePatch = skipped();
    for (let i = 0; i < PATCHES; i++) {
      const p0 = performance.now();
      const r = await fetch(`${base}/api/groups/fast/tags/temp1`, { method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ warn: 100 + i }) });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`PATCH answered ${r.status}`);
      patch.push(performance.now() - p0);
    }
    const h = summarize(health);
    const p = summarize(patch);
    const result = {
      tags: tagsNow,
      csvBytes: Buffer.byteLength(body),
      importMs: Math.round(importMs),
      fixedIntervalMs: 100,
      fixedSlotsSkippedIdle: `${idleSkipped} in ${IDLE_S} s with no import (noise floor of this machine)`,
      fixedSlotsSkippedDuringImport: skippedDuring,
      healthFailed,
      healthMs: { n: h.n, p50: +h.p50.toFixed(1), p99: +h.p99.toFixed(1), max: +h.max.toFixed(1) },
      eventLoopDelayMaxMs: +(loop.max / 1e6).toFixed(1),
      peakRssMB: Math.round(peakRss / 1048576),
      patchMs: { n: p.n, p50: +p.p50.toFixed(1), p99: +p.p99.toFixed(1), max: +p.max.toFixed(1) },
      fixedSlotsSkippedDuringPatches: skipped() - skippedBeforePatch,
      patchSeconds: +(patch.reduce((s, v) => s + v, 0) / 1000).toFixed(1),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
