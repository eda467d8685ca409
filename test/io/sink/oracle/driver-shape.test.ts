import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOracleDriver, type OraclePoolAttributes } from '../../../../src/io/sink/oracle/driver.js';
import { OracleSink } from '../../../../src/io/sink/oracle/oracle-sink.js';
import { fakeOracle } from './fake-oracledb.js';

/**
 * The Oracle sink codes against its own subset of node-oracledb (src/io/sink/oracle/driver.ts).
 * Methods are checked at compile time there; option NAMES are checked there too (a renamed option,
 * which the real driver silently ignores, no longer type-checks), and here against the real module
 * at run time. This check found one: the sink passed `pingInterval`, a name node-oracledb does not
 * know (its pool option is `poolPingInterval`), so idle connections were never pinged.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * The option names node-oracledb reads (`options.x` / `params.x` in its own sources): the driver
 * ignores any other name, so a misspelt option is silently lost.
 */
function optionNamesTheDriverReads(): Set<string> {
  const lib = dirname(createRequire(import.meta.url).resolve('oracledb'));
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.js')) for (const m of readFileSync(join(dir, e.name), 'utf8').matchAll(/\b(?:options|params)\.(\w+)/g)) names.add(m[1]!);
    }
  };
  walk(lib);
  return names;
}

describe('the Oracle driver subset against the real node-oracledb', () => {
  it('every pool option the sink sends is one the real driver has', async () => {
    const known = optionNamesTheDriverReads();
    expect(known.has('poolMax') && known.has('queueTimeout')).toBe(true);
    const fake = fakeOracle();
    const seen: OraclePoolAttributes[] = [];
    const createPool = fake.createPool.bind(fake);
    fake.createPool = (attributes) => (seen.push(attributes), createPool(attributes));
    const dir = mkdtempSync(join(tmpdir(), 'jsscada-ora-shape-'));
    dirs.push(dir);
    const sink = new OracleSink({ user: 'u', password: 'p', connectString: 'h:1521/x', rejectsPath: join(dir, 'r.jsonl'), poolSize: 1 }, { driver: fake, env: {} });
    try {
      await sink.probe();
    } finally {
      await sink.close();
    }
    expect(seen).toHaveLength(1);
    for (const key of Object.keys(seen[0]!)) expect(known.has(key), `pool option "${key}" is not one node-oracledb reads`).toBe(true);
    expect(known.has('pingInterval')).toBe(false);
  });

  it('has the methods and the type constants the sink uses, in Thin mode', async () => {
    const d = (await loadOracleDriver()) as unknown as Record<string, unknown> & { Pool: { prototype: object }; Connection: { prototype: object } };
    expect(typeof d.createPool).toBe('function');
    for (const c of ['NUMBER', 'STRING', 'DB_TYPE_BINARY_DOUBLE']) expect(d[c], c).toBeTruthy();
    for (const m of ['getConnection', 'close']) expect(typeof (d.Pool.prototype as Record<string, unknown>)[m], m).toBe('function');
    for (const m of ['executeMany', 'execute', 'commit', 'rollback', 'close']) expect(typeof (d.Connection.prototype as Record<string, unknown>)[m], m).toBe('function');
    expect(d.thin).toBe(true);
  });
});
