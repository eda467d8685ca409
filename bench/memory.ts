/**
 * Figure 5, memory:
 *   A. Heap for a full 10,000-row buffer: a RowRing, and a BufferActor whose sink never answers
 *      (so it fills and holds a batch in flight), measured as heapUsed + external (typed arrays
 *      keep their bytes outside the V8 heap) after forced GCs, against the same before.
 *   B. RSS over a soak at full load: MC simulators -> the collector -> SQLite, RSS sampled every
 *      10 s; the slope after warm-up (least squares, MB per minute) and the drift.
 *
 * Run: npx tsx bench/memory.ts [--quick] [--soak-seconds=600] [--groups=25]
 * Full: 10-minute soak; --quick: 60 s. GC is exposed at run time (v8.setFlagsFromString), so no
 * node flag is needed.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BufferActor } from '../src/actors/buffer/buffer-actor.js';
import { RowRing } from '../src/actors/buffer/row-ring.js';
import { systemClock } from '../src/clock.js';
import type { RowBatch, Sink, WriteResult } from '../src/io/sink/rows.js';
import type { PollBatch } from '../src/io/types.js';
import { startBenchCollector, benchLogger } from './lib/collector.js';
import { printHeader } from './lib/machine.js';
import { generatePlant } from './lib/plant.js';
import { emitResult, isQuick, option, table, type TargetCheck } from './lib/result.js';
import { startSimHost } from './lib/sim-host.js';
import { fixed, int, sleep, slope } from './lib/stats.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const quick = isQuick();
const SOAK_S = option('soak-seconds', quick ? 60 : 600);
const SAMPLE_S = 10;
const GROUPS = option('groups', 25);
const SOAK_BUFFER = option('soak-buffer', 200_000);
const ROWS = 10_000;

function heapNow(): number {
  // Several passes: weak references and finalizers need more than one to settle.
  for (let i = 0; i < 4; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

function pollBatch(n: number, ts: number): PollBatch {
  return { ts, tagIds: Int32Array.from({ length: n }, (_, i) => i + 1), values: Float64Array.from({ length: n }, (_, i) => i * 0.5), quality: new Uint8Array(n) };
}

/** A sink that never answers: the buffer keeps everything (a database that hangs). */
const stalled: Sink = { kind: 'stalled', write: () => new Promise<WriteResult>(() => undefined), close: async () => undefined };

function measureRing(): number {
  const before = heapNow();
  const ring = new RowRing(ROWS);
  for (let i = 0; i < ROWS / 1000; i++) ring.push(pollBatch(1000, 1_700_000_000_000 + i * 100));
  const after = heapNow();
  if (ring.size !== ROWS) throw new Error(`ring holds ${ring.size} rows`);
  return after - before;
}

async function measureActor(): Promise<{ bytes: number; size: number; inFlight: number; dropped: number }> {
  const before = heapNow();
  const buffer = new BufferActor(stalled, { capacity: ROWS, flushIntervalMs: 500, flushRows: 500, batchMaxRows: 5000 }, { logger: benchLogger(), clock: systemClock });
  buffer.start();
  // Fill past capacity: the first flush takes a batch into flight, the ring fills again, the rest drops.
  for (let i = 0; i < 20; i++) {
    buffer.push(pollBatch(1000, 1_700_000_000_000 + i * 100));
    await sleep(1);
  }
  const after = heapNow();
  const s = buffer.status();
  buffer.stop();
  return { bytes: after - before, size: s.size, inFlight: s.inFlight, dropped: s.dropped };
}

async function soak(): Promise<{ t: number[]; rss: number[]; heap: number[]; slopeMbPerMin: number; driftMb: number; written: number; dropped: number; spooled: number; warmupS: number }> {
  const sims = await startSimHost({ mc: Array.from({ length: 4 }, () => ({ fillWords: 4096 })) });
  const plant = generatePlant({ protocol: 'mc3e', ports: sims.mcPorts, groups: GROUPS, tagsPerGroup: 1000, intervalMs: 100, collector: { bufferCapacity: SOAK_BUFFER } });
  const c = await startBenchCollector(plant);
  const t: number[] = [];
  const rss: number[] = [];
  const heap: number[] = [];
  const t0 = performance.now();
  try {
    const samples = Math.floor(SOAK_S / SAMPLE_S);
    for (let i = 1; i <= samples; i++) {
      await sleep(t0 + i * SAMPLE_S * 1000 - performance.now());
      const m = process.memoryUsage();
      t.push((performance.now() - t0) / 1000);
      rss.push(m.rss / 2 ** 20);
      heap.push(m.heapUsed / 2 ** 20);
      console.log(`  ${fixed(t[t.length - 1]!, 0).padStart(4)} s  RSS ${fixed(rss[rss.length - 1]!, 1)} MB  heap ${fixed(heap[heap.length - 1]!, 1)} MB`);
    }
    const counters = c.counters();
    // Warm-up: the first fifth of the soak (JIT, SQLite cache filling, buffer high-water mark).
    const warmupS = SOAK_S / 5;
    const from = t.findIndex((x) => x >= warmupS);
    const xs = t.slice(from).map((x) => x / 60);
    const ys = rss.slice(from);
    return { t, rss, heap, slopeMbPerMin: slope(xs, ys), driftMb: ys[ys.length - 1]! - ys[0]!, written: counters.written, dropped: counters.dropped, spooled: counters.spooledRows, warmupS };
  } finally {
    await c.close();
    await sims.close();
  }
}

