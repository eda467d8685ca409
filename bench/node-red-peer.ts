/**
 * Figure 7, a peer side by side: Node-RED (node-red-contrib-modbus, polling only) and our
 * collector (polling AND writing every value to SQLite), each polling its own instance of our
 * Modbus simulator (separate processes, so they never contend for one server), in one run.
 *
 *   Job: 10 reads x 100 registers every 100 ms = 10,000 values/s, both at the same time:
 *        values/s delivered, CPU % of one core and RSS of each process (from /proc).
 *   Ceiling on one device connection, each alone: Node-RED asked for 125,000 values/s
 *        (10 x 125 registers every 10 ms) and for 10x that (every 1 ms); ours asked for
 *        125,000 values/s and more (groups of 1,250 registers at 100 ms, the shortest interval
 *        our config allows), all on one connection.
 *
 * Run: npx tsx bench/node-red-peer.ts [--quick] [--seconds=60] [--rounds=2] [--no-ceiling] [--ceiling-buffer=200000]
 * Node-RED comes from NODE_RED_DIR (default /opt/nodered; scripts/install-node-red.sh); without
 * it the Node-RED columns are skipped with the reason and ours is still measured.
 * Our collector runs from dist/ when built (npm run build) so its RSS is not tsx's.
 */
import { startCollectorChild, type CollectorChild } from './lib/collector-child.js';
import { printHeader } from './lib/machine.js';
import { nodeRedMissing, nodeRedVersions, startNodeRed, type RunningNodeRed } from './lib/node-red.js';
import { generatePlant } from './lib/plant.js';
import { cpuPercent, sampleProc, type ProcSample } from './lib/proc.js';
import { emitResult, isQuick, option, table, type TargetCheck } from './lib/result.js';
import { startSimHost, type SimHost } from './lib/sim-host.js';
import { fixed, int, sleep } from './lib/stats.js';

const quick = isQuick();
const SECONDS = option('seconds', quick ? 15 : 60);
const CEILING_SECONDS = option('ceiling-seconds', quick ? 8 : 20);
const ROUNDS = option('rounds', quick ? 1 : 2);
const WARMUP_S = 5;
const NO_CEILING = process.argv.includes('--no-ceiling');
const missing = nodeRedMissing();

interface Usage {
  readonly valuesPerS: number;
  readonly cpuPercent: number;
  readonly rssMb: number;
  readonly peakRssMb: number;
  readonly note: string;
}

/** Watch a process for `seconds`: CPU % between the ends, RSS at the end and its peak (1 s samples). */
async function watch(pids: readonly number[], seconds: number, counts: (() => Promise<number>)[]): Promise<{ cpu: number[]; rss: number[]; peak: number[]; rate: number[] }> {
  const first: ProcSample[] = pids.map(sampleProc);
  const c0 = await Promise.all(counts.map((f) => f()));
  const t0 = performance.now();
  const peak = first.map((s) => s.rssMb);
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    pids.forEach((pid, k) => (peak[k] = Math.max(peak[k]!, sampleProc(pid).rssMb)));
  }
  const last = pids.map(sampleProc);
  const c1 = await Promise.all(counts.map((f) => f()));
  const s = (performance.now() - t0) / 1000;
  return { cpu: pids.map((_, k) => cpuPercent(first[k]!, last[k]!)), rss: last.map((x) => x.rssMb), peak, rate: c1.map((v, k) => (v - c0[k]!) / s) };
}

/** Node-RED's own count, written with its timestamp: exact rate over the window. */
function redRate(red: RunningNodeRed): () => Promise<number> {
  return async () => red.counts().values;
}

function oursRate(ours: CollectorChild): () => Promise<number> {
  return async () => (await ours.counters()).written;
}

/** Buffer of our ceiling steps: a cycle of 40 groups x 1,250 rows is 5x the default 10,000-row ring. */
const CEILING_BUFFER = option('ceiling-buffer', 200_000);

function oursPlant(port: number, groups: number, registers: number, bufferCapacity?: number): ReturnType<typeof generatePlant> {
  // Each group is one read of `registers` (<= 125: one Modbus request) or several.
  return generatePlant({ protocol: 'modbus', ports: [port], groups, tagsPerGroup: registers, intervalMs: 100, distinct: true, collector: bufferCapacity ? { bufferCapacity } : {} });
}

async function job(simRed: SimHost, simOurs: SimHost): Promise<{ red: Usage | null; ours: Usage }> {
  const ours = await startCollectorChild(oursPlant(simOurs.modbusPorts[0]!, 10, 100));
  let red: RunningNodeRed | null = null;
  try {
    red = missing ? null : await startNodeRed({ port: simRed.modbusPorts[0]!, reads: 10, registers: 100, rateMs: 100 });
    await sleep(WARMUP_S * 1000);
    const pids = red ? [ours.pid, red.pid] : [ours.pid];
    const w = await watch(pids, SECONDS, red ? [oursRate(ours), redRate(red)] : [oursRate(ours)]);
    const c = await ours.counters();
    const oursUsage = { valuesPerS: w.rate[0]!, cpuPercent: w.cpu[0]!, rssMb: w.rss[0]!, peakRssMb: w.peak[0]!, note: `${ours.runtime}; dropped ${c.dropped}, spooled ${c.spooledRows}, skipped slots ${c.skippedSlots}` };
    const redUsage = red ? { valuesPerS: w.rate[1]!, cpuPercent: w.cpu[1]!, rssMb: w.rss[1]!, peakRssMb: w.peak[1]!, note: 'polling only' } : null;
    return { red: redUsage, ours: oursUsage };
  } finally {
    await red?.close();
    await ours.close();
  }
}

