/**
 * Figure 1, pipeline throughput: MC simulators on loopback -> the real collector (startCollector
 * on a generated plant: engine, FIXED groups, MC driver, buffer, Delivery, SQLite writer thread).
 *
 *   1. Light load: 10 groups x 100 tags at 1 s; CPU % of one core (target < 2 %).
 *   2. Steps: G groups x 1,000 tags at 100 ms (10,000 values/s per group), G rising while no
 *      row is lost. Sustained = the best step with nothing dropped or spooled and reads and
 *      writes keeping up; saturation = the first step that loses rows or slips the schedule
 *      (skipped slots). Two series: the product default buffer (10,000 rows), then a buffer sized
 *      for the load (collector.bufferCapacity, --sized-buffer) from where the default lost rows.
 *   3. The ceiling in the same run: better-sqlite3 alone inserting the same rows in the batch size
 *      the buffer wrote, with the sink's statement and a plain one-row statement; the better one.
 *
 * Run: npx tsx bench/pipeline.ts [--quick] [--seconds=20] [--levels=5,10,...|none] [--sized-buffer=N]
 *      [--light-seconds=60 (0 = skip)] [--skip-ceiling]
 * The simulators run in a child process, so CPU % and RSS are the collector's own.
 */
import { performance } from 'node:perf_hooks';
import { pipelineRows, sqliteCeiling } from './lib/ceiling.js';
import { delta, startBenchCollector, type Counters } from './lib/collector.js';
import { printHeader } from './lib/machine.js';
import { generatePlant } from './lib/plant.js';
import { SelfMeter } from './lib/proc.js';
import { emitResult, isQuick, option, table, type TargetCheck } from './lib/result.js';
import { startSimHost, type SimHost } from './lib/sim-host.js';
import { fixed, int, sleep } from './lib/stats.js';

const quick = isQuick();
const SECONDS = option('seconds', quick ? 5 : 20);
const LIGHT_SECONDS = option('light-seconds', quick ? 10 : 60);
const WARMUP_S = option('warmup', 3);
/** The light load needs longer: its first seconds carry JIT and the first flushes. */
const LIGHT_WARMUP_S = option('light-warmup', quick ? 5 : 10);
const SKIP_CEILING = process.argv.includes('--skip-ceiling');
const TAGS = 1000;
const INTERVAL = 100;
const SIMS = 4;
/** The second series' buffer: holds several 100 ms cycles of the top step (0 = skip the series). */
const SIZED_BUFFER = option('sized-buffer', 200_000);
const levelsArg = process.argv.find((a) => a.startsWith('--levels='))?.slice(9);
// --levels=none: the light load only (for profiling it).
const LEVELS = levelsArg === 'none' ? [] : levelsArg ? levelsArg.split(',').map(Number) : quick ? [5, 15, 25, 40] : [5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100];

interface Level {
  readonly groups: number;
  readonly offered: number;
  readonly read: number;
  readonly written: number;
  readonly d: Counters;
  readonly maxWaiting: number;
  readonly cpuPercent: number;
  readonly rssMb: number;
  readonly avgBatch: number;
  /** Nothing dropped or spooled (since start), reads and writes kept up, nothing left unwritten. */
  readonly lossless: boolean;
  /** No slot skipped in the window. */
  readonly onSchedule: boolean;
  readonly why: string;
}

