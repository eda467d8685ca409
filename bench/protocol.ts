/**
 * Figure 2, protocol efficiency over loopback, against one MC 3E binary simulator (its own
 * process), in one run:
 *
 *   A. Requests/s and tag values/s, one request in flight: a raw socket loop (one fixed
 *      request, wait for the whole reply: the floor any client pays), our McClient, our MC
 *      driver (client + device link + decode into a batch), and the `mcprotocol` package.
 *      Same request for all: batch read of D0-D63 (64 words, mcprotocol's largest D read);
 *      then 960 words (our largest; mcprotocol splits it into 64-word requests).
 *      All four stay connected and take turns every SLICE_MS, so machine noise hits them alike;
 *      ratios are to the raw loop of the same rotation (median over rotations).
 *   B. The read planner against real-PLC cost: a simulator that takes one 10 ms scan per
 *      request (faults.scanMs = 10), 1,000 scattered int16 tags: our planned read vs one
 *      request per tag vs mcprotocol's own grouping.
 *
 * Run: npx tsx bench/protocol.ts [--quick] [--rotations=40] [--slice-ms=250] [--planner-seconds=8]
 */
import { performance } from 'node:perf_hooks';
import { createMcDriver } from '../src/io/mc/driver.js';
import { benchLogger } from './lib/collector.js';
import { printHeader } from './lib/machine.js';
import { clientReader, driverReader, mcDevice, mcprotocolReader, rawReader, wordTags, type McReader } from './lib/mc-readers.js';
// `say`: console.log while mcprotocol connections are open is muted (the library logs through it).
import { connectMcprotocol, say } from './lib/mcprotocol-peer.js';
import { emitResult, isQuick, option, table, type TargetCheck } from './lib/result.js';
import { startSimHost, type SimHost } from './lib/sim-host.js';
import { fixed, int, median } from './lib/stats.js';

const quick = isQuick();
/** Part A: rotations x 4 clients x SLICE_MS each (full: 40 x 4 x 250 ms = 40 s per read size). */
const ROTATIONS = option('rotations', quick ? 10 : 40);
const SLICE_MS = option('slice-ms', quick ? 150 : 250);
const PLANNER_SECONDS = option('planner-seconds', quick ? 3 : 8);
/** A hard cap on requests per measurement, so no loop is unbounded even on a very fast machine. */
const MAX_REQUESTS = 2_000_000;

type Who = 'raw' | 'client' | 'driver' | 'mcprotocol';
const WHO: readonly Who[] = ['raw', 'client', 'driver', 'mcprotocol'];
const LABEL: Record<Who, string> = {
  raw: 'raw socket loop (floor)',
  client: 'our McClient',
  driver: 'our MC driver (link + decode)',
  mcprotocol: 'mcprotocol 0.1.2',
};
const OPEN: Record<Who, (port: number, words: number) => Promise<McReader>> = { raw: rawReader, client: clientReader, driver: driverReader, mcprotocol: mcprotocolReader };

interface PartA {
  readonly words: number;
  /** Per client: wire requests/s and tag values/s over all slices; per rotation, requests/s as a share of the raw loop's. */
  readonly rps: Record<Who, number>;
  readonly values: Record<Who, number>;
  readonly ratio: Record<Who, number[]>;
}

/** Reads for `ms`; returns reads done and the time they took. Bounded by MAX_REQUESTS too. */
async function slice(reader: McReader, ms: number): Promise<{ reads: number; seconds: number }> {
  let reads = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  while (performance.now() < end && reads < MAX_REQUESTS) {
    await reader.once();
    reads++;
  }
  return { reads, seconds: (performance.now() - t0) / 1000 };
}

/**
 * All four clients connected at once; in each rotation every client reads for SLICE_MS in turn
 * (the order rotates), so a noisy neighbour hits every client within the same second.
 */
