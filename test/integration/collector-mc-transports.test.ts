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

/**
 * Issue 19's "done means": one plant with an FX3 over 1E (TCP binary, UDP ASCII) and Q devices
 * over UDP (3E and 4E) beside a 3E TCP device, through the whole collector into SQLite: every
 * value stored exactly, every group clean, the buffer drained.
 */
interface Case {
  readonly name: string;
  readonly address: string;
  readonly type: DataType;
  readonly value: number | string | boolean;
  readonly extra?: Record<string, unknown>;
}

const FX3_CASES: Case[] = [
  { name: 'd_int16', address: 'D100', type: 'int16', value: -12345 },
  { name: 'd_uint32', address: 'D104', type: 'uint32', value: 3_000_000_000 },
  { name: 'd_float32', address: 'D106', type: 'float32', value: 0.5 },
  { name: 'd_string', address: 'D120', type: 'string', value: 'FX3-LINE', extra: { length: 4 } },
  { name: 'd_special', address: 'D8010', type: 'uint16', value: 12 },
  { name: 'r_word', address: 'R2000', type: 'int16', value: 777 },
  { name: 'tn_word', address: 'TN5', type: 'uint16', value: 300 },
  { name: 'cn_word', address: 'CN7', type: 'uint16', value: 42 },
  { name: 'm_bit', address: 'M10', type: 'bit', value: true },
  { name: 'm_special', address: 'M8000', type: 'bit', value: true },
  { name: 's_bit', address: 'S20', type: 'bit', value: true },
  { name: 'x_bit', address: 'X17', type: 'bit', value: true },
  { name: 'y_bit', address: 'Y27', type: 'bit', value: true },
  { name: 'ts_bit', address: 'TS5', type: 'bit', value: true },
  { name: 'cs_bit', address: 'CS7', type: 'bit', value: true },
];

const Q_CASES: Case[] = [
  { name: 'q_int32', address: 'D102', type: 'int32', value: -123456789 },
  { name: 'q_float64', address: 'D108', type: 'float64', value: -2.5 },
  { name: 'q_w', address: 'W1A', type: 'uint16', value: 0xbeef },
  { name: 'q_x', address: 'X1A', type: 'bit', value: true },
  { name: 'q_ts', address: 'TS5', type: 'bit', value: true },
];

function put(sim: McSimulator, c: Case): void {
  if (typeof c.value === 'boolean') return sim.memory.setBit(c.address, c.value);
  if (typeof c.value === 'string') return sim.memory.setString(c.address, c.value, (c.extra?.length as number) ?? 1);
  sim.memory.setValue(c.address, c.type as Exclude<DataType, 'bit' | 'string'>, c.value);
}

const tags = (cases: Case[], suffix: string) => cases.map((c) => ({ name: `${c.name}${suffix}`, address: c.address, type: c.type, ...c.extra }));
const stored = (c: Case): number | string => (typeof c.value === 'boolean' ? Number(c.value) : c.value);