async function measure(sims: SimHost, groups: number, tags: number, intervalMs: number, seconds: number, buffer: number, warmupS = WARMUP_S): Promise<Level> {
  // buffer 0: the product default (10,000 rows).
  const plant = generatePlant({ protocol: 'mc3e', ports: sims.mcPorts, groups, tagsPerGroup: tags, intervalMs, collector: buffer > 0 ? { bufferCapacity: buffer } : {} });
  const c = await startBenchCollector(plant);
  const meter = new SelfMeter();
  let maxWaiting = 0;
  try {
    await sleep(warmupS * 1000);
    const before = c.counters();
    meter.reset();
    const t0 = performance.now();
    // Bounded sampling of the rows waiting. Read straight from the ring: status() sorts latencies
    // and would add its own CPU; the light load is sampled 10x less often for the same reason.
    const inside = c.running.collector.buffer as unknown as { ring: { size: number }; pending: { length: number } | null };
    const every = intervalMs >= 1000 ? 200 : 20;
    const samples = Math.ceil((seconds * 1000) / every);
    for (let i = 0; i < samples; i++) {
      await sleep(every);
      maxWaiting = Math.max(maxWaiting, inside.ring.size + (inside.pending?.length ?? 0));
    }
    const s = (performance.now() - t0) / 1000;
    const after = c.counters();
    const use = meter.read();
    const d = delta(before, after);
    const stop = await c.close();
    const offered = (groups * tags * 1000) / intervalMs;
    const read = d.produced / s;
    const written = d.written / s;
    const lost: string[] = [];
    if (after.dropped > 0) lost.push(`${int(after.dropped)} dropped`);
    if (after.spooledRows > 0) lost.push(`${int(after.spooledRows)} spooled`);
    if (d.errors > 0) lost.push(`${d.errors} read errors`);
    // Reads keep up when every group polled every slot of the window, give or take the slot at
    // each edge of the window.
    const expectedPolls = (groups * s * 1000) / intervalMs;
    if (d.pollsOk < expectedPolls - 2 * groups) lost.push(`read ${int(read)}/s of ${int(offered)}/s`);
    if (written < 0.95 * read) lost.push(`writer behind (${int(written)}/s)`);
    if (stop.unwritten > 0) lost.push(`${stop.unwritten} unwritten at stop`);
    const slips = d.skippedSlots > 0 ? [`${d.skippedSlots} slots skipped`] : [];
    return {
      groups,
      offered,
      read,
      written,
      d,
      maxWaiting,
      cpuPercent: use.cpuPercent,
      rssMb: use.peakRssMb,
      avgBatch: d.batches > 0 ? d.written / d.batches : 0,
      lossless: lost.length === 0,
      onSchedule: slips.length === 0,
      why: [...lost, ...slips].join(', ') || 'clean',
    };
  } finally {
    meter.stop();
    await c.close();
  }
}

function clean(l: Level): boolean {
  return l.lossless && l.onSchedule;
}

async function steps(sims: SimHost, levels: readonly number[], buffer: number, label: string): Promise<Level[]> {
  const out: Level[] = [];
  for (const groups of levels) {
    let level = await measure(sims, groups, TAGS, INTERVAL, SECONDS, buffer);
    // On a shared machine a neighbour's burst can skip a slot or stall a read: a step that failed
    // without dropping a row is measured once more, and both outcomes are shown.
    if (!clean(level) && level.d.dropped === 0 && level.d.spooledRows === 0) {
      const again = await measure(sims, groups, TAGS, INTERVAL, SECONDS, buffer);
      level = { ...again, why: `${again.why} (second try; first: ${level.why})` };
    }
    out.push(level);
    console.log(
      `${label} G=${String(groups).padStart(3)} offered ${int(level.offered).padStart(9)}/s  read ${int(level.read).padStart(9)}/s  written ${int(level.written).padStart(9)}/s  ` +
        `CPU ${fixed(level.cpuPercent, 0).padStart(3)} %  RSS ${fixed(level.rssMb, 0)} MB  max waiting ${int(level.maxWaiting)}  avg batch ${int(level.avgBatch)}  ${level.why}`,
    );
    if (!level.lossless) break;
  }
  return out;
}

function best(levels: readonly Level[]): Level | undefined {
  return levels.filter((l) => l.lossless).sort((a, b) => b.written - a.written)[0];
}

function row(l: Level, buffer: string): (string | number)[] {
  const shape = l.offered < 10_000 ? `${l.groups} x 100 @ 1 s` : `${l.groups} x ${TAGS} @ ${INTERVAL} ms`;
  return [shape, buffer, int(l.offered), int(l.read), int(l.written), fixed(l.cpuPercent, l.cpuPercent < 10 ? 2 : 0), fixed(l.rssMb, 0), int(l.maxWaiting), int(l.avgBatch), l.why];
}

