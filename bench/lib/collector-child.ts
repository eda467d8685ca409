/**
 * The collector in a process of its own, for figures that compare whole processes (CPU % and
 * RSS from /proc, as for a peer such as Node-RED). Started by startCollectorChild(); answers
 * counter requests over IPC; stops cleanly (drains the buffer) when asked, or when the parent goes.
 *
 * Runs the built code (dist/, built at first use) so CPU and RSS are the product's, not tsx's
 * (tsx adds ~50 MB RSS and a loader thread); see builtOrSource().
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlantConfig } from '../../src/io/config/schema.js';
import { packageRoot } from '../../src/package-root.js';
import { startBenchCollector, type Counters } from './collector.js';
import { forkTracked, stopChild } from './proc.js';

export interface CollectorChild {
  readonly pid: number;
  /** 'dist' (plain node on the built JS) or 'tsx' (TypeScript source through tsx). */
  readonly runtime: 'dist' | 'tsx';
  counters(): Promise<Counters>;
  close(): Promise<{ drained: boolean; unwritten: number }>;
}

let built: boolean | undefined;
/**
 * Build dist/ once per run (tsc -p tsconfig.build.json, as `npm run build`), so the child runs
 * today's code without tsx. False when the build fails (e.g. someone's half-done change): the
 * child then runs from source through tsx, and the figure says so.
 */
export function ensureBuilt(): boolean {
  if (built === undefined) {
    const root = packageRoot();
    const r = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    built = r.status === 0 && existsSync(join(root, 'dist', 'bench', 'lib', 'collector-child.js'));
    if (!built) console.error(`build failed, running the collector child through tsx:\n${(r.stdout ?? '') + (r.stderr ?? '')}`.slice(0, 2000));
  }
  return built;
}

/** The built child when dist/ could be built; else the source via tsx. */
export function builtOrSource(): { file: string; runtime: 'dist' | 'tsx'; execArgv: string[] } {
  const source = fileURLToPath(import.meta.url);
  if (source.endsWith('.js')) return { file: source, runtime: 'dist', execArgv: [] };
  if (ensureBuilt()) return { file: join(packageRoot(), 'dist', 'bench', 'lib', 'collector-child.js'), runtime: 'dist', execArgv: [] };
  return { file: source, runtime: 'tsx', execArgv: ['--import', 'tsx'] };
}

export async function startCollectorChild(plant: PlantConfig, options: { forceTsx?: boolean } = {}): Promise<CollectorChild> {
  const chosen = options.forceTsx ? { file: fileURLToPath(import.meta.url), runtime: 'tsx' as const, execArgv: ['--import', 'tsx'] } : builtOrSource();
  // bench/profile.ts sets BENCH_PROFILE_DIR: the collector is then profiled too (every thread).
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = forkTracked(chosen.file, ['collector-child'], { execArgv: [...profile, ...chosen.execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(message: object): Promise<T> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`collector child exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (reply) => {
        child.off('exit', onExit);
        resolve(reply as T);
      });
      child.send(message);
    });
  await ask<{ ready: true }>({ plant });
  return {
    pid: child.pid!,
    runtime: chosen.runtime,
    counters: () => ask<Counters>({ counters: true }),
    close: async () => {
      const result = await ask<{ drained: boolean; unwritten: number }>({ stop: true }).catch(() => ({ drained: false, unwritten: -1 }));
      await stopChild(child, 5000, 5000);
      return result;
    },
  };
}

async function child(): Promise<void> {
  let collector: Awaited<ReturnType<typeof startBenchCollector>> | undefined;
  process.on('message', (message: { plant?: PlantConfig; counters?: boolean; stop?: boolean }) => {
    void (async () => {
      if (message.plant) {
        collector = await startBenchCollector(message.plant);
        process.send!({ ready: true });
      } else if (message.counters) {
        process.send!(collector!.counters());
      } else if (message.stop) {
        const result = await collector!.close();
        process.send!(result);
        process.exit(0);
      }
    })();
  });
  process.on('disconnect', () => void (collector?.close() ?? Promise.resolve()).finally(() => process.exit(0)));
}

if (process.argv[2] === 'collector-child') void child();
