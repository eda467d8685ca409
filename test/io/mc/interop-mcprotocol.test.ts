import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { McSimulator } from '../../../src/io/mc/simulator/index.js';
import { simulator } from './helpers.js';

/**
 * Interop: the `mcprotocol` npm package (CommonJS, 1E-first, written independently of us) as a
 * client of OUR simulator in 3E binary mode. If an independent client reads what the simulator
 * holds, our frames are not merely self-consistent.
 *
 * Known limits of the legacy library (why the issue rejected it as our client): it drops W items
 * ("W type is not supported"), reads one reply per `data` event and ignores end codes. So this
 * test covers D words, D doubles/floats, R words, M and X bits, and a D write (whose reply the
 * library misreads as an error for 3E; we check the simulator's memory instead).
 */

interface LegacyConnection {
  initiateConnection(params: { port: number; host: string; ascii: boolean; frame: '3E' }, cb: (err?: unknown) => void): void;
  setTranslationCB(cb: (tag: string) => string): void;
  addItems(items: string[]): void;
  readAllItems(cb: (anythingBad: boolean, values: Record<string, unknown>) => void): void;
  writeItems(items: string, values: number[], cb: (anythingBad: boolean) => void): void;
  dropConnection(): void;
}

const require = createRequire(import.meta.url);
const MCProtocol = require('mcprotocol') as new () => LegacyConnection;

async function connect(sim: McSimulator): Promise<LegacyConnection> {
  const conn = new MCProtocol();
  await new Promise<void>((resolve, reject) =>
    conn.initiateConnection({ port: sim.port, host: '127.0.0.1', ascii: false, frame: '3E' }, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())),
  );
  conn.setTranslationCB((name) => name);
  return conn;
}

function readAll(conn: LegacyConnection): Promise<{ bad: boolean; values: Record<string, unknown> }> {
  return new Promise((resolve) => conn.readAllItems((bad, values) => resolve({ bad, values })));
}

describe('interop: mcprotocol (npm) reads our simulator over 3E binary', () => {
  // The library logs every step to console.log; keep the test output readable.
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads D words, a float and a double word, R words and M/X bits', async () => {
    const sim = await simulator({ encoding: 'binary' });
    sim.memory.setWords('D100', [1, 2, 3, 0xffff, 32767]);
    sim.memory.setFloat32('D200', 12.5);
    sim.memory.setInt32('D210', -70000);
    sim.memory.setWords('R50', [11, 22]);
    sim.memory.setBit('M5', true);
    sim.memory.setBit('X3', true);
    const conn = await connect(sim);
    try {
      conn.addItems(['D100,5', 'DFLOAT200', 'DDINT210', 'R50,2', 'M5', 'M6', 'X3']);
      const { bad, values } = await readAll(conn);
      expect(bad).toBe(false);
      // mcprotocol reads 16-bit items as signed INT.
      expect(values).toEqual({ 'D100,5': [1, 2, 3, -1, 32767], DFLOAT200: 12.5, DDINT210: -70000, 'R50,2': [11, 22], M5: true, M6: false, X3: true });
      expect(sim.stats.requests).toBeGreaterThan(0);
    } finally {
      conn.dropConnection();
    }
  });

  it('writes D words that the simulator then holds', async () => {
    const sim = await simulator({ encoding: 'binary' });
    const conn = await connect(sim);
    try {
      // The library's own write status is not checked: for 3E it tests the reply's first byte
      // against the 1E subheaders (0x82/0x83), so it reports every 3E write as bad.
      await new Promise<boolean>((resolve) => conn.writeItems('D500,3', [7, 8, 9], resolve));
      expect(sim.stats.replies).toBe(1);
      expect(Array.from(sim.memory.getWords('D500', 3))).toEqual([7, 8, 9]);
    } finally {
      conn.dropConnection();
    }
  });
});
