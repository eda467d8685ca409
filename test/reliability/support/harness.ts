import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Database from 'better-sqlite3';
import { afterAll, afterEach } from 'vitest';

/**
 * Shared plumbing of the torture tests: the short/long switch, temp dirs that are always
 * removed, bounded waits, a heap reading after a real GC, and read-only looks at tag_data.
 */

/** JSSCADA_TORTURE_LONG=1 runs the long form (minutes); CI runs the short form. */
export const LONG = process.env.JSSCADA_TORTURE_LONG === '1';

/** Pick the short or the long figure. */
export const pick = <T>(short: T, long: T): T => (LONG ? long : short);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll a condition in real time, bounded: effects that travel through sockets, timers and threads. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, stepMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

/**
 * Cleanup after each test, pass or fail, in a fixed order: child processes first (SIGKILL if
 * still alive), then collectors (they drain into the database), then simulators, then temp dirs.
 */
const PHASES = ['processes', 'collectors', 'simulators', 'dirs'] as const;
type Phase = (typeof PHASES)[number];
const cleanups: Record<Phase, { label: string; fn: () => Promise<void> | void }[]> = { processes: [], collectors: [], simulators: [], dirs: [] };

export function onCleanup(phase: Phase, fn: () => Promise<void> | void, label: string = phase): void {
  cleanups[phase].push({ label, fn });
}

const CLEANUP_LIMIT_MS = 15_000;

/** Run the cleanups registered so far (also called by afterAll). A hanging one is reported by label, not waited for forever. */
export async function cleanupNow(): Promise<void> {
  const hung: string[] = [];
  for (const phase of PHASES) {
    const entries = cleanups[phase].splice(0);
    await Promise.all(
      entries.map(async ({ label, fn }) => {
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), CLEANUP_LIMIT_MS)));
        try {
          const outcome = await Promise.race([Promise.resolve().then(fn), limit]);
          if (outcome === 'hung') hung.push(label);
        } catch (err) {
          console.error(`[torture] cleanup ${label} failed:`, err);
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }
  if (hung.length > 0) throw new Error(`cleanup did not finish within ${CLEANUP_LIMIT_MS} ms: ${hung.join(', ')}`);
}

afterEach(cleanupNow, 4 * CLEANUP_LIMIT_MS + 5_000);
afterAll(cleanupNow, 4 * CLEANUP_LIMIT_MS + 5_000);

/** A temp dir removed after the test, pass or fail. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `jsscada-torture-${prefix}-`));
  onCleanup('dirs', () => rmSync(dir, { recursive: true, force: true }), `temp dir ${dir}`);
  return dir;
}

let gcFn: (() => void) | undefined;
/** Heap used after full GCs (the flag is set at run time, as test/http/sse-load.test.ts does). */
export async function heapAfterGc(): Promise<number> {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < 3; i++) {
    gcFn();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

export const MB = 1024 * 1024;

export interface StoredRow {
  readonly tagId: number;
  readonly ts: number;
  readonly value: number | null;
  readonly text: string | null;
  readonly quality: number;
}

/**
 * Run a query on the plant database from outside the collector. Read-write open, so a WAL left
 * by a killed process is recovered; the connection only reads.
 */
export function query<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export function storedRows(dbPath: string): StoredRow[] {
  return query<StoredRow>(dbPath, 'SELECT tag_id AS tagId, ts, value, text_value AS text, quality FROM tag_data ORDER BY ts, tag_id');
}

/** Tag ids by name, from the configuration store. */
export function tagIds(dbPath: string): Map<string, number> {
  return new Map(query<{ name: string; id: number }>(dbPath, 'SELECT name, id FROM tags').map((r) => [r.name, r.id]));
}

/** The natural key of a row, for set comparisons. */
export const keyOf = (tagId: number, ts: number): string => `${tagId}@${ts}`;

/** Numbers for the test log: one line a figure. */
export function report(title: string, figures: Record<string, unknown>): void {
  const body = Object.entries(figures)
    .map(([k, v]) => `  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('\n');
  console.log(`[torture] ${title}\n${body}`);
}
