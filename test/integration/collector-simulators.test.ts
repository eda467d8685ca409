import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startCollector, type RunningCollector } from '../../src/app.js';
import { validatePlant } from '../../src/io/config/validate.js';
import type { DataType } from '../../src/io/types.js';
import { silentLogger } from '../../src/log.js';
import { startMcSimulator, type McSimulator } from '../../src/io/mc/simulator/index.js';
import { startModbusSimulator, type ModbusSimulator } from '../../src/io/modbus/simulator/index.js';
import { parseModbusAddress } from '../../src/io/modbus/address.js';
import { plcWords, textWords, type NumericType, type WordOrder } from '../support/plc-words.js';

/**
 * The collector over real sockets against our MC (3E binary, 4E ASCII) and Modbus simulators:
 * every device kind and data type, through planner, link, decoding, buffer and writer thread,
 * must land in SQLite as exactly the value the simulated PLC holds.
 */
interface Case {
  readonly name: string;
  readonly address: string;
  readonly type: DataType;
  /** What the PLC holds (raw, before scale/offset). */
  readonly value: number | string | boolean;
  readonly extra?: Record<string, unknown>;
  /** What must be stored (default: value; floats compared as float32 where the type is). */
  readonly stored?: number | string;
}

const MC_CASES: Case[] = [
  { name: 'd_int16', address: 'D100', type: 'int16', value: -12345 },
  { name: 'd_uint16', address: 'D101', type: 'uint16', value: 54321 },
  { name: 'd_int32', address: 'D102', type: 'int32', value: -123456789 },
  { name: 'd_uint32', address: 'D104', type: 'uint32', value: 3_000_000_000 },
  { name: 'd_float32', address: 'D106', type: 'float32', value: 3.14159, stored: Math.fround(3.14159) },
  { name: 'd_float64', address: 'D108', type: 'float64', value: -2.718281828459045 },
  { name: 'd_bcd16', address: 'D112', type: 'bcd16', value: 4711 },
  { name: 'd_string', address: 'D120', type: 'string', value: 'LOT-42AB', extra: { length: 4 } },
  { name: 'd_bit3', address: 'D130.3', type: 'bit', value: true, stored: 1 },
  { name: 'd_int32_high', address: 'D140', type: 'int32', value: 65_536 * 3 + 7, extra: { wordOrder: 'high' } },
  { name: 'd_scaled', address: 'D150', type: 'int16', value: 250, extra: { scale: 0.1, offset: 5 }, stored: 30 },
  { name: 'w_word', address: 'W1A', type: 'uint16', value: 0xbeef },
  { name: 'r_word', address: 'R200', type: 'int16', value: 777 },
  { name: 'zr_word', address: 'ZR1000', type: 'int16', value: -1 },
  { name: 'sd_word', address: 'SD210', type: 'uint16', value: 2026 },
  { name: 'tn_word', address: 'TN5', type: 'uint16', value: 300 },
  { name: 'cn_word', address: 'CN7', type: 'uint16', value: 42 },
  { name: 'm_bit', address: 'M10', type: 'bit', value: true, stored: 1 },
  { name: 'l_bit', address: 'L20', type: 'bit', value: true, stored: 1 },
  { name: 'f_bit', address: 'F3', type: 'bit', value: false, stored: 0 },
  { name: 'b_bit', address: 'B1F', type: 'bit', value: true, stored: 1 },
  { name: 'sm_bit', address: 'SM400', type: 'bit', value: true, stored: 1 },
  { name: 'x_bit', address: 'X1A', type: 'bit', value: true, stored: 1 },
  { name: 'y_bit', address: 'Y2F', type: 'bit', value: true, stored: 1 },
  { name: 'ts_bit', address: 'TS5', type: 'bit', value: true, stored: 1 },
  { name: 'cs_bit', address: 'CS7', type: 'bit', value: true, stored: 1 },
];

const MODBUS_CASES: Case[] = [
  { name: 'hr_int16', address: 'HR0', type: 'int16', value: -321 },
  { name: 'hr_uint16', address: 'HR1', type: 'uint16', value: 65_000 },
  { name: 'hr_int32', address: 'HR2', type: 'int32', value: -98_765_432 },
  { name: 'hr_uint32', address: 'HR4', type: 'uint32', value: 4_000_000_000 },
  { name: 'hr_float32', address: 'HR6', type: 'float32', value: 21.5 },
  { name: 'hr_float64', address: 'HR8', type: 'float64', value: 1e-7 },
  { name: 'hr_bcd16', address: 'HR12', type: 'bcd16', value: 1234 },
  { name: 'hr_string', address: 'HR20', type: 'string', value: 'PUMP-1', extra: { length: 3 } },
  { name: 'hr_float32_low', address: 'HR30', type: 'float32', value: -0.25, extra: { wordOrder: 'low' } },
  { name: 'hr_bit', address: 'HR40.15', type: 'bit', value: true, stored: 1 },
  { name: 'ir_float32', address: 'IR5', type: 'float32', value: 7.75 },
  { name: 'ir_uint16', address: 'IR9', type: 'uint16', value: 12 },
  { name: 'c_bit', address: 'C10', type: 'bit', value: true, stored: 1 },
  { name: 'di_bit', address: 'DI3', type: 'bit', value: true, stored: 1 },
  { name: 'modicon', address: '40101', type: 'uint16', value: 99 },
];

