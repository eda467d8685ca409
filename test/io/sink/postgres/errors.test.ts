import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyPgCode, toSinkError } from '../../../../src/io/sink/postgres/errors.js';
import { PostgresSink } from '../../../../src/io/sink/postgres/postgres-sink.js';
import { describeTarget, resolvePostgresSettings } from '../../../../src/io/sink/postgres/settings.js';
import { SinkError } from '../../../../src/io/sink/delivery/sink-error.js';

const dir = mkdtempSync(join(tmpdir(), 'jsscada-pgerr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PostgreSQL error classification (no server needed)', () => {
  it.each([
    ['57P01', 'unavailable'], // admin shutdown (pg_ctl stop -m fast)
    ['57P02', 'unavailable'],
    ['57P03', 'unavailable'], // the database system is starting up
    ['08006', 'unavailable'],
    ['53300', 'busy'], // too many connections
    ['53100', 'busy'], // disk full
    ['40P01', 'busy'],
    ['22021', 'data'], // a NUL byte in text
    ['22003', 'data'],
    ['23514', 'data'], // a check constraint
    ['28P01', 'config'], // password authentication failed
    ['42P01', 'config'], // relation does not exist
    ['3D000', 'config'], // database does not exist
    ['XX000', 'unknown'],
  ])('SQLSTATE %s is %s', (code, kind) => {
    expect(classifyPgCode(code, 'x')).toBe(kind);
  });

  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }, 'SINK_UNAVAILABLE', true],
    [{ code: 'ECONNRESET', message: 'read ECONNRESET' }, 'SINK_UNAVAILABLE', true],
    [new Error('Connection terminated unexpectedly'), 'SINK_UNAVAILABLE', true],
    [new Error('Connection terminated due to connection timeout'), 'SINK_UNAVAILABLE', true],
    [{ code: '53300', message: 'sorry, too many clients already' }, 'SINK_BUSY', true],
    [{ code: '42501', message: 'permission denied for table tag_data' }, 'SINK_CONFIG', false],
    [new Error('something odd'), 'SINK_UNKNOWN', true],
  ])('%o becomes %s (retryable: %s)', (err, code, retryable) => {
    expect(toSinkError(err)).toMatchObject({ code, retryable });
  });

  it('a connection to a closed local port fails retryable, from a writer thread', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const sink = new PostgresSink({ url: `postgres://u:secret-pw@127.0.0.1:${port}/db`, rejectsPath: join(dir, 'r.jsonl'), poolSize: 1 });
    try {
      const err = await sink.probe().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SinkError);
      expect(err).toMatchObject({ code: 'SINK_UNAVAILABLE', retryable: true, driverCode: 'ECONNREFUSED' });
    } finally {
      await sink.close();
    }
  });

  it('describes the target without the password, and refuses a schema name that is not an identifier', () => {
    const s = resolvePostgresSettings({ url: 'postgres://scada:hunter2@db.plant:5433/hist', rejectsPath: 'r' }, 'schema.sql', {});
    expect(describeTarget(s.client)).toBe('postgres://scada@db.plant:5433/hist');
    expect(() => resolvePostgresSettings({ schema: 'x"; DROP TABLE y; --', rejectsPath: 'r' }, 'schema.sql', {})).toThrow(/plain identifier/);
  });
});
