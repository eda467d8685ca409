import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CommError } from '../../../src/io/errors.js';
import { createDeviceLink } from '../../../src/io/link/device-link.js';
import { silentLogger } from '../../../src/log.js';
import { DeviceOfflineError } from '../../../src/io/link/errors.js';
import { advance, BASE_OPTIONS, FakeTransport, flush, harness, watch, type Outcome } from './harness.js';
import { SimulatedClock } from 'xstate';

describe('device link queue', () => {
  it('runs jobs one at a time in FIFO order on one shared session (concurrency 1)', async () => {
    const h = harness();
    const outs = ['a', 'b', 'c'].map((label) => watch(h.link.execute(h.jobs.job(label))));
    await flush();
    expect(h.link.queueDepth()).toBe(3);
    for (const [i, label] of ['a', 'b', 'c'].entries()) {
      expect(h.jobs.calls.map((c) => c.label)).toEqual(['a', 'b', 'c'].slice(0, i + 1));
      h.jobs.last().result.resolve(label.toUpperCase());
      await flush();
      expect(h.link.queueDepth()).toBe(2 - i);
    }
    expect(outs.map((o) => o.value)).toEqual(['A', 'B', 'C']);
    expect(h.transport.opens).toHaveLength(1);
    expect(new Set(h.jobs.calls.map((c) => c.session.id))).toEqual(new Set([1]));
  });

  it('runs up to `concurrency` jobs at once and starts the next in order as slots free', async () => {
    const h = harness({ concurrency: 3 });
    const outs = ['a', 'b', 'c', 'd', 'e'].map((label) => watch(h.link.execute(h.jobs.job(label))));
    await flush();
    expect(h.jobs.calls.map((c) => c.label)).toEqual(['a', 'b', 'c']);
    expect(h.link.queueDepth()).toBe(5);
    h.jobs.calls[1]!.result.resolve('B');
    await flush();
    expect(h.jobs.calls.map((c) => c.label)).toEqual(['a', 'b', 'c', 'd']);
    h.jobs.calls[0]!.result.resolve('A');
    await flush();
    expect(h.jobs.calls.map((c) => c.label)).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (const call of h.jobs.calls.slice(2)) call.result.resolve(call.label.toUpperCase());
    await flush();
    expect(outs.map((o) => o.value)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(h.link.queueDepth()).toBe(0);
    expect(h.transport.opens).toHaveLength(1);
  });

  it('lets jobs queued while connecting wait for the connection, then runs them in order', async () => {
    const h = harness();
    h.transport.mode = 'manual';
    const outs = ['a', 'b', 'c'].map((label) => watch(h.link.execute(h.jobs.job(label))));
    await advance(h.clock, 500);
    expect(h.transport.opens).toHaveLength(1);
    expect(h.jobs.calls).toHaveLength(0);
    h.transport.opens[0]!.result.resolve(h.transport.newSession());
    await flush();
    for (const label of ['a', 'b', 'c']) {
      expect(h.jobs.last().label).toBe(label);
      h.jobs.last().result.resolve(label);
      await flush();
    }
    expect(outs.map((o) => o.value)).toEqual(['a', 'b', 'c']);
  });

  it('removes a waiting job when its signal aborts; the job never runs', async () => {
    const h = harness();
    const first = watch(h.link.execute(h.jobs.job('a')));
    const cancel = new AbortController();
    const second = watch(h.link.execute(h.jobs.job('b'), cancel.signal));
    const third = watch(h.link.execute(h.jobs.job('c')));
    await flush();
    expect(h.link.queueDepth()).toBe(3);
    cancel.abort(new Error('group stopped'));
    await flush();
    expect(second.error).toEqual(new Error('group stopped'));
    expect(h.link.queueDepth()).toBe(2);
    h.jobs.last().result.resolve('A');
    await flush();
    h.jobs.last().result.resolve('C');
    await flush();
    expect(h.jobs.calls.map((c) => c.label)).toEqual(['a', 'c']);
    expect([first.value, third.value]).toEqual(['A', 'C']);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const h = harness();
    const out = watch(h.link.execute(h.jobs.job('a'), AbortSignal.abort(new Error('too late'))));
    await flush();
    expect(out.error).toEqual(new Error('too late'));
    expect(h.transport.opens).toHaveLength(0);
    expect(h.link.status().state).toBe('UNKNOWN');
  });

  it('aborts a running attempt when its signal aborts, drops the session (a reply may still come) and counts no failure', async () => {
    const h = harness();
    const warm = watch(h.link.execute(h.jobs.job('warm')));
    await flush();
    h.jobs.last().result.resolve('ok');
    await flush();
    expect(warm.value).toBe('ok');
    const cancel = new AbortController();
    const running = watch(h.link.execute(h.jobs.job('a'), cancel.signal));
    const next = watch(h.link.execute(h.jobs.job('b')));
    await flush();
    const attempt = h.jobs.last();
    cancel.abort(new Error('poll deadline'));
    await flush();
    expect(running.error).toEqual(new Error('poll deadline'));
    expect(attempt.signal.aborted).toBe(true);
    expect(h.transport.sessions[0]!.closed).toBe(true);
    // Reconnects at once (no retry delay: nothing failed) and runs the next job on a new session.
    expect(h.transport.opens).toHaveLength(2);
    expect(h.jobs.last()).toMatchObject({ label: 'b', session: { id: 2 } });
    attempt.result.resolve('stale reply');
    h.jobs.last().result.resolve('B');
    await flush();
    expect(next.value).toBe('B');
    expect(h.link.status()).toMatchObject({ state: 'ONLINE', lastError: null });
    expect(h.statuses).toHaveLength(1);
  });

  it('backs off instead of reconnecting per poll when every exchange is cancelled before a reply', async () => {
    const h = harness({ requestTimeoutMs: 10_000 });
    const outs: Outcome<string>[] = [];
    for (let poll = 0; poll < 50; poll++) {
      const deadline = new AbortController();
      outs.push(watch(h.link.execute(h.jobs.job(`p${poll}`), deadline.signal)));
      await advance(h.clock, 80);
      deadline.abort(new Error('poll deadline'));
      await advance(h.clock, 20);
    }
    // 3 sessions that never answered (1 + 2 retries, 50 ms apart), then one connect per backoff
    // period (waits of 250, 500, 1000, 2000 ms; the next poll after each wait connects).
    expect(h.transport.opens.map((o) => o.at - h.transport.opens[0]!.at)).toEqual([0, 130, 230, 600, 1200, 2300, 4400]);
    expect(h.link.status()).toMatchObject({ state: 'OFFLINE', lastError: expect.stringMatching(/cancelled before its reply/) });
    expect(outs.filter((o) => o.error instanceof DeviceOfflineError).length).toBeGreaterThan(30);
  });

  it('puts one listener on a caller signal shared by many jobs, and removes it when they are done', async () => {
    const h = harness();
    const poll = new AbortController();
    const outs = Array.from({ length: 30 }, (_, i) => watch(h.link.execute(h.jobs.job(`r${i}`), poll.signal)));
    await flush();
    expect(getEventListeners(poll.signal, 'abort')).toHaveLength(1);
    for (let i = 0; i < 30; i++) {
      h.jobs.last().result.resolve('ok');
      await flush();
    }
    expect(outs.every((o) => o.value === 'ok')).toBe(true);
    expect(getEventListeners(poll.signal, 'abort')).toHaveLength(0);
  });

  it('aborting a signal shared by running and waiting jobs cancels them all and drops the session once', async () => {
    const h = harness({ concurrency: 3 });
    const warm = watch(h.link.execute(h.jobs.job('warm')));
    await flush();
    h.jobs.last().result.resolve('ok');
    await flush();
    expect(warm.value).toBe('ok');
    const poll = new AbortController();
    const outs = Array.from({ length: 8 }, (_, i) => watch(h.link.execute(h.jobs.job(`r${i}`), poll.signal)));
    await flush();
    expect(h.link.queueDepth()).toBe(8);
    poll.abort(new Error('group stopped'));
    await flush();
    expect(outs.every((o) => o.error instanceof Error && o.error.message === 'group stopped')).toBe(true);
    expect(h.link.queueDepth()).toBe(0);
    expect(h.transport.closes).toHaveLength(1);
    expect(h.jobs.calls).toHaveLength(4); // warm + the 3 that were running; nothing ran after
    expect(h.transport.opens).toHaveLength(1); // and nothing reconnects until a job asks
  });

  it('close() rejects queued and running jobs with CLOSED, closes the session, and is idempotent', async () => {
    const h = harness();
    const outs = ['a', 'b'].map((label) => watch(h.link.execute(h.jobs.job(label))));
    await flush();
    const attempt = h.jobs.last();
    const closing = h.link.close();
    expect(h.link.close()).toBe(closing);
    await closing;
    for (const out of outs) expect(out.error).toMatchObject({ name: 'CommError', code: 'CLOSED' });
    expect(attempt.signal.aborted).toBe(true);
    expect(h.transport.sessions[0]!.closed).toBe(true);
    expect(h.link.queueDepth()).toBe(0);
    attempt.result.resolve('late');
    await expect(h.link.execute(h.jobs.job('c'))).rejects.toMatchObject({ code: 'CLOSED' });
    await advance(h.clock, 5000);
    expect(h.transport.opens).toHaveLength(1);
    expect(h.jobs.calls).toHaveLength(1);
  });

  it('close() during a retry wait stops the timer: nothing reconnects afterwards', async () => {
    const h = harness();
    const out = watch(h.link.execute(h.jobs.job('a')));
    await advance(h.clock, 100); // request timeout -> session closed, 50 ms retry wait
    expect(h.transport.closes).toHaveLength(1);
    await h.link.close();
    expect(out.error).toMatchObject({ code: 'CLOSED' });
    await advance(h.clock, 10_000);
    expect(h.transport.opens).toHaveLength(1);
  });

  it('close() while connecting aborts the open and closes a session that arrives late', async () => {
    const h = harness();
    h.transport.mode = 'manual';
    const out = watch(h.link.execute(h.jobs.job('a')));
    await flush();
    const open = h.transport.opens[0]!;
    await h.link.close();
    expect(open.signal.aborted).toBe(true);
    expect(out.error).toMatchObject({ code: 'CLOSED' });
    const late = h.transport.newSession();
    open.result.resolve(late);
    await flush();
    expect(late.closed).toBe(true);
    expect(h.jobs.calls).toHaveLength(0);
  });

  it('close() leaves no timer behind on the system clock (retry wait, request timeout, close cap)', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const baseline = timers();
    const transport = new FakeTransport(new SimulatedClock());
    const link = createDeviceLink(transport, { ...BASE_OPTIONS, requestTimeoutMs: 60_000, retryDelayMs: 60_000 }, { logger: silentLogger() });
    const running = watch(link.execute(() => new Promise<string>(() => undefined)));
    await flush();
    expect(timers()).toBe(baseline + 1); // the request timeout
    await link.close();
    await flush();
    expect(running.error).toMatchObject({ code: 'CLOSED' });
    expect(timers()).toBe(baseline);

    transport.mode = 'refuse';
    const waiting = createDeviceLink(transport, { ...BASE_OPTIONS, retryDelayMs: 60_000 }, { logger: silentLogger() });
    const refused = watch(waiting.execute(async () => 'never'));
    await flush();
    expect(timers()).toBe(baseline + 1); // the retry wait
    await waiting.close();
    expect(refused.error).toMatchObject({ code: 'CLOSED' });
    expect(timers()).toBe(baseline);
  });

  it('validates options once, naming the device and the field', () => {
    const clock = new SimulatedClock();
    const make = (patch: object) => () =>
      createDeviceLink(new FakeTransport(clock), { ...BASE_OPTIONS, ...patch }, { logger: silentLogger(), clock });
    expect(make({ requestTimeoutMs: Number.NaN })).toThrow(/"plc1": requestTimeoutMs must be a number >= 1, got NaN/);
    expect(make({ retries: 1.5 })).toThrow(/retries must be an integer >= 0/);
    expect(make({ concurrency: 0 })).toThrow(/concurrency must be an integer >= 1/);
    expect(make({ reconnectInitialMs: 1000, reconnectMaxMs: 10 })).toThrow(/reconnectMaxMs must be a number >= 1000/);
    expect(make({})).not.toThrow();
  });

  it('treats a job that is not the device\'s fault (a bug) as its own error: no retry, session kept', async () => {
    const h = harness();
    const out = watch(h.link.execute(h.jobs.job('a')));
    await flush();
    h.jobs.last().result.reject(new TypeError('cannot read properties of undefined'));
    await flush();
    expect(out.error).toBeInstanceOf(TypeError);
    expect(h.jobs.calls).toHaveLength(1);
    expect(h.transport.closes).toHaveLength(0);
    expect(h.link.status()).toEqual({ state: 'UNKNOWN', lastReadingAt: null, lastError: null, lastErrorAt: null });
    // A job that throws synchronously is handled the same way.
    const sync = watch(h.link.execute(() => { throw new RangeError('bad plan'); }));
    await flush();
    expect(sync.error).toBeInstanceOf(RangeError);
    expect(h.transport.opens).toHaveLength(1);
  });

  it('reports CommError from a queue of its own when the link is closed before anything ran', async () => {
    const h = harness();
    await h.link.close();
    const err = await h.link.execute(h.jobs.job('a')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommError);
    expect(h.transport.opens).toHaveLength(0);
  });
});
