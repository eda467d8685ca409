import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { BufferActor } from '../../src/actors/buffer/buffer-actor.js';
import { main } from '../../src/cli/main.js';
import { describeError, errorMessage } from '../../src/io/errors.js';
import { Delivery } from '../../src/io/sink/delivery/delivery.js';
import { errorText } from '../../src/io/sink/delivery/sink-error.js';
import type { RowBatch, Sink, WriteResult } from '../../src/io/sink/rows.js';
import { Spool } from '../../src/io/sink/spool/spool.js';
import { SqliteSink } from '../../src/io/sink/sqlite/sqlite-sink.js';
import { logSerializers, silentLogger } from '../../src/log.js';
import { errorText as panelErrorText } from '../../ui/src/lib/api-error.js';
import { settle } from '../support/sim-time.js';
import { makeApp, startPlant, AUTH } from '../http/helpers.js';

/**
 * Issue 12, finding 3: "[object Object]" as the sink's lastError (SQLite WAL made immutable),
 * for a corrupted store file at start, and from the CLI on a full disk. Not everything thrown
 * is an Error; every path that shows an error to a person must still say something readable.
 */

const require = createRequire(import.meta.url);
// better-sqlite3's own error class: an Error by prototype only (see src/io/sqlite worker.ts).
const SqliteError = require('better-sqlite3/lib/sqlite-error.js') as new (message: string, code: string) => Error & { code: string };

const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;

/** Throwables as they really arrive, and what a reader must at least see in the message. */
const THROWN: [string, unknown, RegExp][] = [
  ['a plain object with a message', { message: 'disk I/O error', code: 'SQLITE_IOERR' }, /disk I\/O error.*SQLITE_IOERR/],
  ['a SqliteError after a worker boundary (only its code survives)', structuredClone(new SqliteError('database or disk is full', 'SQLITE_FULL')), /SQLITE_FULL/],
  ['a real SqliteError', new SqliteError('attempt to write a readonly database', 'SQLITE_READONLY'), /readonly database/],
  ['an empty object', {}, /unknown error/],
  ['an object with data', { status: 7, reason: 'nope' }, /"reason":"nope"/],
  ['a cyclic object', cyclic, /unknown error/],
  ['a string', 'socket hang up', /^socket hang up$/],
  ['an empty string', '', /unknown error/],
  ['undefined', undefined, /unknown error \(undefined/],
  ['null', null, /unknown error \(null/],
  ['a number', 42, /^42$/],
  ['an Error without a message', new RangeError(), /RangeError/],
];

function readable(text: string | null | undefined, expected: RegExp): void {
  expect(text).toBeTypeOf('string');
  expect(text).not.toContain('[object');
  expect(text!.trim()).not.toBe('');
  expect(text).toMatch(expected);
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jsscada-errmsg-'));
  dirs.push(d);
  return d;
}

class ThrowingSink implements Sink {
  readonly kind = 'throwing';
  constructor(private readonly thrown: unknown) {}
  async write(_batch: RowBatch): Promise<WriteResult> {
    throw this.thrown;
  }
  async close(): Promise<void> {}
}

const batch = (n: number): RowBatch => ({ length: n, tagIds: Int32Array.from({ length: n }, (_, i) => i + 1), ts: new Float64Array(n).fill(1), values: new Float64Array(n), quality: new Uint8Array(n), texts: null });

describe('error messages for anything thrown (issue 12, finding 3)', () => {
  it.each(THROWN)('errorMessage, describeError and the sink errorText read %s', (_what, thrown, expected) => {
    readable(errorMessage(thrown), expected);
    readable(describeError(thrown), expected);
    readable(errorText(thrown), expected);
  });

  it.each(THROWN)('the panel toast reads %s', (_what, thrown, expected) => {
    readable(panelErrorText(thrown), expected);
  });

  it.each(THROWN)("Delivery's lastError (API /api/writer/metrics, logs) reads %s", async (_what, thrown, expected) => {
    const clock = new SimulatedClock();
    const dir = tempDir();
    // The spool cannot write either (its dir is a file): write() must fail and say why.
    writeFileSync(join(dir, 'spool'), 'not a directory');
    const delivery = new Delivery(new ThrowingSink(thrown), new Spool(join(dir, 'spool'), { clock, logger: silentLogger() }), { clock, logger: silentLogger() }, { attempts: 1 });
    const failed = await delivery.write(batch(3)).then(() => null, (err: unknown) => err);
    readable(errorText(failed), /sink down and spool failed/);
    readable(delivery.metrics().lastError?.message, /spool/);
    // The sink's own failure, before the spool's, is what a person reads first in the log.
    const first = new Delivery(new ThrowingSink(thrown), new Spool(join(tempDir(), 'spool'), { clock, logger: silentLogger() }), { clock, logger: silentLogger() }, { attempts: 1 });
    await first.write(batch(3));
    readable(first.metrics().lastError?.message, expected);
    await first.close();
  });

  it.each(THROWN)("the buffer's lastError (API /api/buffer/status) reads %s", async (_what, thrown, expected) => {
    const clock = new SimulatedClock();
    const buffer = new BufferActor(new ThrowingSink(thrown), { capacity: 100, flushIntervalMs: 500, flushRows: 10, batchMaxRows: 50 }, { logger: silentLogger(), clock });
    buffer.start();
    buffer.push({ ts: 1, tagIds: Int32Array.of(1, 2), values: new Float64Array(2), quality: new Uint8Array(2) });
    clock.increment(500);
    await settle();
    readable(buffer.status().lastError, expected);
    buffer.stop();
  });

  // pino leaves out a field whose value is undefined: there is nothing to read, nor to misread.
  it.each(THROWN.filter(([, thrown]) => thrown !== undefined))('a log line with { err } reads %s', (_what, thrown, expected) => {
    const lines: string[] = [];
    const logger = pino({ serializers: logSerializers }, new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }));
    logger.error({ err: thrown }, 'it failed');
    const record = JSON.parse(lines[0]!) as { err: { message: string } };
    readable(record.err.message, expected);
  });

  it('the SQLite writer thread reports a corrupted store file by its message, code and path', async () => {
    const dir = tempDir();
    const db = join(dir, 'jsscada.db');
    writeFileSync(db, 'this is not a database, it is only long enough to have a header page of sorts'.repeat(100));
    const sink = new SqliteSink(db);
    try {
      const err = await sink.open().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      readable(errorText(err), /file is not a database/);
      expect(errorText(err)).toContain('SQLITE_NOTADB');
      expect(errorText(err)).toContain(db);
    } finally {
      await sink.close();
    }
  });

  it('jsscada run on a corrupted store prints one readable line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'jsscada.db'), 'garbage '.repeat(1000));
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['run', '--data', dir, '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent'], { out: (t) => out.push(t), err: (t) => err.push(t) });
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]!.split('\n')).toHaveLength(1);
    readable(err[0], /^jsscada: .*file is not a database/);
  });

  it('the API answers a non-Error thrown by a handler with the JSON error shape', async () => {
    const plant = await startPlant();
    const http = makeApp(plant, { panelDir: null });
    try {
      http.app.post('/api/throws-object', () => {
        throw { code: 'SQLITE_FULL' } as unknown as Error;
      });
      http.app.post('/api/throws-undefined', () => {
        throw undefined as unknown as Error;
      });
      for (const path of ['/api/throws-object', '/api/throws-undefined']) {
        const res = await http.request(path, { method: 'POST', headers: AUTH });
        expect(res.status).toBe(500);
        expect(await res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error: see the collector log' } });
      }
    } finally {
      http.close();
      await plant.stop();
    }
  });
});
