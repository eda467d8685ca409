import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MachineInfo } from './machine.js';

/**
 * Every figure ends with one JSON line, `BENCH_RESULT {...}`, that bench/report.ts collects; the
 * same object is written to $BENCH_RESULTS_DIR/<figure>.json (default: a temp folder), so the
 * report can be rebuilt from the last runs without measuring again.
 */
export const RESULT_PREFIX = 'BENCH_RESULT ';

export interface TargetCheck {
  readonly name: string;
  /** The target as the design states it, e.g. "p99 < 2 ms". */
  readonly target: string;
  /** What this run measured, in words with units. */
  readonly measured: string;
  /** null: not measured in this run (skipped, with `note` saying why). */
  readonly met: boolean | null;
  readonly note?: string | undefined;
}

export interface FigureResult {
  readonly figure: string;
  readonly title: string;
  readonly machine: MachineInfo;
  readonly command: string;
  readonly quick: boolean;
  /** Markdown tables (already formatted) for docs/BENCHMARKS.md. */
  readonly tables: readonly string[];
  readonly targets: readonly TargetCheck[];
  readonly notes: readonly string[];
  /** Raw numbers, for anyone who wants to compare runs. */
  readonly data: unknown;
  readonly skipped?: string | undefined;
}

export function resultsDir(): string {
  return process.env.BENCH_RESULTS_DIR ?? join(tmpdir(), 'jsscada-bench-results');
}

export function emitResult(result: FigureResult): void {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${result.figure}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
}

/** A markdown table from a header row and rows of cells. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[], align?: readonly ('l' | 'r')[]): string {
  const sep = header.map((_, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function isQuick(): boolean {
  return process.argv.includes('--quick');
}

/** `--name=value` from argv, else the env var, else the default. */
export function option(name: string, fallback: number): number {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  const env = process.env[`BENCH_${name.toUpperCase().replaceAll('-', '_')}`];
  const raw = flag ? flag.slice(name.length + 3) : env;
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got "${raw}"`);
  return value;
}