async function main(): Promise<void> {
  const { machine, command } = printHeader('Figure 1: pipeline throughput (MC simulators -> collector -> SQLite)', import.meta.url);
  console.log(`steps: G groups x ${TAGS} int16 tags at ${INTERVAL} ms over ${SIMS} MC 3E binary simulators (child process); ${SECONDS} s measured after ${WARMUP_S} s warm-up`);
  const sims = await startSimHost({ mc: Array.from({ length: SIMS }, () => ({ fillWords: 4096 })) });
  try {
    const light = LIGHT_SECONDS > 0 ? await measure(sims, 10, 100, 1000, LIGHT_SECONDS, 0, LIGHT_WARMUP_S) : null;
    if (light) console.log(`light load 10 x 100 tags at 1 s: ${fixed(light.cpuPercent, 2)} % of one core over ${LIGHT_SECONDS} s, RSS ${fixed(light.rssMb, 0)} MB, ${int(light.written)} values/s written, ${light.why}`);

    const byDefault = await steps(sims, LEVELS, 0, 'buffer 10,000 ');
    const lostAt = byDefault.find((l) => !l.lossless)?.groups;
    const sized = SIZED_BUFFER > 0 && lostAt !== undefined ? await steps(sims, LEVELS.filter((g) => g >= lostAt), SIZED_BUFFER, `buffer ${int(SIZED_BUFFER)}`) : [];
    const bestDefault = best(byDefault);
    const bestAll = best([...byDefault, ...sized]);
    const series = sized.length > 0 ? sized : byDefault;
    const saturation = series.find((l) => !clean(l));

    // Same rows, same batch size as the best lossless step wrote (or the last step when none was).
    const ref = bestAll ?? byDefault[byDefault.length - 1];
    const batch = Math.max(1, Math.round(ref?.avgBatch ?? 1));
    const rows = quick ? 300_000 : 1_000_000;
    const c = SKIP_CEILING || !ref ? { sinkStatement: Number.NaN, oneRow: Number.NaN } : sqliteCeiling(pipelineRows(rows, batch, ref.groups * TAGS, INTERVAL));
    const top = Math.max(c.sinkStatement, c.oneRow);
    const sustainedDefault = bestDefault?.written ?? 0;
    const sustained = bestAll?.written ?? 0;
    console.log(`ceiling, better-sqlite3 alone, ${int(rows)} rows in batches of ${int(batch)}: sink statement (64-row INSERT) ${int(c.sinkStatement)} rows/s, one-row INSERT ${int(c.oneRow)} rows/s`);
    console.log(`sustained with nothing lost: ${int(sustainedDefault)} values/s with the default buffer, ${int(sustained)} values/s overall = ${fixed((sustained / top) * 100, 0)} % of the same-run ceiling ${int(top)} rows/s`);
    console.log(`saturation: ${saturation ? `G=${saturation.groups} (${int(saturation.offered)}/s offered): ${saturation.why}` : 'not reached'}`);

    const targets: TargetCheck[] = [
      { name: 'sustained values/s with nothing lost, default buffer (10,000 rows)', target: '>= 250,000 values/s', measured: `${int(sustainedDefault)} values/s`, met: sustainedDefault >= 250_000 },
      {
        name: `sustained values/s with nothing lost, bufferCapacity ${int(SIZED_BUFFER)}`,
        target: '>= 250,000 values/s',
        measured: `${int(sustained)} values/s`,
        met: sized.length > 0 || sustainedDefault >= 250_000 ? sustained >= 250_000 : null,
      },
      { name: 'share of the same-run better-sqlite3 ceiling', target: '>= 50 %', measured: `${fixed((sustained / top) * 100, 0)} % of ${int(top)} rows/s`, met: Number.isFinite(top) ? sustained >= top / 2 : null },
      { name: 'CPU of 10 groups x 100 tags at 1 s', target: '< 2 % of one core', measured: light ? `${fixed(light.cpuPercent, 2)} % over ${LIGHT_SECONDS} s` : 'not run', met: light ? light.cpuPercent < 2 : null },
    ];
    emitResult({
      figure: 'pipeline',
      title: 'Figure 1: pipeline throughput',
      machine,
      command,
      quick,
      tables: [
        table(
          ['groups x tags @ interval', 'buffer rows', 'offered values/s', 'read values/s', 'written values/s', 'CPU % (1 core)', 'peak RSS MB', 'max rows waiting', 'avg batch', 'result'],
          [...(light ? [row(light, '10,000')] : []), ...byDefault.map((l) => row(l, '10,000')), ...sized.map((l) => row(l, int(SIZED_BUFFER)))],
        ),
        table(
          ['better-sqlite3 alone, same rows and batch size, same run', 'rows/s'],
          [
            [`sink statement (64-row INSERT OR IGNORE), batches of ${int(batch)}`, int(c.sinkStatement)],
            ['one-row INSERT OR IGNORE, one transaction per batch', int(c.oneRow)],
            ['pipeline sustained, default buffer', int(sustainedDefault)],
            [`pipeline sustained, buffer ${int(SIZED_BUFFER)}`, int(sustained)],
          ],
        ),
      ],
      targets,
      notes: [
        `CPU % is process.cpuUsage of the collector process (main thread + SQLite writer thread, both under tsx); the ${SIMS} simulators run in a separate process.`,
        'Sustained: nothing dropped or spooled, no read failed, every group polled every slot, the writer kept up. Saturation: the first step that lost rows or skipped a slot. A step that failed without dropping a row is measured twice (both results shown).',
        "The ceiling runs in the main thread with the writer thread's pragmas and the product schema: no worker hop, no structured clone, no buffer.",
      ],
      data: { light, byDefault, sized, sizedBuffer: SIZED_BUFFER, ceiling: { rows, batch, ...c }, sustainedDefault, sustained, saturation: saturation?.groups ?? null },
    });
  } finally {
    await sims.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
