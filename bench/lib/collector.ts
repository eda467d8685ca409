import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { startCollector, type RunningCollector, type StopResult } from '../../src/app.js';
import type { PlantConfig } from '../../src/io/config/schema.js';

/**
 * The real collector (startCollector: config store, engine, groups, buffer, Delivery, SQLite
 * writer thread) on a fresh temp data dir, for one measurement; `close` stops it and removes
 * the dir. Logs go to stderr at BENCH_LOG level (default error), so a warning such as
 * "buffer full" can be seen without flooding the figures.
 */
export interface BenchCollector {
  readonly running: RunningCollector;
  readonly dir: string;
  /** Buffer, delivery and group counters in one object. */
  counters(): Counters;
  close(): Promise<StopResult>;
}

export interface Counters {
  readonly produced: number;
  readonly written: number;
  readonly dropped: number;
  readonly batches: number;
  readonly bufferSize: number;
  readonly spooledRows: number;
  readonly pollsOk: number;
  readonly errors: number;
  readonly skippedSlots: number;
}

export function benchLogger(): Logger {
  return pino({ level: process.env.BENCH_LOG ?? 'error' }, pino.destination(2));
}

export async function startBenchCollector(plant: PlantConfig, options: { port?: number } = {}): Promise<BenchCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'jsscada-bench-'));
  let running: RunningCollector;
  try {
    running = await startCollector({ plant, dataDir: dir, logger: benchLogger(), port: options.port, host: '127.0.0.1', print: () => undefined });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const counters = (): Counters => {
    const b = running.collector.buffer.status();
    const d = running.delivery.metrics();
    let pollsOk = 0;
    let errors = 0;
    let skippedSlots = 0;
    for (const g of running.collector.groupStatuses()) {
      pollsOk += g.counters.pollsOk;
      errors += g.counters.errors;
      skippedSlots += g.counters.skippedSlots;
    }
    return { produced: b.produced, written: b.written, dropped: b.dropped, batches: b.batches, bufferSize: b.size, spooledRows: d.spooledRows, pollsOk, errors, skippedSlots };
  };
  let closed: Promise<StopResult> | undefined;
  return {
    running,
    dir,
    counters,
    close: () =>
      (closed ??= running.stop().finally(() => rmSync(dir, { recursive: true, force: true }))),
  };
}

/** b - a, field by field. */
export function delta(a: Counters, b: Counters): Counters {
  const out: Record<string, number> = {};
  for (const key of Object.keys(a) as (keyof Counters)[]) out[key] = b[key] - a[key];
  return out as unknown as Counters;
}
