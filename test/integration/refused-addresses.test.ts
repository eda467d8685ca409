import { afterEach, describe, expect, it } from 'vitest';
import { Collector } from '../../src/actors/collector.js';
import { startMcSimulator, type McSimulator } from '../../src/io/mc/simulator/index.js';
import { startModbusSimulator, type ModbusSimulator } from '../../src/io/modbus/simulator/index.js';
import { protocolOf } from '../../src/io/protocols.js';
import { systemClock } from '../../src/clock.js';
import { MemorySink, storedPlant } from '../reliability/support/memory.js';
import { memoryLogger, plantOf } from '../reliability/support/plants.js';

/**
 * Issue 12, findings 7 and 8, against the real collector and both simulators over TCP:
 * one tag the PLC refuses (MC C056 beyond the device range, Modbus exception 02) beside good
 * neighbours. The device must stay ONLINE (no ERROR/ONLINE flap and no status line per poll),
 * the refusal is a per-tag error logged once, the neighbours read good from the second poll on,
 * and the refused tag is merged back once the device accepts it again.
 */

type Sim = { kind: 'mc'; sim: McSimulator } | { kind: 'modbus'; sim: ModbusSimulator };

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Ten good words below the limit and five refused from it on, as in the issue (HR9990-HR10004). */
const NEIGHBOURS = Array.from({ length: 15 }, (_, i) => 9990 + i);

type TagInput = { name: string; address: string; type: 'int16' | 'uint16' | 'int32' };

async function start(kind: 'mc' | 'modbus', tags: readonly TagInput[], refusedRetryMs = 60_000) {
  let sim: Sim;
  if (kind === 'mc') {
    const mc = await startMcSimulator({ faults: { refuse: [{ device: 'D', start: 10000 }] } });
    for (let i = 9980; i < 10010; i++) mc.memory.setValue(`D${i}`, 'int16', i - 9000);
    sim = { kind, sim: mc };
  } else {
    const mb = await startModbusSimulator({});
    mb.faults.set({ refuse: [{ table: 'holding', start: 10000, count: 0x10000 - 10000 }] });
    for (let i = 9980; i < 10010; i++) mb.memory.set(`HR${i}`, 'int16', i - 9000);
    sim = { kind, sim: mb };
  }
  cleanup.push(() => sim.sim.close());
  const prefix = kind === 'mc' ? 'D' : 'HR';
  const plant = plantOf({
    devices: [{ name: 'plc', protocol: kind === 'mc' ? 'mc3e' : 'modbus', port: sim.sim.port, timeoutMs: 1000, retries: 0, retryDelayMs: 0, refusedRetryMs }],
    groups: [{ name: 'g', device: 'plc', intervalMs: 100, tags: tags.map((t) => ({ ...t, address: t.address.replace(/^W/, prefix) })) }],
  });
  const log = memoryLogger('debug');
  const collector = new Collector(storedPlant(plant), { logger: log.logger, clock: systemClock, sink: new MemorySink(), protocolOf });
  collector.start();
  cleanup.push(async () => {
    await collector.shutdown({ drainTimeoutMs: 1000 });
  });
  const polls = () => collector.groupStatus('g')!.counters.pollsOk + collector.groupStatus('g')!.counters.errors;
  const statusLines = () => log.lines().filter((l) => l.msg === 'device online' || l.msg === 'device answered with an error' || l.msg === 'device offline');
  const quality = (name: string) => collector.latest('plc')?.find((r) => r.tag === name)?.quality;
  return { sim, collector, log, polls, statusLines, quality };
}

const REFUSED_MSG = "the device refuses this tag's address: it is read again on a slow schedule";
const ACCEPTED_MSG = "the device accepts this tag's address again";

const neighbourTags = NEIGHBOURS.map((n) => ({ name: `w${n}`, address: `W${n}`, type: 'int16' as const }));

