/**
 * Runs every figure and writes docs/BENCHMARKS.md from what they print: the machine, the exact
 * commands, the tables, targets met or missed and, for misses, the profile of where the CPU went.
 * The document is generated; never edit its numbers by hand.
 *
 * Run: npx tsx bench/report.ts [--quick] [--from-results] [--only=pipeline,timing] [--no-profiles]
 *   --quick         every figure in its short form (a smoke run; the doc says so)
 *   --from-results  do not measure: rebuild the doc from the last results ($BENCH_RESULTS_DIR)
 * Figures run one after another, each in its own process, so none disturbs another.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeMachine, machineInfo } from './lib/machine.js';
import { killChildren, spawnTracked } from './lib/proc.js';
import { RESULT_PREFIX, resultsDir, type FigureResult, type TargetCheck } from './lib/result.js';
import { packageRoot } from '../src/package-root.js';

const root = packageRoot();
const quick = process.argv.includes('--quick');
const fromResults = process.argv.includes('--from-results');
const noProfiles = process.argv.includes('--no-profiles') || quick;
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');

interface Figure {
  readonly id: string;
  readonly script: string;
  readonly args?: readonly string[];
  /** Whose script it is, when not this report's author's (run as is; its output quoted when it prints no result line). */
  readonly external?: boolean;
}

const FIGURES: readonly Figure[] = [
  { id: 'pipeline', script: 'bench/pipeline.ts' },
  { id: 'protocol', script: 'bench/protocol.ts' },
  { id: 'timing', script: 'bench/timing.ts' },
  { id: 'http-status', script: 'bench/http-status.ts', external: true },
  { id: 'memory', script: 'bench/memory.ts' },
  { id: 'writer', script: 'bench/writer-sqlite.ts' },
  { id: 'node-red-peer', script: 'bench/node-red-peer.ts' },
];

/** Profiles run when a target of their figure was missed: where the CPU went. */
const PROFILES: readonly { id: string; figure: string; args: readonly string[]; about: string }[] = [
  { id: 'light', figure: 'pipeline', args: ['bench/pipeline.ts', '--levels=none', '--light-seconds=60', '--skip-ceiling'], about: 'the collector at 10 groups x 100 tags at 1 s (main thread)' },
  { id: 'pipeline-600k', figure: 'pipeline', args: ['bench/pipeline.ts', '--levels=60', '--light-seconds=0', '--skip-ceiling', '--seconds=30'], about: 'the collector at 60 groups x 1,000 tags at 100 ms, default buffer then 200,000 rows (main thread)' },
  { id: 'timing', figure: 'timing', args: ['bench/timing.ts', '--seconds=30'], about: '50 FIXED groups at 100 ms + HANDSHAKE triggers (main thread)' },
  { id: 'job10k', figure: 'node-red-peer', args: ['--children-only', 'bench/node-red-peer.ts', '--seconds=30', '--rounds=1', '--no-ceiling'], about: 'our collector process on the Node-RED job, 10 x 100 registers at 100 ms (main thread)' },
];

/**
 * Why a target is missed, as far as the profiles and the figures show it (prose only: every
 * number is in the tables). Shown beside a target only while it is missed.
 */
const CAUSES: Readonly<Record<string, string>> = {
  pipeline:
    'Throughput: with the default buffer, rows are lost long before the writer is busy. The engine starts every FIXED group at the same instant, so all groups poll in phase and each 100 ms cycle lands G x 1,000 rows at once; the 10,000-row ring (collector.bufferCapacity default) overflows as soon as one cycle is larger than it. The same loads run clean with a buffer sized for the plant (second series). The rest of the gap to the same-run ceiling is the main thread, not SQLite: per poll and per request XState transitions (group, device link, buffer event per poll, inspection events), socket writes and GC, bunched by the in-phase slots until slots slip (profile "pipeline-600k"). Light load: the same per-poll work plus the writer thread waking for every 500-row flush (profile "light").',
  timing:
    'A poll starts late when the main thread is busy at its slot: groups started together share slots, so their transitions and reads queue behind each other, and GC pauses add to it (profile "timing"). collector.trigger() to poll start is well under a millisecond; the REST path adds the HTTP stack on the same event loop. Polls can also start before their slot: Node timers fire early for fractional delays and the FIXED machine reads as soon as its timer fires.',
  'node-red-peer':
    'CPU: per request the device link runs an XState transition, per poll the group spawns a promise actor and XState emits inspection events, and every 500 rows wake the writer thread for a structured clone and a transaction; Node-RED does less per request and writes nothing (profile "job10k"). RSS: a bare node process is about 40 MB; loading src/app.ts adds the HTTP layer (Hono, OpenAPI, zod), the oracledb and pg sinks and modbus-serial, and the SQLite writer thread is a second V8 isolate.',
};

