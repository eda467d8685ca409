import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../../src/io/errors.js';
import { DeviceOfflineError } from '../../../src/io/link/errors.js';
import { advance, flush, harness, watch, type Harness, type Outcome } from './harness.js';

// BASE_OPTIONS: connect 1000 ms, request 100 ms, 2 retries, 50 ms between attempts,
// reconnect backoff 500 ms .. 4000 ms. random() = 0.5 unless a test says otherwise.
const T0 = 1_700_000_000_000;

/** Drive the link into backoff with a refused connection: 3 attempts at T0, +50, +100. */
async function goOffline(h: Harness): Promise<Outcome<string>> {
  h.transport.mode = 'refuse';
  const out = watch(h.link.execute(h.jobs.job('first')));
  await advance(h.clock, 100);
  return out;
}

/** Polling groups: each issues a job every tick unless its previous one is still pending. */
class Callers {
  readonly outs: Outcome<string>[] = [];
  private readonly current: (Outcome<string> | null)[];
  constructor(
    private readonly h: Harness,
    count: number,
  ) {
    this.current = new Array<Outcome<string> | null>(count).fill(null);
  }

  /** Poll every `periodMs` for `durationMs`, or until `until()` holds after a tick. */
  async run(periodMs: number, durationMs: number, until: () => boolean = () => false): Promise<void> {
    for (let t = 0; t < durationMs && !until(); t += periodMs) {
      this.current.forEach((out, c) => {
        if (out && !out.settled) return;
        const next = watch(this.h.link.execute(this.h.jobs.job(`c${c}`)));
        this.current[c] = next;
        this.outs.push(next);
      });
      await advance(this.h.clock, periodMs);
    }
  }
}