describe('collector with FX3 over 1E and Q over UDP beside TCP devices', () => {
  let dir: string;
  const sims: McSimulator[] = [];
  let running: RunningCollector;
  let rows: Map<string, { value: number | null; text_value: string | null; quality: number }>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jsscada-mc-transports-'));
    const fx3Tcp = await startMcSimulator({ series: 'fx3', encoding: 'binary' });
    const fx3Udp = await startMcSimulator({ series: 'fx3', encoding: 'ascii', transport: 'udp' });
    const q4eUdp = await startMcSimulator({ encoding: 'binary', transport: 'udp' });
    const q3eUdp = await startMcSimulator({ encoding: 'ascii', transport: 'udp' });
    const q3eTcp = await startMcSimulator({ encoding: 'binary' });
    sims.push(fx3Tcp, fx3Udp, q4eUdp, q3eUdp, q3eTcp);
    for (const c of FX3_CASES) [fx3Tcp, fx3Udp].forEach((s) => put(s, c));
    for (const c of Q_CASES) [q4eUdp, q3eUdp, q3eTcp].forEach((s) => put(s, c));
    const plant = validatePlant(
      {
        devices: [
          { name: 'fx3', protocol: 'mc1e', series: 'fx3', port: fx3Tcp.port },
          { name: 'fx3u', protocol: 'mc1e', series: 'fx3', port: fx3Udp.port, encoding: 'ascii', transport: 'udp' },
          { name: 'q4u', protocol: 'mc4e', port: q4eUdp.port, transport: 'udp', pipeline: true },
          { name: 'q3u', protocol: 'mc3e', port: q3eUdp.port, encoding: 'ascii', transport: 'udp' },
          { name: 'q3t', protocol: 'mc3e', port: q3eTcp.port },
        ],
        groups: [
          { name: 'g_fx3', device: 'fx3', intervalMs: 100, tags: tags(FX3_CASES, '') },
          { name: 'g_fx3u', device: 'fx3u', intervalMs: 100, tags: tags(FX3_CASES, '_u') },
          { name: 'g_q4u', device: 'q4u', intervalMs: 100, tags: tags(Q_CASES, '_4u') },
          { name: 'g_q3u', device: 'q3u', intervalMs: 100, tags: tags(Q_CASES, '_3u') },
          { name: 'g_q3t', device: 'q3t', intervalMs: 100, tags: tags(Q_CASES, '_3t') },
          // The PLC handshake over 1E: the trigger bit is read, the ack bit written, by 1E frames.
          { name: 'g_fx3_batch', device: 'fx3', mode: 'handshake', trigger: { bit: 'M100', ack: 'M101', watchMs: 50 }, tags: [{ name: 'batch_no', address: 'D300', type: 'int16' }] },
        ],
      },
      'test plant',
    );
    fx3Tcp.memory.setWord('D300', 4711);
    running = await startCollector({ plant, dataDir: dir, logger: silentLogger() });
    // The "PLC program": raise the trigger, drop it once the collector acknowledges.
    fx3Tcp.memory.setBit('M100', true);
    const program = setInterval(() => {
      if (fx3Tcp.memory.getBit('M100') && fx3Tcp.memory.getBit('M101')) fx3Tcp.memory.setBit('M100', false);
    }, 20);
    const done = () => running.collector.groupStatuses().every((g) => g.counters.pollsOk >= (g.mode === 'HANDSHAKE' ? 1 : 3));
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !(done() && !fx3Tcp.memory.getBit('M101'))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    clearInterval(program);
    // The collector acknowledged (M101 set), and cleared the ack once the PLC dropped the trigger.
    expect([fx3Tcp.memory.getBit('M100'), fx3Tcp.memory.getBit('M101')]).toEqual([false, false]);
    const statuses = running.collector.groupStatuses();
    expect(statuses.map((g) => [g.name, g.counters.errors, g.counters.pollsOk >= 1])).toEqual(statuses.map((g) => [g.name, 0, true]));
    expect(statuses.find((g) => g.name === 'g_fx3_batch')?.counters.triggersAccepted).toBe(1);
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
    const want = stored(c);
    if (typeof want === 'string') expect(row!.text_value).toBe(want);
    else expect(row!.value).toBe(want);
  };

  it.each(FX3_CASES)('FX3 1E TCP binary stores $name ($address) exactly', (c) => expectStored(c.name, c));
  it('FX3 1E: the handshake group read its tag on the PLC trigger', () => expectStored('batch_no', { name: 'batch_no', address: 'D300', type: 'int16', value: 4711 }));
  it.each(FX3_CASES)('FX3 1E UDP ASCII stores $name ($address) exactly', (c) => expectStored(`${c.name}_u`, c));
  it.each(Q_CASES)('Q 4E UDP stores $name ($address) exactly', (c) => expectStored(`${c.name}_4u`, c));
  it.each(Q_CASES)('Q 3E UDP ASCII stores $name ($address) exactly', (c) => expectStored(`${c.name}_3u`, c));
  it.each(Q_CASES)('Q 3E TCP stores $name ($address) exactly', (c) => expectStored(`${c.name}_3t`, c));
});