async function partA(sim: SimHost, words: number): Promise<PartA> {
  const port = sim.mcPorts[0]!;
  const readers = {} as Record<Who, McReader>;
  try {
    for (const who of WHO) readers[who] = await OPEN[who](port, words);
    // Warm-up: the JIT and the sockets, not measured.
    for (const who of WHO) for (let i = 0; i < 300; i++) await readers[who].once();
    const reads = { raw: 0, client: 0, driver: 0, mcprotocol: 0 } as Record<Who, number>;
    const seconds = { raw: 0, client: 0, driver: 0, mcprotocol: 0 } as Record<Who, number>;
    const ratio: Record<Who, number[]> = { raw: [], client: [], driver: [], mcprotocol: [] };
    for (let r = 0; r < ROTATIONS; r++) {
      const rate = {} as Record<Who, number>;
      for (let k = 0; k < WHO.length; k++) {
        const who = WHO[(k + r) % WHO.length]!;
        const got = await slice(readers[who], SLICE_MS);
        reads[who] += got.reads;
        seconds[who] += got.seconds;
        rate[who] = (got.reads * readers[who].requestsPerRead) / got.seconds;
      }
      for (const who of WHO) ratio[who].push(rate[who] / rate.raw);
    }
    const rps = {} as Record<Who, number>;
    const values = {} as Record<Who, number>;
    for (const who of WHO) {
      rps[who] = (reads[who] * readers[who].requestsPerRead) / seconds[who];
      values[who] = (reads[who] * words) / seconds[who];
    }
    say(`  ${words} words: ` + WHO.map((w) => `${w} ${int(rps[w])} req/s (median ${fixed(median(ratio[w]) * 100, 0)} % of raw)`).join(', '));
    return { words, rps, values, ratio };
  } finally {
    for (const who of WHO) await readers[who]?.close();
  }
}

/** 1,000 distinct D addresses, spread over D0-D9999 by a fixed LCG: the same "scattered" set every run. */
function scattered(n: number): number[] {
  const set = new Set<number>();
  let x = 12345;
  while (set.size < n) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    set.add(x % 10_000);
  }
  return [...set].sort((a, b) => a - b);
}

interface PlannerRow {
  readonly strategy: string;
  readonly requestsPerCycle: number;
  readonly msPerCycle: number;
  readonly valuesPerS: number;
}

async function partB(sim: SimHost): Promise<PlannerRow[]> {
  const port = sim.mcPorts[1]!;
  const addresses = scattered(1000);
  const tags = wordTags(addresses);
  const rows: PlannerRow[] = [];
  const driver = createMcDriver(mcDevice(port, 10_000), { logger: benchLogger() });
  try {
    // Planned: the whole group, as a group actor reads it every cycle.
    const plan = driver.plan(tags);
    let cycles = 0;
    let t0 = performance.now();
    while (performance.now() - t0 < PLANNER_SECONDS * 1000 && cycles < 10_000) {
      await driver.read(plan);
      cycles++;
    }
    let ms = (performance.now() - t0) / cycles;
    rows.push({ strategy: 'our planner (batch + random reads)', requestsPerCycle: plan.requestCount, msPerCycle: ms, valuesPerS: (1000 / ms) * 1000 });

    // One request per tag: a plan per tag. Bounded by time; values/s is tags read per second.
    const single = tags.map((t) => driver.plan([t]));
    let n = 0;
    t0 = performance.now();
    while (performance.now() - t0 < PLANNER_SECONDS * 1000 && n < single.length) await driver.read(single[n++]!);
    ms = performance.now() - t0;
    rows.push({ strategy: 'one request per tag', requestsPerCycle: 1000, msPerCycle: (ms / n) * 1000, valuesPerS: (n / ms) * 1000 });
  } finally {
    await driver.close();
  }

  // mcprotocol's grouping: every tag an item; it merges neighbours (gap <= 5 bytes) into <= 64-word reads.
  const before = (await sim.stats()).mcRequests[1]!;
  const peer = await connectMcprotocol(port, addresses.map((a) => `D${a}`));
  try {
    let cycles = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < PLANNER_SECONDS * 1000 && cycles < 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([peer.readAll(), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 60_000)))]);
      clearTimeout(timer);
      if (!r) throw new Error('mcprotocol read of 1,000 tags timed out');
      cycles++;
    }
    const ms = (performance.now() - t0) / cycles;
    const requests = ((await sim.stats()).mcRequests[1]! - before) / cycles;
    rows.push({ strategy: "mcprotocol's own grouping", requestsPerCycle: Math.round(requests), msPerCycle: ms, valuesPerS: (1000 / ms) * 1000 });
  } finally {
    peer.close();
  }
  return rows;
}

