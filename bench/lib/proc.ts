import { execFileSync, fork, spawn, type ChildProcess, type ForkOptions, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Child processes of a figure and what they cost. Every child is tracked and killed by its own
 * pid when the figure ends, fails or is interrupted, so a failed run never leaves a simulator
 * or a Node-RED behind on the shared machine.
 */
const children = new Set<ChildProcess>();
let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => killChildren());
  // Interrupted: SIGTERM the children so they can end their own (a figure ends its simulators
  // and Node-RED), then leave; 'exit' SIGKILLs whatever is still there.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killChildren('SIGTERM');
      setTimeout(() => process.exit(130), 500);
    });
  }
}

function track(child: ChildProcess): ChildProcess {
  hook();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function forkTracked(modulePath: string, args: readonly string[], options: ForkOptions = {}): ChildProcess {
  return track(fork(modulePath, [...args], options));
}

export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return track(spawn(command, [...args], options));
}

export function killChildren(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const child of children) {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, signal);
      } catch {
        // already gone
      }
    }
  }
  if (signal === 'SIGKILL') children.clear();
}

/**
 * End a child: give it `exitingMs` to exit by itself (it was asked to; a profiled child writes its
 * profile then), then SIGTERM, then SIGKILL after `graceMs`.
 */
export async function stopChild(child: ChildProcess, graceMs = 3000, exitingMs = 0): Promise<void> {
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  if (gone()) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (exitingMs > 0) await Promise.race([exited, new Promise((r) => setTimeout(r, exitingMs))]);
  if (gone()) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

let ticks: number | undefined;
/** Clock ticks per second of /proc/<pid>/stat times (almost always 100). */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

export interface ProcSample {
  /** CPU seconds (user + system, all threads) since the process started. */
  readonly cpuS: number;
  readonly rssMb: number;
  /** Wall time of the sample (performance.now ms). */
  readonly at: number;
}

/** CPU and RSS of any process on this machine, from /proc (Linux only). */
export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuS: (utime + stime) / clockTicks(), rssMb: rssKb / 1024, at: performance.now() };
}

/** CPU % of one core between two samples. */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  return ((b.cpuS - a.cpuS) / ((b.at - a.at) / 1000)) * 100;
}

/** This process's CPU time (all threads, incl. worker threads) and RSS, for in-process figures. */
export class SelfMeter {
  private cpu = process.cpuUsage();
  private at = performance.now();
  private peakRss = 0;
  private readonly sampler: NodeJS.Timeout;

  constructor(sampleMs = 500) {
    this.sampler = setInterval(() => (this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss())), sampleMs);
    this.sampler.unref();
  }

  reset(): void {
    this.cpu = process.cpuUsage();
    this.at = performance.now();
    this.peakRss = process.memoryUsage.rss();
  }

  /** CPU % of one core since reset (process.cpuUsage counts every thread of the process). */
  read(): { cpuPercent: number; rssMb: number; peakRssMb: number; seconds: number } {
    const used = process.cpuUsage(this.cpu);
    const seconds = (performance.now() - this.at) / 1000;
    const rss = process.memoryUsage.rss();
    this.peakRss = Math.max(this.peakRss, rss);
    return { cpuPercent: ((used.user + used.system) / 1e6 / seconds) * 100, rssMb: rss / 2 ** 20, peakRssMb: this.peakRss / 2 ** 20, seconds };
  }

  stop(): void {
    clearInterval(this.sampler);
  }
}