describe('device link reconnect backoff', () => {
  it('goes OFFLINE after all attempts fail and fails new jobs fast, naming the device and the next attempt', async () => {
    const h = harness();
    const first = await goOffline(h);
    expect(h.transport.opens.map((o) => o.at - T0)).toEqual([0, 50, 100]);
    expect(first.error).toBeInstanceOf(DeviceOfflineError);
    expect(h.link.status()).toEqual({ state: 'OFFLINE', lastReadingAt: null, lastError: 'CommError: connect ECONNREFUSED', lastErrorAt: T0 + 100 });
    // First backoff: ceiling 500 ms, draw 0.5 -> 250 ms after T0 + 100.
    const err = await h.link.execute(h.jobs.job('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceOfflineError);
    expect(err).toMatchObject({ code: 'OFFLINE', device: 'plc1', nextAttemptAt: T0 + 350 });
    expect((err as Error).message).toBe(
      'device "plc1" is offline (connect ECONNREFUSED); next connect attempt at 2023-11-14T22:13:20.350Z (in 250 ms)',
    );
    expect(h.link.queueDepth()).toBe(0);
    expect(h.transport.opens).toHaveLength(3);
    expect(h.jobs.calls).toHaveLength(0);
  });

  it('makes exactly one connect attempt per backoff period with 10 callers, then recovers to ONLINE', async () => {
    const h = harness();
    await goOffline(h);
    const callers = new Callers(h, 10);
    await callers.run(10, 20_000);
    // Ceilings 500, 1000, 2000, 4000 (cap), 4000 ... drawn at 0.5: waits 250, 500, 1000, 2000, 2000 ...
    const expected = [350, 850, 1850];
    for (let t = 3850; t < 20_100; t += 2000) expected.push(t);
    expect(h.transport.opens.slice(3).map((o) => o.at - T0)).toEqual(expected);
    expect(callers.outs.length).toBeGreaterThan(10 * 1900);
    expect(callers.outs.every((o) => o.error instanceof DeviceOfflineError)).toBe(true);
    expect(h.link.queueDepth()).toBe(0);
    expect(h.jobs.calls).toHaveLength(0);

    // The PLC comes back: the next backoff attempt connects; jobs queue behind the first one.
    h.transport.mode = 'accept';
    const opensBefore = h.transport.opens.length;
    await callers.run(10, 2000, () => h.transport.opens.length > opensBefore);
    expect(h.transport.opens).toHaveLength(opensBefore + 1);
    await flush();
    expect(h.jobs.calls).toHaveLength(1);
    expect(h.link.queueDepth()).toBe(10);
    // Connected, but nothing has answered yet: still OFFLINE (see the machine's doc).
    expect(h.link.status().state).toBe('OFFLINE');
    h.jobs.last().result.resolve('back');
    await flush();
    expect(h.link.status()).toMatchObject({ state: 'ONLINE', lastReadingAt: h.clock.now() });
    for (let i = 0; i < 9; i++) {
      h.jobs.last().result.resolve('ok');
      await flush();
    }
    expect(h.link.queueDepth()).toBe(0);
    expect(callers.outs.slice(-10).map((o) => o.value)).toEqual(['back', ...new Array<string>(9).fill('ok')]);
    expect(h.statuses.map((s) => [s.previous, s.status.state])).toEqual([
      ['UNKNOWN', 'OFFLINE'],
      ['OFFLINE', 'ONLINE'],
    ]);
  });

  it('grows the backoff to the cap, each wait within its full-jitter bounds', async () => {
    const draws = [0.999_999, 0, 0.999_999, 0.25, 0.999_999, 0.999_999, 0.5];
    let i = 0;
    const h = harness({}, () => draws[i++ % draws.length]!);
    await goOffline(h);
    const waits: number[] = [];
    for (let n = 0; n < draws.length; n++) {
      const err = await h.link.execute(h.jobs.job('x')).catch((e: unknown) => e);
      if (!(err instanceof DeviceOfflineError)) throw new Error(`expected OFFLINE, got ${String(err)}`);
      waits.push(err.nextAttemptAt - h.clock.now());
      // A zero wait still fires on the next clock tick, as setTimeout(0) does.
      await advance(h.clock, Math.max(1, err.nextAttemptAt - h.clock.now()));
      // The wait is over: one job triggers one connect, refused, next backoff.
      void h.link.execute(h.jobs.job('y')).catch(() => undefined);
      await flush();
    }
    const ceilings = [500, 1000, 2000, 4000, 4000, 4000, 4000];
    expect(waits).toEqual([499, 0, 1999, 1000, 3999, 3999, 2000]);
    waits.forEach((w, n) => {
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThanOrEqual(ceilings[n]!);
    });
  });

  it('gives a device coming back from backoff one try: a failure on that connection backs off again at once', async () => {
    const h = harness();
    await goOffline(h);
    h.transport.mode = 'accept';
    await advance(h.clock, 250);
    const out = watch(h.link.execute(h.jobs.job('probe')));
    await flush();
    expect(h.transport.opens).toHaveLength(4);
    await advance(h.clock, 100); // the request times out on the new connection
    expect(out.error).toBeInstanceOf(DeviceOfflineError);
    expect(h.transport.opens).toHaveLength(4); // no retry connects on probation
    expect((out.error as DeviceOfflineError).nextAttemptAt).toBe(h.clock.now() + 500);
    expect(h.link.status().lastError).toBe('CommError: device "plc1": no reply within 100 ms');
  });

  it('a DeviceError during probation proves the connection: the backoff resets', async () => {
    const h = harness();
    await goOffline(h);
    h.transport.mode = 'accept';
    await advance(h.clock, 250);
    const probe = watch(h.link.execute(h.jobs.job('probe')));
    await flush();
    h.jobs.last().result.reject(new DeviceError('C059', 'C059 unsupported command'));
    await flush();
    expect(probe.error).toMatchObject({ code: 'C059' });
    expect(h.link.status().state).toBe('ERROR');
    // The link now gets full retries again, and the next backoff starts from the first step.
    h.transport.mode = 'refuse';
    h.transport.sessions[0]!.peerClosed = true;
    const later = watch(h.link.execute(h.jobs.job('later')));
    await advance(h.clock, 100);
    expect(h.transport.opens.length).toBe(4 + 3);
    expect((later.error as DeviceOfflineError).nextAttemptAt).toBe(h.clock.now() + 250);
  });
});