/** The PLC's memory as raw words from the test-only encoder (test/support/plc-words.ts), never the product's. */
function putMc(sim: McSimulator, c: Case): void {
  if (typeof c.value === 'boolean') return sim.memory.setBit(c.address, c.value);
  if (typeof c.value === 'string') return sim.memory.setWords(c.address, textWords(c.value, (c.extra?.length as number) ?? 1, 'little'));
  if (c.type === 'bit') throw new Error('bit cases hold booleans');
  sim.memory.setWords(c.address, plcWords(c.type as NumericType, c.value, (c.extra?.wordOrder as WordOrder | undefined) ?? 'low'));
}

/** Holding/input register number of a test address, read here by hand: HR12 -> holding 12, 40101 -> holding 100. */
function register(address: string): { table: 'holding' | 'input'; offset: number } {
  if (address === '40101') return { table: 'holding', offset: 100 };
  const m = /^(HR|IR)(\d+)$/.exec(address);
  if (!m) throw new Error(`test address ${address}`);
  return { table: m[1] === 'HR' ? 'holding' : 'input', offset: Number(m[2]) };
}

function putModbus(sim: ModbusSimulator, c: Case): void {
  if (typeof c.value === 'boolean') return sim.memory.setBit(parseModbusAddress(c.address), c.value);
  const { table, offset } = register(c.address);
  if (typeof c.value === 'string') return sim.memory.setRegisters(table, offset, textWords(c.value, (c.extra?.length as number) ?? 1, 'big'));
  sim.memory.setRegisters(table, offset, plcWords(c.type as NumericType, c.value, (c.extra?.wordOrder as WordOrder | undefined) ?? 'high'));
}

const tags = (cases: Case[]) => cases.map((c) => ({ name: c.name, address: c.address, type: c.type, ...c.extra }));

describe('collector against the protocol simulators', () => {
  let dir: string;
  let sims: { close(): Promise<void> }[] = [];
  let running: RunningCollector;
  let rows: Map<string, { value: number | null; text_value: string | null; quality: number }>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jsscada-sims-'));
    const mc3e = await startMcSimulator({ encoding: 'binary' });
    const mc4e = await startMcSimulator({ encoding: 'ascii' });
    const modbus = await startModbusSimulator({});
    sims = [mc3e, mc4e, modbus];
    for (const c of MC_CASES) {
      putMc(mc3e, c);
      putMc(mc4e, c);
    }
    for (const c of MODBUS_CASES) putModbus(modbus, c);
    const plant = validatePlant(
      {
        devices: [
          { name: 'mc3e', protocol: 'mc3e', port: mc3e.port, encoding: 'binary' },
          { name: 'mc4e', protocol: 'mc4e', port: mc4e.port, encoding: 'ascii' },
          { name: 'mb', protocol: 'modbus', port: modbus.port, unitId: 1 },
        ],
        groups: [
          { name: 'g3e', device: 'mc3e', intervalMs: 100, tags: tags(MC_CASES) },
          { name: 'g4e', device: 'mc4e', intervalMs: 100, tags: tags(MC_CASES).map((t) => ({ ...t, name: `${t.name}_4e` })) },
          { name: 'gmb', device: 'mb', intervalMs: 100, tags: tags(MODBUS_CASES) },
        ],
      },
      'test plant',
    );
    running = await startCollector({ plant, dataDir: dir, logger: silentLogger() });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !running.collector.groupStatuses().every((g) => g.counters.pollsOk >= 2)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const result = await running.stop();
    expect(result).toEqual({ drained: true, unwritten: 0 });
    const db = new Database(join(dir, 'jsscada.db'), { readonly: true });
    rows = new Map(
      (db.prepare('SELECT tag, value, text_value, quality FROM tag_values WHERE ts = (SELECT MAX(ts) FROM tag_data d2 JOIN tags t2 ON t2.id = d2.tag_id WHERE t2.name = tag_values.tag)').all() as { tag: string; value: number | null; text_value: string | null; quality: number }[]).map((r) => [r.tag, r]),
    );
    db.close();
  }, 40_000);

  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const expectStored = (tag: string, c: Case) => {
    const row = rows.get(tag);
    expect(row, `${tag} has no row`).toBeDefined();
    expect(row!.quality, `${tag} quality`).toBe(0);
    const want = c.stored ?? c.value;
    if (typeof want === 'string') expect(row!.text_value).toBe(want);
    else if (c.type === 'float32') expect(row!.value).toBe(Math.fround(want as number));
    else expect(row!.value).toBe(want);
  };

  it.each(MC_CASES)('MC 3E binary stores $name ($address, $type) exactly', (c) => expectStored(c.name, c));
  it.each(MC_CASES)('MC 4E ASCII stores $name ($address, $type) exactly', (c) => expectStored(`${c.name}_4e`, c));
  it.each(MODBUS_CASES)('Modbus TCP stores $name ($address, $type) exactly', (c) => expectStored(c.name, c));
});