describe.each(['mc', 'modbus'] as const)('a tag the PLC refuses, %s', (kind) => {
  it('keeps the device ONLINE: one status line over 20 polls, the refusal logged once, counted per tag', async () => {
    const t = await start(kind, neighbourTags);
    await until(() => t.polls() >= 20, '20 polls');
    expect(t.statusLines().map((l) => l.msg)).toEqual(['device online']);
    const device = t.collector.devices().find((d) => d.name === 'plc')!;
    expect(device).toMatchObject({ status: 'ONLINE', lastError: null, tagErrors: 5 });
    expect(device.lastTagError?.error).toMatch(kind === 'mc' ? /^C056 ADDRESS_OUT_OF_RANGE/ : /^exception 2 ILLEGAL DATA ADDRESS/);
    const group = t.collector.groupStatus('g')!;
    expect(group).toMatchObject({ tagErrors: 5, deviceStatus: { state: 'ONLINE' } });
    expect(group.lastTagError).toMatchObject({ tag: expect.stringMatching(/^w1000[0-4]$/), error: device.lastTagError!.error });
    // One warning per refused tag when the refusal starts, none per poll.
    const refusedLines = t.log.lines().filter((l) => l.msg === REFUSED_MSG);
    expect(refusedLines.map((l) => l.tag).sort()).toEqual(['w10000', 'w10001', 'w10002', 'w10003', 'w10004']);
  });

  it('reads the ten neighbours of the refused addresses good from the second poll on', async () => {
    const t = await start(kind, neighbourTags);
    await until(() => t.polls() >= 2, '2 polls');
    for (const n of NEIGHBOURS) expect(t.quality(`w${n}`), `w${n}`).toBe(n < 10000 ? 'good' : 'bad_device');
    const reading = t.collector.latest('plc')!.find((r) => r.tag === 'w9999')!;
    expect(reading.value).toBe(999);
    expect(reading.error).toBeUndefined();
    expect(t.collector.latest('plc')!.find((r) => r.tag === 'w10000')!.error).toMatch(kind === 'mc' ? /^C056 / : /^exception 2 /);
  });

  it('isolates an int32 that runs into the refused register from a uint16 at the same address', async () => {
    const t = await start(kind, [
      { name: 'u16', address: 'W9999', type: 'uint16' },
      { name: 'i32', address: 'W9999', type: 'int32' },
      { name: 'below', address: 'W9998', type: 'int16' },
    ]);
    await until(() => t.polls() >= 2, '2 polls');
    expect(t.quality('u16')).toBe('good');
    expect(t.quality('below')).toBe('good');
    expect(t.quality('i32')).toBe('bad_device');
    expect(t.collector.latest('plc')!.find((r) => r.tag === 'u16')!.value).toBe(999);
    expect(t.collector.devices()[0]).toMatchObject({ status: 'ONLINE', tagErrors: 1 });
  });

  it('merges the refused tags back once the device accepts them, logging that once', async () => {
    const t = await start(kind, neighbourTags, 300);
    await until(() => t.polls() >= 3, '3 polls');
    const requestsWhileRefused = t.collector.groupStatus('g')!.requestsPerPoll;
    if (t.sim.kind === 'mc') t.sim.sim.faults.refuse = [];
    else t.sim.sim.faults.set({ refuse: [] });
    await until(() => t.quality('w10004') === 'good', 'the refused tags to read good');
    for (const n of NEIGHBOURS) expect(t.quality(`w${n}`), `w${n}`).toBe('good');
    expect(t.collector.devices()[0]).toMatchObject({ status: 'ONLINE', tagErrors: 0, lastTagError: null });
    expect(t.collector.groupStatus('g')!).toMatchObject({ tagErrors: 0, requestsPerPoll: 1 });
    expect(requestsWhileRefused).toBeGreaterThanOrEqual(1);
    const back = t.log.lines().filter((l) => l.msg === ACCEPTED_MSG);
    expect(back.map((l) => l.tag).sort()).toEqual(['w10000', 'w10001', 'w10002', 'w10003', 'w10004']);
    expect(t.statusLines().map((l) => l.msg)).toEqual(['device online']);
  });

  it('shows a lastError from before a recovery with its time, the device ONLINE', async () => {
    const t = await start(kind, neighbourTags.slice(0, 3));
    await until(() => t.polls() >= 2, '2 polls');
    const outageAt = Date.now();
    if (t.sim.kind === 'mc') t.sim.sim.faults.silent = true;
    else t.sim.sim.faults.set({ silent: true });
    await until(() => t.collector.devices()[0]!.status === 'OFFLINE', 'the device to go OFFLINE');
    if (t.sim.kind === 'mc') t.sim.sim.faults.silent = false;
    else t.sim.sim.faults.set({ silent: false });
    await until(() => t.collector.devices()[0]!.status === 'ONLINE', 'the device to come back', 20_000);
    const device = t.collector.devices()[0]!;
    expect(device.lastError).toMatch(/no reply within 1000 ms/);
    expect(Date.parse(device.lastErrorAt!)).toBeGreaterThanOrEqual(outageAt);
    expect(Date.parse(device.lastErrorAt!)).toBeLessThan(Date.parse(device.lastReadingAt!));
    const group = t.collector.groupStatus('g')!;
    expect(group.deviceStatus).toMatchObject({ state: 'ONLINE', lastErrorAt: Date.parse(device.lastErrorAt!) });
    if (group.lastError !== null) expect(Date.parse(group.lastErrorAt!)).toBeLessThan(Date.parse(group.lastPollAt!));
  }, 30_000);
});
