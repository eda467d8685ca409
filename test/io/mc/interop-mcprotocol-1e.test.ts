import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deviceSchema } from '../../../src/io/config/schema.js';
import { mcProtocol } from '../../../src/io/mc/index.js';
import type { McSimulator } from '../../../src/io/mc/simulator/index.js';
import { Quality } from '../../../src/io/types.js';
import { silentLogger } from '../../../src/log.js';
import { simulator } from './helpers.js';

/**
 * Interop over 1E: the `mcprotocol` npm package (an independent client whose default frame is
 * 1E, the one FX3 users are told to use) reads and writes our FX3 simulator; and our own 1E client
 * reads the values the simulator holds. If an independent client agrees with our simulator, and
 * our client with the simulator, our 1E frames are not merely self-consistent.
 *
 * Writes are not exercised through mcprotocol: its 1E write-reply check reads the complete code
 * at byte 9 of the 2-byte reply (83H 00H, FX3U-ENET-ADP manual 7.5.5) and throws a RangeError
 * in its socket handler. Our 1E writes are checked against the simulator in driver-transports.
 */

interface LegacyConnection {
  initiateConnection(params: { port: number; host: string; ascii: boolean; frame?: '1E' }, cb: (err?: unknown) => void): void;
  setTranslationCB(cb: (tag: string) => string): void;
  addItems(items: string[]): void;
  readAllItems(cb: (anythingBad: boolean, values: Record<string, unknown>) => void): void;
  dropConnection(): void;
}

const require = createRequire(import.meta.url);
const MCProtocol = require('mcprotocol') as new () => LegacyConnection;

async function connect(sim: McSimulator, ascii = false): Promise<LegacyConnection> {
  const conn = new MCProtocol();
  await new Promise<void>((resolve, reject) =>
    conn.initiateConnection({ port: sim.port, host: '127.0.0.1', ascii, frame: '1E' }, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())),
  );
  conn.setTranslationCB((name) => name);
  return conn;
}

function readAll(conn: LegacyConnection): Promise<{ bad: boolean; values: Record<string, unknown> }> {
  return new Promise((resolve) => conn.readAllItems((bad, values) => resolve({ bad, values })));
}

function fillFx3(sim: McSimulator): void {
  sim.memory.setWords('D100', [1, 2, 3, 0xffff, 32767]);
  sim.memory.setFloat32('D200', 12.5);
  sim.memory.setInt32('D210', -70000);
  sim.memory.setWords('R50', [11, 22]);
  sim.memory.setWord('TN3', 456);
  sim.memory.setBit('M5', true);
  sim.memory.setBit('X17', true);
  sim.memory.setBit('Y20', true);
}

describe('interop over 1E: mcprotocol (npm) and our client against our FX3 simulator', () => {
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(['binary', 'ascii'] as const)('mcprotocol reads D words, a float and a double word, R, T and M/X/Y bits (octal X/Y), %s', async (encoding) => {
    const sim = await simulator({ series: 'fx3', encoding });
    fillFx3(sim);
    const conn = await connect(sim, encoding === 'ascii');
    try {
      conn.addItems(['D100,5', 'DFLOAT200', 'DDINT210', 'R50,2', 'TN3', 'M5', 'M6', 'X17', 'Y20', 'Y21']);
      const { bad, values } = await readAll(conn);
      expect(bad).toBe(false);
      expect(values).toEqual({ 'D100,5': [1, 2, 3, -1, 32767], DFLOAT200: 12.5, DDINT210: -70000, 'R50,2': [11, 22], TN3: 456, M5: true, M6: false, X17: true, Y20: true, Y21: false });
      expect(sim.stats.requests).toBeGreaterThan(0);
    } finally {
      conn.dropConnection();
    }
  });

  it('our 1E client reads the same values', async () => {
    const sim = await simulator({ series: 'fx3', encoding: 'binary' });
    fillFx3(sim);
    const device = deviceSchema.parse({ name: 'fx3', protocol: 'mc1e', series: 'fx3', port: sim.port, retries: 0 });
    const driver = mcProtocol.createDriver(device, { logger: silentLogger() });
    try {
      const tags = [
        { id: 1, name: 'a', address: 'D103', type: 'uint16' },
        { id: 2, name: 'b', address: 'D200', type: 'float32' },
        { id: 3, name: 'c', address: 'D210', type: 'int32' },
        { id: 4, name: 'd', address: 'R51', type: 'int16' },
        { id: 5, name: 'e', address: 'TN3', type: 'int16' },
        { id: 6, name: 'f', address: 'M5', type: 'bit' },
        { id: 7, name: 'g', address: 'X17', type: 'bit' },
        { id: 8, name: 'h', address: 'Y20', type: 'bit' },
      ] as const;
      const batch = await driver.read(driver.plan(tags.map((t) => ({ ...t }))));
      expect(Array.from(batch.quality)).toEqual(tags.map(() => Quality.GOOD));
      expect(Array.from(batch.values)).toEqual([0xffff, 12.5, -70000, 22, 456, 1, 1, 1]);
    } finally {
      await driver.close();
    }
  });
});