async function redCeiling(sim: SimHost, rateMs: number): Promise<Usage> {
  const red = await startNodeRed({ port: sim.modbusPorts[0]!, reads: 10, registers: 125, rateMs });
  try {
    await sleep(WARMUP_S * 1000);
    const w = await watch([red.pid], CEILING_SECONDS, [redRate(red)]);
    return { valuesPerS: w.rate[0]!, cpuPercent: w.cpu[0]!, rssMb: w.rss[0]!, peakRssMb: w.peak[0]!, note: `asked ${int((10 * 125 * 1000) / rateMs)}/s` };
  } finally {
    await red.close();
  }
}

async function oursCeiling(sim: SimHost, groups: number): Promise<Usage & { clean: boolean; groups: number }> {
  const ours = await startCollectorChild(oursPlant(sim.modbusPorts[0]!, groups, 1250, CEILING_BUFFER));
  try {
    await sleep(WARMUP_S * 1000);
    const before = await ours.counters();
    const w = await watch([ours.pid], CEILING_SECONDS, [oursRate(ours)]);
    const after = await ours.counters();
    const skipped = after.skippedSlots - before.skippedSlots;
    const problems = [after.dropped > 0 ? `${int(after.dropped)} dropped` : '', after.spooledRows > 0 ? `${int(after.spooledRows)} spooled` : '', skipped > 0 ? `${skipped} slots skipped` : ''].filter(Boolean);
    return { valuesPerS: w.rate[0]!, cpuPercent: w.cpu[0]!, rssMb: w.rss[0]!, peakRssMb: w.peak[0]!, note: `asked ${int(groups * 12_500)}/s; ${problems.join(', ') || 'clean'}`, clean: problems.length === 0, groups };
  } finally {
    await ours.close();
  }
}

function usageRow(who: string, job: string, u: Usage): (string | number)[] {
  return [who, job, int(u.valuesPerS), fixed(u.cpuPercent, 1), fixed(u.rssMb, 0), fixed(u.peakRssMb, 0), u.note];
}