async function main(): Promise<void> {
  const { machine, command } = printHeader('Figure 2: protocol efficiency (MC 3E binary over loopback)', import.meta.url);
  const sim = await startSimHost({ mc: [{ fillWords: 12_288 }, { fillWords: 12_288, faults: { scanMs: 10 } }] });
  try {
    console.log(`A. one request in flight; ${ROTATIONS} rotations, each client ${SLICE_MS} ms per rotation; ratio = req/s / raw loop req/s of the same rotation`);
    const small = await partA(sim, 64);
    const large = await partA(sim, 960);
    console.log(`B. planner vs real-PLC cost: simulator scan 10 ms per request, 1,000 scattered int16 tags in D0-D9999, ${PLANNER_SECONDS} s each`);
    const planner = await partB(sim);
    for (const p of planner) console.log(`  ${p.strategy.padEnd(38)} ${String(p.requestsPerCycle).padStart(5)} requests/cycle  ${fixed(p.msPerCycle, 0).padStart(7)} ms/cycle  ${int(p.valuesPerS).padStart(7)} values/s`);

    const clientRatio = median(small.ratio.client);
    const rowsA = (m: PartA) =>
      WHO.map((w) => [LABEL[w], `D0-D${m.words - 1}`, int(m.rps[w]), int(m.values[w]), `${fixed(median(m.ratio[w]) * 100, 0)} %`, `${fixed((m.values[w] / m.values.raw) * 100, 0)} %`]);
    const plannedRow = planner[0]!;
    const targets: TargetCheck[] = [
      { name: 'our McClient vs raw socket loop, requests/s (64-word read)', target: '>= 80 %', measured: `${fixed(clientRatio * 100, 0)} % (median of ${ROTATIONS} rotations)`, met: clientRatio >= 0.8 },
      { name: 'our McClient vs raw socket loop, requests/s (960-word read)', target: '>= 80 %', measured: `${fixed(median(large.ratio.client) * 100, 0)} %`, met: median(large.ratio.client) >= 0.8 },
      {
        name: 'planner, 1,000 scattered tags at 10 ms per request',
        target: 'planned beats one-per-tag and mcprotocol',
        measured: planner.map((p) => `${p.strategy}: ${int(p.valuesPerS)} values/s`).join('; '),
        met: planner.slice(1).every((p) => plannedRow.valuesPerS > p.valuesPerS),
      },
    ];
    emitResult({
      figure: 'protocol',
      title: 'Figure 2: protocol efficiency',
      machine,
      command,
      quick,
      tables: [
        table(['client', 'read', 'requests/s', 'tag values/s', 'requests/s vs raw (median, same rotation)', 'values/s vs raw'], [...rowsA(small), ...rowsA(large)], ['l', 'l', 'r', 'r', 'r', 'r']),
        table(['1,000 scattered tags, 10 ms scan per request', 'requests per cycle', 'ms per cycle', 'tag values/s'], planner.map((p) => [p.strategy, p.requestsPerCycle, fixed(p.msPerCycle, 0), int(p.valuesPerS)])),
      ],
      targets,
      notes: [
        'The simulator runs in its own process; the four clients share the bench process but take turns (only one reads at a time), one request in flight (3E), 300 warm-up reads each.',
        'Requests/s counts wire requests: the driver and mcprotocol split a 960-word read into 1 and 15 requests; tag values/s = words read per second.',
        'Part B: the simulator answers each request after one 10 ms scan, one at a time, as a real CPU module does; so requests per cycle decide the rate.',
      ],
      data: { small, large, planner },
    });
  } finally {
    await sim.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
