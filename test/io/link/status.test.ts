import { describe, expect, it } from 'vitest';
import { CommError, DeviceError } from '../../../src/io/errors.js';
import { advance, flush, harness, watch, type Harness } from './harness.js';

async function answer(h: Harness, how: (call: ReturnType<Harness['jobs']['last']>) => void): Promise<void> {
  const out = watch(h.link.execute(h.jobs.job('j')));
  await flush();
  how(h.jobs.last());
  await flush();
  if (!out.settled) throw new Error('job did not settle');
}

const ok = (c: { result: { resolve(v: string): void } }) => c.result.resolve('ok');

describe('device link status', () => {
  it('is UNKNOWN until the device is tried', () => {
    const h = harness();
    expect(h.link.status()).toEqual({ state: 'UNKNOWN', lastReadingAt: null, lastError: null, lastErrorAt: null });
  });

  it('fires listeners and logs once per change, never every cycle', async () => {
    const h = harness();
    for (let i = 0; i < 20; i++) await answer(h, ok);
    // A timeout that a retry recovers from is not a status change.
    const out = watch(h.link.execute(h.jobs.job('slow')));
    await advance(h.clock, 150);
    h.jobs.last().result.resolve('ok');
    await flush();
    expect(out.value).toBe('ok');
    for (let i = 0; i < 5; i++) await answer(h, (c) => c.result.reject(new DeviceError('C056', 'C056 address out of range')));
    for (let i = 0; i < 5; i++) await answer(h, ok);
    expect(h.statuses.map((s) => [s.previous, s.status.state])).toEqual([
      ['UNKNOWN', 'ONLINE'],
      ['ONLINE', 'ERROR'],
      ['ERROR', 'ONLINE'],
    ]);
    const changes = h.logs.filter((l) => l.level >= 30);
    expect(changes.map((l) => [l.level, l.msg, l.device, l.state])).toEqual([
      [30, 'device online', 'plc1', 'ONLINE'],
      [40, 'device answered with an error', 'plc1', 'ERROR'],
      [30, 'device online', 'plc1', 'ONLINE'],
    ]);
    expect(changes[1]).toMatchObject({ previous: 'ONLINE', lastError: 'DeviceError: C056 address out of range' });
  });

  it('keeps the device ONLINE when it refuses an address: a per-tag error, not a device state (issue 12)', async () => {
    const h = harness();
    const refused = () => new DeviceError('MC_END_CODE', 'C056 address out of range', { addressRefused: true, answer: 'C056 ADDRESS_OUT_OF_RANGE' });
    await answer(h, (c) => c.result.reject(refused()));
    for (let i = 0; i < 10; i++) {
      await answer(h, ok);
      await answer(h, (c) => c.result.reject(refused()));
    }
    expect(h.statuses.map((s) => [s.previous, s.status.state])).toEqual([['UNKNOWN', 'ONLINE']]);
    expect(h.logs.filter((l) => l.level >= 30).map((l) => l.msg)).toEqual(['device online']);
    expect(h.link.status()).toMatchObject({ state: 'ONLINE', lastError: null, lastErrorAt: null });
    expect(h.transport.opens).toHaveLength(1);
  });

  it('stays OFFLINE through many backoff periods: one listener call and one warning', async () => {
    const h = harness();
    h.transport.mode = 'refuse';
    for (let t = 0; t < 30_000; t += 50) {
      void h.link.execute(h.jobs.job('j')).catch(() => undefined);
      await advance(h.clock, 50);
    }
    expect(h.transport.opens.length).toBeGreaterThan(8);
    expect(h.statuses.map((s) => s.status.state)).toEqual(['OFFLINE']);
    expect(h.logs.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual(['device offline']);
    expect(h.logs.find((l) => l.msg === 'device offline')).toMatchObject({ device: 'plc1', lastError: 'CommError: connect ECONNREFUSED' });
  });

  it('records lastReadingAt from the link clock on each success and keeps the last error', async () => {
    const h = harness();
    await answer(h, ok);
    const first = h.link.status().lastReadingAt;
    expect(first).toBe(h.clock.now());
    await advance(h.clock, 1234);
    const out = watch(h.link.execute(h.jobs.job('j')));
    await flush();
    h.jobs.last().result.reject(new CommError('ECONNRESET', 'reset by peer'));
    await advance(h.clock, 50); // retry wait, then a new session
    h.jobs.last().result.resolve('ok');
    await flush();
    expect(out.value).toBe('ok');
    expect(h.link.status()).toEqual({ state: 'ONLINE', lastReadingAt: first! + 1234 + 50, lastError: 'CommError: reset by peer', lastErrorAt: first! + 1234 });
  });

  it('survives a listener that throws, and stops calling a listener after unsubscribe', async () => {
    const h = harness();
    const calls: string[] = [];
    h.link.onStatus(() => {
      throw new Error('listener bug');
    });
    const off = h.link.onStatus((s) => calls.push(s.state));
    await answer(h, ok);
    off();
    await answer(h, (c) => c.result.reject(new DeviceError('C059', 'C059 unsupported command')));
    expect(calls).toEqual(['ONLINE']);
    expect(h.link.status().state).toBe('ERROR');
    expect(h.logs.some((l) => l.msg === 'device status listener threw')).toBe(true);
  });
});
