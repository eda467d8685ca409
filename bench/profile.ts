/**
 * Where the CPU goes in a figure: runs one bench script under `node --cpu-prof` (every thread,
 * the SQLite writer thread included; a collector child process too, via BENCH_PROFILE_DIR) and prints the top self-time frames and source files of
 * each thread's profile. Used for the profile notes of missed targets in docs/BENCHMARKS.md.
 *
 * Run: npx tsx bench/profile.ts [--skip=15] <name> [--children-only] <script> [script args...]
 *   e.g. npx tsx bench/profile.ts pipeline-250k bench/pipeline.ts --levels=25 --light-seconds=0 --skip-ceiling
 * Writes the result as profile-<name>; the profiled run's own result goes to a temp dir, so it
 * never replaces the figure's real (unprofiled) numbers.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profilesIn, summarizeProfile, type ProfileSummary } from './lib/cpuprofile.js';
import { printHeader } from './lib/machine.js';
import { emitResult, table } from './lib/result.js';
import { fixed } from './lib/stats.js';

// --skip=N (seconds, default 15): leave start-up out of the summary (module loading, JIT, warm-up).
const skipArg = process.argv.find((a) => a.startsWith('--skip='));
const SKIP_S = skipArg ? Number(skipArg.slice(7)) : 15;
const argv = process.argv.slice(2).filter((a) => a !== skipArg);
// --children-only: profile only collector child processes (the script itself just orchestrates).
const childrenOnly = argv[1] === '--children-only';
const [name, script, ...args]: string[] = childrenOnly ? [argv[0]!, ...argv.slice(2)] : argv;
if (!name || !script) {
  console.error('usage: npx tsx bench/profile.ts <name> [--children-only] <script.ts> [args...]');
  process.exit(2);
}

async function main(): Promise<void> {
  const { machine, command } = printHeader(`Profile: ${name} (${script} ${args.join(' ')})`, import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'jsscada-prof-'));
  try {
    const code = await new Promise<number | null>((resolve) => {
      const prof = childrenOnly ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
      const child = spawn(process.execPath, [...prof, '--import', 'tsx', script!, ...args], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, BENCH_RESULTS_DIR: join(dir, 'results'), BENCH_PROFILE_DIR: dir },
      });
      child.on('exit', (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`${script} exited with ${code}`);
    // Busiest thread first: the main thread and the SQLite writer are the ones that matter.
    const summaries: ProfileSummary[] = profilesIn(dir)
      .map((f) => summarizeProfile(f, 15, SKIP_S * 1000))
      .filter((s) => s.busyMs > 50)
      .sort((a, b) => b.busyMs - a.busyMs);
    const tables: string[] = [];
    summaries.forEach((s, i) => {
      const label = `thread ${i + 1} (${fixed(s.busyMs / 1000, 1)} s busy of ${fixed(s.durationMs / 1000, 1)} s)`;
      console.log(`\n${label}: top frames by self time`);
      for (const f of s.topFrames) console.log(`  ${fixed(f.percent, 1).padStart(5)} %  ${f.name}  ${f.where}`);
      console.log(`${label}: by source file`);
      for (const f of s.topFiles.slice(0, 10)) console.log(`  ${fixed(f.percent, 1).padStart(5)} %  ${f.name}`);
      tables.push(table([`${label}: function`, 'where', 'self %'], s.topFrames.slice(0, 12).map((f) => [f.name.replaceAll('|', '\\|'), f.where, fixed(f.percent, 1)]), ['l', 'l', 'r']));
      tables.push(table([`${label}: source file`, 'self %'], s.topFiles.slice(0, 8).map((f) => [f.name, fixed(f.percent, 1)])));
    });
    emitResult({
      figure: `profile-${name}`,
      title: `Profile: ${name}`,
      machine,
      command,
      quick: false,
      tables,
      targets: [],
      notes: [
        `Profiled: ${childrenOnly ? 'the collector child process of' : 'node --cpu-prof --import tsx'} ${script} ${args.join(' ')}; the first ${SKIP_S} s (start-up, warm-up) are left out. Self time excludes idle. Line numbers are of the executed code (built JS or tsx-transpiled) and may be off from the .ts source by a few lines.`,
        "The SQLite writer thread is not in these profiles: piscina starts it with its own execArgv, which drops --cpu-prof. Its share is the process's CPU minus the main thread's.",
        'Frames in bench/ are the figure\'s own sampling loop (tsx puts each bench file on one line, so names there can be approximate).',
      ],
      data: summaries,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
