import { describe, expect, it } from 'vitest';
import { CommError, DeviceError } from '../../../src/io/errors.js';
import { advance, deferred, flush, harness, watch } from './harness.js';

// BASE_OPTIONS: connect 1000 ms, request 100 ms, 2 retries, 50 ms between attempts.

describe('device link failures', () => {
  it('aborts a connect that takes longer than connectTimeoutMs and retries after retryDelayMs', async () => {
    const h = harness();
    h.transport.mode = 'manual';
    const out = watch(h.link.execute(h.jobs.job('a')));
    await advance(h.clock, 999);
    expect(h.transport.opens[0]!.signal.aborted).toBe(false);
    await advance(h.clock, 1);
    expect(h.transport.opens[0]!.signal.aborted).toBe(true);
    expect(h.link.status().lastError).toMatch(/CONNECT_TIMEOUT|no connection within 1000 ms/);
    await advance(h.clock, 49);
    expect(h.transport.opens).toHaveLength(1);
    await advance(h.clock, 1);
    expect(h.transport.opens).toHaveLength(2);
    // The first open answers late: that session is closed at once, never used.
    const late = h.transport.newSession();
    h.transport.opens[0]!.result.resolve(late);
    h.transport.opens[1]!.result.resolve(h.transport.newSession());
    await flush();
    expect(late.closed).toBe(true);
    expect(h.jobs.last().session.id).toBe(2);
    h.jobs.last().result.resolve('A');
    await flush();
    expect(out.value).toBe('A');
    expect(h.link.status().state).toBe('ONLINE');
  });

  it('after a request timeout closes the session, waits retryDelayMs, reconnects and retries to success', async () => {
    const h = harness();
    const out = watch(h.link.execute(h.jobs.job('a')));
    await flush();
    const first = h.jobs.last();
    await advance(h.clock, 99);
    expect(first.signal.aborted).toBe(false);
    await advance(h.clock, 1);
    expect(first.signal.aborted).toBe(true);
    expect(first.signal.reason).toMatchObject({ code: 'TIMEOUT' });
    expect(h.transport.sessions[0]!.closed).toBe(true);
    await advance(h.clock, 50);
    expect(h.transport.opens).toHaveLength(2);
    const second = h.jobs.last();
    expect(second).not.toBe(first);
    expect(second.session.id).toBe(2);
    second.result.resolve('A');
    await flush();
    expect(out.value).toBe('A');
    expect(h.link.status()).toEqual({
      state: 'ONLINE',
      lastReadingAt: h.clock.now(),
      lastError: 'CommError: device "plc1": no reply within 100 ms',
      // The timeout's time, 50 ms (retryDelayMs) before the success: an old error, not a current one.
      lastErrorAt: h.clock.now() - 50,
    });
  });

  it('ignores a late reply after a timeout: the caller gets the retry\'s answer, once', async () => {
    const h = harness();
    const out = watch(h.link.execute(h.jobs.job('a')));
    await flush();
    const first = h.jobs.last();
    await advance(h.clock, 150);
    const second = h.jobs.last();
    first.result.resolve('stale');
    await flush();
    expect(out.settled).toBe(false);
    second.result.resolve('fresh');
    await flush();
    expect(out.value).toBe('fresh');
    // A late failure after success changes nothing either.
    first.result.reject(new CommError('ECONNRESET', 'reset'));
    await flush();
    expect(h.link.status().state).toBe('ONLINE');
    expect(h.transport.closes).toHaveLength(1);
    expect(h.link.queueDepth()).toBe(0);
  });

  it('ignores a late reply that comes after the link gave up on the job', async () => {
    const h = harness({ retries: 0 });
    const out = watch(h.link.execute(h.jobs.job('a')));
    await flush();
    const first = h.jobs.last();
    await advance(h.clock, 100);
    expect(out.error).toMatchObject({ code: 'OFFLINE' });
    first.result.resolve('late');
    await flush();
    expect(out.value).toBeUndefined();
    expect(h.link.status()).toMatchObject({ state: 'OFFLINE', lastReadingAt: null });
  });

  it('turns ERROR on a DeviceError without retrying or closing the session; the next success is ONLINE', async () => {
    const h = harness();
    const ok = watch(h.link.execute(h.jobs.job('a')));
    await flush();
    h.jobs.last().result.resolve('A');
    await flush();
    expect(ok.value).toBe('A');
    const bad = watch(h.link.execute(h.jobs.job('b')));
    await flush();
    const endCode = new DeviceError('C056', 'C056 address out of range');
    h.jobs.last().result.reject(endCode);
    await flush();
    expect(bad.error).toBe(endCode);
    expect(h.jobs.calls).toHaveLength(2);
    expect(h.transport.closes).toHaveLength(0);
    expect(h.link.status()).toMatchObject({ state: 'ERROR', lastError: 'DeviceError: C056 address out of range' });
    const again = watch(h.link.execute(h.jobs.job('c')));
    await flush();
    expect(h.jobs.last().session.id).toBe(1);
    h.jobs.last().result.resolve('C');
    await flush();
    expect(again.value).toBe('C');
    expect(h.link.status().state).toBe('ONLINE');
    expect(h.statuses.map((s) => [s.previous, s.status.state])).toEqual([
      ['UNKNOWN', 'ONLINE'],
      ['ONLINE', 'ERROR'],
      ['ERROR', 'ONLINE'],
    ]);
  });

  it('treats a raw socket error (ECONNRESET) from a job as a comm failure and retries', async () => {
    const h = harness();
    const out = watch(h.link.execute(h.jobs.job('a')));
    await flush();
    h.jobs.last().result.reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    await flush();
    expect(h.transport.sessions[0]!.closed).toBe(true);
    await advance(h.clock, 50);
    h.jobs.last().result.resolve('A');
    await flush();
    expect(out.value).toBe('A');
    expect(h.jobs.calls).toHaveLength(2);
  });

  it('gives up after 1 + retries attempts: the job fails, the device is OFFLINE', async () => {
    const h = harness();
    const out = watch(h.link.execute(h.jobs.job('a')));
    await advance(h.clock, 100 + 50 + 100 + 50 + 100);
    expect(h.jobs.calls).toHaveLength(3);
    expect(h.transport.opens).toHaveLength(3);
    expect(h.transport.closes).toHaveLength(3);
    expect(out.error).toMatchObject({ name: 'DeviceOfflineError', code: 'OFFLINE', device: 'plc1' });
    expect(out.error).toBeInstanceOf(CommError);
    expect((out.error as Error).cause).toMatchObject({ code: 'TIMEOUT' });
    expect(h.link.status().state).toBe('OFFLINE');
  });

  it('reopens at once, without counting a failure, when the peer closed an idle session', async () => {
    const h = harness({ retries: 0 });
    const first = watch(h.link.execute(h.jobs.job('a')));
    await flush();
    h.jobs.last().result.resolve('A');
    await flush();
    expect(first.value).toBe('A');
    h.transport.sessions[0]!.peerClosed = true; // e.g. the PLC's idle timeout
    const second = watch(h.link.execute(h.jobs.job('b')));
    await flush();
    expect(h.transport.opens).toHaveLength(2);
    expect(h.jobs.last().session.id).toBe(2);
    h.jobs.last().result.resolve('B');
    await flush();
    expect(second.value).toBe('B');
    expect(h.statuses).toHaveLength(1);
  });

  it('counts a fresh session that the peer closes before any use (refused second connection) as a failure', async () => {
    const h = harness({ retries: 1 });
    h.transport.mode = 'manual';
    const out = watch(h.link.execute(h.jobs.job('a')));
    for (let i = 0; i < 2; i++) {
      await flush();
      const s = h.transport.newSession();
      s.peerClosed = true;
      h.transport.opens[i]!.result.resolve(s);
      await advance(h.clock, 50);
    }
    expect(h.transport.opens).toHaveLength(2);
    expect(h.jobs.calls).toHaveLength(0);
    expect(out.error).toMatchObject({ code: 'OFFLINE' });
    expect(h.link.status()).toMatchObject({ state: 'OFFLINE', lastError: expect.stringMatching(/closed by the peer/) });
  });

  it('with concurrency > 1, requeues the other in-flight jobs of a poisoned session without counting them', async () => {
    const h = harness({ concurrency: 2, retries: 1 });
    const a = watch(h.link.execute(h.jobs.job('a')));
    const b = watch(h.link.execute(h.jobs.job('b')));
    await flush();
    const [firstA, firstB] = h.jobs.calls;
    h.jobs.calls[0]!.result.reject(new CommError('ECONNRESET', 'reset'));
    await flush();
    expect(firstB!.signal.aborted).toBe(true);
    await advance(h.clock, 50);
    expect(h.jobs.calls.slice(2).map((c) => [c.label, c.session.id])).toEqual([
      ['a', 2],
      ['b', 2],
    ]);
    firstB!.result.resolve('stale b');
    firstA!.result.resolve('stale a');
    h.jobs.calls[3]!.result.resolve('B');
    h.jobs.calls[2]!.result.resolve('A');
    await flush();
    expect([a.value, b.value]).toEqual(['A', 'B']);
  });

  it('opens the next session only after the previous one has closed (a PLC may allow one connection)', async () => {
    const h = harness();
    const first = watch(h.link.execute(h.jobs.job('a')));
    await flush();
    h.transport.closeGate = deferred<void>();
    h.jobs.last().result.reject(new CommError('ECONNRESET', 'reset'));
    await advance(h.clock, 50 + 200);
    expect(h.transport.closes).toHaveLength(1);
    expect(h.transport.opens).toHaveLength(1); // still closing
    h.transport.closeGate.resolve();
    await flush();
    expect(h.transport.opens).toHaveLength(2);
    h.jobs.last().result.resolve('A');
    await flush();
    expect(first.value).toBe('A');
  });

  it('stops waiting for a close that hangs after half the connect timeout', async () => {
    const h = harness();
    const first = watch(h.link.execute(h.jobs.job('a')));
    await flush();
    h.transport.closeGate = deferred<void>(); // never resolved
    h.jobs.last().result.reject(new CommError('ECONNRESET', 'reset'));
    await flush();
    await advance(h.clock, 499);
    expect(h.transport.opens).toHaveLength(1);
    await advance(h.clock, 1);
    expect(h.transport.opens).toHaveLength(2);
    h.jobs.last().result.resolve('A');
    await flush();
    expect(first.value).toBe('A');
  });
});