async function main(): Promise<void> {
  const { machine, command } = printHeader('Figure 7: Node-RED (node-red-contrib-modbus) beside our collector, Modbus TCP', import.meta.url);
  const versions = missing ? null : nodeRedVersions();
  console.log(missing ? `Node-RED: SKIPPED (${missing}); measuring ours only` : `Node-RED ${versions!.nodeRed}, node-red-contrib-modbus ${versions!.contribModbus}`);
  // One simulator process per client, so neither server is shared.
  const simRed = await startSimHost({ modbus: [{ fillRegisters: 2000 }] });
  const simOurs = await startSimHost({ modbus: [{ fillRegisters: 20_000 }] });
  try {
    const rounds: { red: Usage | null; ours: Usage }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const j = await job(simRed, simOurs);
      rounds.push(j);
      console.log(`job round ${r + 1}: ours ${int(j.ours.valuesPerS)} values/s, CPU ${fixed(j.ours.cpuPercent, 1)} %, RSS ${fixed(j.ours.rssMb, 0)} MB (${j.ours.note})` + (j.red ? ` | Node-RED ${int(j.red.valuesPerS)} values/s, CPU ${fixed(j.red.cpuPercent, 1)} %, RSS ${fixed(j.red.rssMb, 0)} MB` : ''));
    }
    const mean = (pick: (u: Usage) => number, who: 'red' | 'ours'): number => rounds.reduce((s, j) => s + pick(j[who]!), 0) / rounds.length;
    const oursJob = { valuesPerS: mean((u) => u.valuesPerS, 'ours'), cpuPercent: mean((u) => u.cpuPercent, 'ours'), rssMb: mean((u) => u.rssMb, 'ours'), peakRssMb: Math.max(...rounds.map((j) => j.ours.peakRssMb)), note: rounds[0]!.ours.note };
    const redJob = missing ? null : { valuesPerS: mean((u) => u.valuesPerS, 'red'), cpuPercent: mean((u) => u.cpuPercent, 'red'), rssMb: mean((u) => u.rssMb, 'red'), peakRssMb: Math.max(...rounds.map((j) => j.red!.peakRssMb)), note: 'polling only' };

    const redCeilings: Usage[] = [];
    if (!missing && !NO_CEILING) {
      for (const rateMs of [10, 1]) {
        const u = await redCeiling(simRed, rateMs);
        redCeilings.push(u);
        console.log(`Node-RED ceiling, 10 x 125 registers every ${rateMs} ms (${u.note}): ${int(u.valuesPerS)} values/s, CPU ${fixed(u.cpuPercent, 0)} %, RSS ${fixed(u.rssMb, 0)} MB`);
      }
    }
    const oursCeilings: (Usage & { clean: boolean; groups: number })[] = [];
    for (const groups of NO_CEILING ? [] : quick ? [10, 40] : [10, 20, 40, 80]) {
      const u = await oursCeiling(simOurs, groups);
      oursCeilings.push(u);
      console.log(`our ceiling, ${groups} groups x 1,250 registers at 100 ms on one connection, buffer ${int(CEILING_BUFFER)} (${u.note}): ${int(u.valuesPerS)} values/s written, CPU ${fixed(u.cpuPercent, 0)} %, RSS ${fixed(u.rssMb, 0)} MB`);
      if (u.valuesPerS < 0.9 * groups * 12_500 || !u.clean) break; // saturated: asking more only queues or drops
    }
    const redTop = redCeilings.length > 0 ? Math.max(...redCeilings.map((u) => u.valuesPerS)) : Number.NaN;
    const oursTop = Math.max(...oursCeilings.map((u) => u.valuesPerS));
    // The best step with no row lost and no slot skipped: what ours sustains, not just moves.
    const oursClean = Math.max(0, ...oursCeilings.filter((u) => u.clean).map((u) => u.valuesPerS));
    const ratio = oursTop / redTop;
    console.log(`ceilings on one connection: ours ${int(oursTop)} values/s written to SQLite (${int(oursClean)} with no row lost and no slot skipped), Node-RED ${int(redTop)} values/s polled = ${fixed(ratio, 1)}x (${fixed(oursClean / redTop, 1)}x clean)`);

    const skip = missing ? `skipped: ${missing}` : undefined;
    const targets: TargetCheck[] = [
      { name: 'job CPU: ours (with SQLite) vs Node-RED (polling only)', target: 'ours < Node-RED', measured: redJob ? `ours ${fixed(oursJob.cpuPercent, 1)} % vs Node-RED ${fixed(redJob.cpuPercent, 1)} %` : `ours ${fixed(oursJob.cpuPercent, 1)} %`, met: redJob ? oursJob.cpuPercent < redJob.cpuPercent : null, note: skip },
      { name: 'job RSS of our collector', target: '< 80 MB', measured: `${fixed(oursJob.rssMb, 0)} MB (peak ${fixed(oursJob.peakRssMb, 0)} MB, ${rounds[0]!.ours.note.split(';')[0]})`, met: oursJob.rssMb < 80 },
      {
        name: 'ceiling on one device connection',
        target: 'ours >= 5x Node-RED',
        measured: redJob ? `${fixed(ratio, 1)}x (${int(oursTop)} vs ${int(redTop)} values/s; ${fixed(oursClean / redTop, 1)}x counting only steps with no row lost and no slot skipped)` : `ours ${int(oursTop)} values/s`,
        met: redJob ? ratio >= 5 : null,
        note: skip,
      },
    ];
    emitResult({
      figure: 'node-red-peer',
      title: 'Figure 7: Node-RED peer',
      machine,
      command,
      quick,
      skipped: skip,
      tables: [
        table(
          ['process', 'job', 'values/s delivered', 'CPU % (1 core)', 'RSS MB', 'peak RSS MB', 'note'],
          [
            usageRow('ours (polls + writes SQLite)', `10 x 100 regs @ 100 ms, ${ROUNDS} x ${SECONDS} s`, oursJob),
            ...(redJob ? [usageRow(`Node-RED ${versions!.nodeRed} + contrib-modbus ${versions!.contribModbus}`, `10 x 100 regs @ 100 ms, ${ROUNDS} x ${SECONDS} s`, redJob)] : []),
            ...redCeilings.map((u, i) => usageRow('Node-RED ceiling', `10 x 125 regs @ ${[10, 1][i]} ms`, u)),
            ...oursCeilings.map((u) => usageRow(`ours ceiling (one connection, buffer ${int(CEILING_BUFFER)})`, `${u.groups} groups x 1,250 regs @ 100 ms`, u)),
          ],
          ['l', 'l', 'r', 'r', 'r', 'r', 'l'],
        ),
      ],
      targets,
      notes: [
        'Both clients poll simultaneously for the job, each its own simulator process; ceilings run one client at a time.',
        'CPU % and RSS come from /proc/<pid>/stat and status of each process (ours includes its SQLite writer thread).',
        `Our shortest interval is 100 ms (config limit), so our ceiling asks with more registers per cycle on the same single connection, with collector.bufferCapacity ${int(CEILING_BUFFER)} (one cycle of these steps exceeds the default 10,000 rows; see figure 1); our ceiling is values written to SQLite per second.`,
        'Neither process serves HTTP here (Node-RED: httpAdminRoot and httpNodeRoot false; ours: no port), so RSS compares the polling runtimes; our process still loads the HTTP modules at start (src/app.ts imports them).',
      ],
      data: { versions, rounds, oursJob, redJob, redCeilings, oursCeilings, ratio, oursClean },
    });
  } finally {
    await simRed.close();
    await simOurs.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