async function main(): Promise<void> {
  const { machine, command } = printHeader('Figure 5: memory (full buffer heap, RSS over a soak)', import.meta.url);
  // Warm the code paths once so compiled code and inline caches are not counted as buffer heap.
  measureRing();
  await measureActor();
  const ringBytes = Math.min(measureRing(), measureRing(), measureRing());
  const actor = await measureActor();
  console.log(`A. full 10,000-row RowRing: ${fixed(ringBytes / 2 ** 20, 2)} MB; BufferActor with a stalled sink (ring ${int(actor.size)} rows + ${int(actor.inFlight)} in flight, ${int(actor.dropped)} dropped): ${fixed(actor.bytes / 2 ** 20, 2)} MB`);
  console.log(`B. soak: ${GROUPS} groups x 1,000 tags at 100 ms (${int(GROUPS * 10_000)} values/s) into SQLite, buffer ${int(SOAK_BUFFER)}, ${SOAK_S} s, RSS every ${SAMPLE_S} s`);
  const s = await soak();
  console.log(`   RSS slope after ${fixed(s.warmupS, 0)} s warm-up: ${fixed(s.slopeMbPerMin, 2)} MB/min, drift ${fixed(s.driftMb, 1)} MB; written ${int(s.written)}, dropped ${int(s.dropped)}, spooled ${int(s.spooled)}`);

  const targets: TargetCheck[] = [
    { name: 'heap of a full 10,000-row buffer (BufferActor, stalled sink)', target: '< 5 MB', measured: `${fixed(actor.bytes / 2 ** 20, 2)} MB (RowRing alone ${fixed(ringBytes / 2 ** 20, 2)} MB)`, met: actor.bytes < 5 * 2 ** 20 },
    {
      name: `RSS over a ${SOAK_S / 60}-minute soak at ${int(GROUPS * 10_000)} values/s`,
      target: 'flat after warm-up',
      measured: `slope ${fixed(s.slopeMbPerMin, 2)} MB/min, drift ${fixed(s.driftMb, 1)} MB after ${fixed(s.warmupS, 0)} s`,
      // Flat: under 1 MB/min, i.e. under 1.4 GB a day extrapolated would still be a leak; a soak this short can only bound it.
      met: s.slopeMbPerMin < 1 && s.dropped === 0,
      note: quick ? 'quick run: 60 s soak only bounds the slope loosely' : undefined,
    },
  ];
  emitResult({
    figure: 'memory',
    title: 'Figure 5: memory',
    machine,
    command,
    quick,
    tables: [
      table(
        ['full buffer, 10,000 rows', 'heap + external MB'],
        [
          ['RowRing (10,000 rows)', fixed(ringBytes / 2 ** 20, 3)],
          [`BufferActor, stalled sink: ${int(actor.size)} rows in the ring + ${int(actor.inFlight)} in flight`, fixed(actor.bytes / 2 ** 20, 3)],
        ],
      ),
      table(['soak time s', 'RSS MB', 'heap used MB'], s.t.map((x, i) => [fixed(x, 0), fixed(s.rss[i]!, 1), fixed(s.heap[i]!, 1)])),
    ],
    targets,
    notes: [
      'Heap = heapUsed + external after four forced GCs, minus the same before; typed arrays live in external.',
      `Soak: the collector in this process under tsx (absolute RSS includes tsx; the slope is what matters), simulators in a child process; slope by least squares over samples after the first ${fixed(s.warmupS, 0)} s.`,
    ],
    data: { ringBytes, actor, soak: s },
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