interface Collected {
  readonly figure: Figure;
  readonly result: FigureResult | null;
  /** Output of a script that printed no result line (the other engineer's), quoted as is. */
  readonly text: string | null;
  readonly error: string | null;
}

function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawnTracked(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      // Echo progress, but not the long JSON line.
      for (const line of d.toString().split('\n')) if (line && !line.startsWith(RESULT_PREFIX)) process.stdout.write(`  ${line}\n`);
    });
    // A figure that hangs must not hang the report: 45 minutes is 3x the longest full figure.
    // SIGTERM: the figure then ends its own simulators and peers.
    const timer = setTimeout(() => child.kill('SIGTERM'), 45 * 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function parseResult(out: string): FigureResult | null {
  const line = out.split('\n').reverse().find((l) => l.startsWith(RESULT_PREFIX));
  return line ? (JSON.parse(line.slice(RESULT_PREFIX.length)) as FigureResult) : null;
}

function stored(id: string): FigureResult | null {
  const file = join(resultsDir(), `${id}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as FigureResult) : null;
}

async function collect(figure: Figure): Promise<Collected> {
  const textFile = join(resultsDir(), `${figure.id}.txt`);
  if (!existsSync(join(root, figure.script))) return { figure, result: null, text: null, error: `${figure.script} does not exist yet` };
  if (fromResults) {
    const text = existsSync(textFile) ? readFileSync(textFile, 'utf8') : null;
    return { figure, result: stored(figure.id), text, error: null };
  }
  console.log(`\n== ${figure.script}${quick ? ' --quick' : ''}`);
  const { code, out } = await run([figure.script, ...(quick && !figure.external ? ['--quick'] : []), ...(figure.args ?? [])], quick && figure.external ? { BENCH_SECONDS: '3', BENCH_PROBES: '500' } : {});
  const result = parseResult(out);
  const text = result ? null : out.trim();
  if (text) writeFileSync(textFile, text);
  return { figure, result, text, error: code === 0 ? null : `${figure.script} exited with ${code}` };
}

function mark(t: TargetCheck): string {
  return t.met === null ? 'not measured' : t.met ? 'met' : '**missed**';
}

function figureSection(c: Collected): string[] {
  const out: string[] = [];
  const r = c.result;
  const title = r?.title ?? `Figure 4: API status latency with SSE clients (${c.figure.script})`;
  out.push(`## ${title}`, '');
  if (c.error) out.push(`> ${c.error}`, '');
  if (!r) {
    if (c.text) {
      out.push(`Command: \`npx tsx ${c.figure.script}\`${quick ? ' (short: BENCH_SECONDS=3 BENCH_PROBES=500)' : ''}; its output, as printed:`, '', '```', c.text, '```', '');
    } else if (!c.error) out.push('No result.', '');
    return out;
  }
  out.push(`Command: \`${r.command}\`${r.quick ? ' (quick: a smoke run, not a figure to quote)' : ''}  `);
  out.push(`Machine: ${describeMachine(r.machine)}`, '');
  if (r.skipped) out.push(`> Partly skipped: ${r.skipped}`, '');
  for (const t of r.tables) out.push(t, '');
  if (r.targets.length > 0) {
    out.push('| target | wanted | measured | |', '|---|---|---|---|');
    for (const t of r.targets) out.push(`| ${t.name} | ${t.target} | ${t.measured}${t.note ? ` (${t.note})` : ''} | ${mark(t)} |`);
    out.push('');
  }
  for (const n of r.notes) out.push(`- ${n}`);
  if (r.notes.length > 0) out.push('');
  if (r.targets.some((t) => t.met === false) && CAUSES[r.figure]) out.push(`**Why missed:** ${CAUSES[r.figure]}`, '');
  return out;
}

function summary(all: readonly Collected[]): string[] {
  const out = ['## Targets', '', '| figure | target | wanted | measured | |', '|---|---|---|---|---|'];
  for (const c of all) {
    for (const t of c.result?.targets ?? []) out.push(`| ${c.result!.title.replace(/^Figure (\d+):.*/, 'Fig. $1')} | ${t.name} | ${t.target} | ${t.measured} | ${mark(t)} |`);
  }
  out.push('');
  return out;
}

async function main(): Promise<void> {
  mkdirSync(resultsDir(), { recursive: true });
  const m = machineInfo();
  const figures = FIGURES.filter((f) => !only || only.includes(f.id));
  const all: Collected[] = [];
  for (const f of figures) all.push(await collect(f));

  const missed = new Set(all.filter((c) => c.result?.targets.some((t) => t.met === false)).map((c) => c.figure.id));
  const profiles: FigureResult[] = [];
  for (const p of PROFILES) {
    if (!missed.has(p.figure)) continue;
    if (fromResults || noProfiles) {
      const r = stored(`profile-${p.id}`);
      if (r) profiles.push(r);
      continue;
    }
    console.log(`\n== profile ${p.id}: ${p.about}`);
    const { out } = await run(['bench/profile.ts', p.id, ...p.args]);
    const r = parseResult(out);
    if (r) profiles.push(r);
  }

  const doc: string[] = [
    '# Benchmarks',
    '',
    fromResults
      ? `Rebuilt by \`npx tsx bench/report.ts --from-results\` on ${m.date} from the last results of each figure (each section says when and where it was measured). **Do not edit**: every number comes from a script in bench/; run \`npm run bench\` to measure again.`
      : `Generated by \`npx tsx bench/report.ts${quick ? ' --quick' : ''}\` (npm run bench${quick ? ':quick' : ''}) on ${m.date}. **Do not edit**: every number comes from a script in bench/; run it again to update.`,
    quick ? '\n> **Quick run**: every figure in its short smoke form. These numbers show the scripts work; quote only a full run.\n' : '',
    '## Machine',
    '',
    '| CPU | cores | RAM | Node | platform | 1-min load when the report started |',
    '|---|---:|---:|---|---|---:|',
    `| ${m.cpu} | ${m.cores} | ${m.ramGb} GB | ${m.node} | ${m.platform} | ${fromResults ? 'rebuilt, not measured: see each figure' : m.load1} |`,
    '',
    'Each figure prints its own machine line with the load when it started: on a shared machine, compare the ratios within one run (pipeline vs same-run ceiling, client vs raw loop, ours vs Node-RED) rather than absolute numbers across runs.',
    '',
    ...summary(all),
    ...all.flatMap(figureSection),
  ];
  if (profiles.length > 0) {
    doc.push('## Profiles of missed targets', '', 'Self time by function and by source file, from `node --cpu-prof` (command in each block).', '');
    for (const p of profiles) {
      doc.push(`### ${p.title}`, '', `Command: \`${p.command}\`  `, `Machine: ${describeMachine(p.machine)}`, '');
      for (const t of p.tables) doc.push(t, '');
      for (const n of p.notes) doc.push(`- ${n}`);
      doc.push('');
    }
  }
  doc.push(
    '## Reproduce',
    '',
    '```',
    'npm run bench                      # every figure, then this file (about 30 minutes)',
    'npm run bench:quick                # smoke run of every figure (a few minutes)',
    ...FIGURES.map((f) => `npx tsx ${f.script}${f.external ? '' : ' [--quick]'}`),
    'npx tsx bench/profile.ts <name> [--children-only] <script> [args]   # where the CPU goes',
    'bash scripts/install-node-red.sh   # the Node-RED peer, outside the repo (NODE_RED_DIR, default /opt/nodered)',
    '```',
    '',
  );
  const file = join(root, 'docs', 'BENCHMARKS.md');
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(file, doc.filter((l) => l !== undefined).join('\n'));
  console.log(`\nwrote ${file}`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => killChildren());
