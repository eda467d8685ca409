import { describe, expect, it } from 'vitest';
import { CommError, DeviceError } from '../../src/io/errors.js';
import { ModbusExceptionError } from '../../src/io/modbus/exceptions.js';
import { RefusalIsolation, type PollHooks } from '../../src/io/refused-tags.js';
import type { TagSpec } from '../../src/io/types.js';
import { memoryLogger } from '../reliability/support/plants.js';

/**
 * The refusal isolation on a model device: a planner that merges every tag it is given into one
 * request (the worst case), and a device that refuses any request touching a refused address.
 */
interface Req {
  readonly members: number[];
}

function model(addresses: number[], retryMs = 60_000) {
  const tags: TagSpec[] = addresses.map((a, i) => ({ id: i + 1, name: `t${a}`, address: `HR${a}`, type: 'int16' }));
  const refused = new Set<number>();
  let now = 1_000_000;
  const sent: number[][] = [];
  const good = new Set<number>();
  const log = memoryLogger('debug');
  const requests: Req[] = [{ members: tags.map((_, i) => i) }];
  const iso = new RefusalIsolation<Req>(
    requests,
    { plan: (indices) => (indices.length === 0 ? [] : [{ members: [...indices] }]), members: (r) => [...r.members] },
    { tags, retryMs, now: () => now, log: log.logger },
  );
  const hooks: PollHooks<Req> = {
    run: async (r) => {
      sent.push(r.members.map((i) => addresses[i]!));
      if (r.members.some((i) => refused.has(addresses[i]!))) {
        throw new DeviceError('X', 'refused', { addressRefused: true, answer: 'C056 ADDRESS_OUT_OF_RANGE' });
      }
      for (const i of r.members) good.add(i);
    },
    failed: () => undefined,
  };
  const poll = async () => {
    sent.length = 0;
    good.clear();
    const outcome = await iso.poll(hooks, true);
    return { outcome, sent: [...sent], good: [...good].map((i) => addresses[i]!).sort((a, b) => a - b) };
  };
  return { iso, requests, refused, poll, log, advance: (ms: number) => void (now += ms), tags };
}

describe('refusal isolation', () => {
  it('bisects a refused merged read within the poll and reads only the good parts from then on', async () => {
    const m = model([1, 2, 3, 4, 5, 6, 7, 8]);
    m.refused.add(6);
    const first = await m.poll();
    expect(first.good).toEqual([1, 2, 3, 4, 5, 7, 8]);
    expect(m.iso.refused().map((r) => r.tag.name)).toEqual(['t6']);
    // The refusal is explained (t6 parked): the others are planned together again.
    expect(m.requests).toEqual([{ members: [0, 1, 2, 3, 4, 6, 7] }]);
    const second = await m.poll();
    expect(second.sent).toEqual([[1, 2, 3, 4, 5, 7, 8]]);
    expect(second.good).toEqual([1, 2, 3, 4, 5, 7, 8]);
  });

  it('keeps the bisected parts when every tag reads alone but not merged (a hole in the map between them)', async () => {
    const m = model([100, 110]);
    const hooks: PollHooks<Req> = {
      run: (r) => (r.members.length > 1 ? Promise.reject(new ModbusExceptionError(2, { unitId: 1, functionCode: 3, address: 100, quantity: 11 })) : Promise.resolve()),
      failed: () => undefined,
    };
    expect(await m.iso.poll(hooks, true)).toMatchObject({ answered: 2, failed: 0 });
    expect(m.requests).toEqual([{ members: [0] }, { members: [1] }]);
    expect(m.iso.refused()).toEqual([]);
    expect(m.log.lines().filter((l) => Number(l.level) >= 40).map((l) => l.msg)).toEqual([
      'the device refused a merged read: the plan reads around the refused addresses from now on',
    ]);
  });

  it('retries the refused tags only every retryMs, and merges them back into one read when accepted', async () => {
    const m = model([10, 11, 12], 60_000);
    m.refused.add(12);
    await m.poll();
    m.advance(59_999);
    expect((await m.poll()).sent).toEqual([[10, 11]]);
    m.advance(1);
    expect((await m.poll()).sent).toEqual([[10, 11], [12]]); // due: tried, still refused
    m.refused.clear();
    m.advance(30_000);
    expect((await m.poll()).sent).toEqual([[10, 11]]); // the next retry is 60 s after the last one
    m.advance(30_000);
    const back = await m.poll();
    expect(back.sent).toEqual([[10, 11], [12]]);
    expect(back.good).toEqual([10, 11, 12]);
    expect(m.requests).toEqual([{ members: [0, 1, 2] }]);
    expect(m.iso.refused()).toEqual([]);
    expect((await m.poll()).sent).toEqual([[10, 11, 12]]);
  });

  it('bounds the requests of one retry: a long refused range is not bisected in full every period', async () => {
    const m = model(Array.from({ length: 110 }, (_, i) => i), 1_000);
    for (let a = 10; a < 110; a++) m.refused.add(a);
    await m.poll();
    expect(m.iso.refused()).toHaveLength(100);
    m.advance(1_000);
    const retry = await m.poll();
    expect(retry.sent.length - 1).toBe(32); // the plan's one read, then the retry's budget
    expect(m.iso.refused()).toHaveLength(100);
  });

  it('logs a refusal once when it starts and once when it clears, whatever the number of polls', async () => {
    const m = model([1, 2], 1_000);
    m.refused.add(2);
    for (let i = 0; i < 50; i++) {
      await m.poll();
      m.advance(100);
    }
    m.refused.clear();
    for (let i = 0; i < 50; i++) {
      await m.poll();
      m.advance(100);
    }
    const lines = m.log.lines().filter((l) => typeof l.tag === 'string');
    expect(lines.map((l) => [l.level, l.tag])).toEqual([
      [40, 't2'],
      [30, 't2'],
    ]);
    expect(lines[0]).toMatchObject({ address: 'HR2', error: 'C056 ADDRESS_OUT_OF_RANGE', retryMs: 1000 });
  });

  it('keeps the first refusal time and reports the device answer per tag', async () => {
    const m = model([1, 2, 3]);
    m.refused.add(3);
    await m.poll();
    const since = m.iso.refused()[0]!.since;
    m.advance(60_000);
    await m.poll();
    expect(m.iso.refused()).toEqual([{ tag: m.tags[2], error: 'C056 ADDRESS_OUT_OF_RANGE', since }]);
  });

  it('does not bisect on other failures: a comm error or a device fault is the request\'s', async () => {
    const tags: TagSpec[] = [1, 2].map((a) => ({ id: a, name: `t${a}`, address: `HR${a}`, type: 'int16' }));
    const requests: Req[] = [{ members: [0, 1] }];
    const iso = new RefusalIsolation<Req>(requests, { plan: (i) => [{ members: [...i] }], members: (r) => r.members }, { tags, retryMs: 1, now: () => 0, log: memoryLogger().logger });
    for (const err of [new CommError('TIMEOUT', 'no reply'), new DeviceError('X', 'busy'), new ModbusExceptionError(4, { unitId: 1, functionCode: 3, address: 0, quantity: 2 })]) {
      const failed: unknown[] = [];
      const outcome = await iso.poll({ run: () => Promise.reject(err), failed: (_r, e) => void failed.push(e) }, false);
      expect(outcome).toEqual({ answered: 0, failed: 1, firstError: err });
      expect(failed).toEqual([err]);
      expect(requests).toEqual([{ members: [0, 1] }]);
    }
  });

  it('treats Modbus exceptions 02 and 03 as refused addresses, 04 as a device fault', () => {
    const req = { unitId: 1, functionCode: 3, address: 0, quantity: 1 };
    expect([2, 3, 4, 6, 11].map((c) => new ModbusExceptionError(c, req).addressRefused)).toEqual([true, true, false, false, false]);
    expect(new ModbusExceptionError(2, req).answer).toBe('exception 2 ILLEGAL DATA ADDRESS');
  });
});
