import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { CommError, DeviceError } from '../../src/io/errors.js';
import { createDeviceLinkMachine, type DeviceLinkInput } from '../../src/machines/deviceLink.js';

/** The pure machine under a simulated clock, with a test opener and a recording close action. */
function harness(input: Partial<DeviceLinkInput> = {}) {
  const clock = new SimulatedClock();
  const opens: { signal: AbortSignal; resolve: (s: string) => void; reject: (e: unknown) => void }[] = [];
  const closed: (string | null)[] = [];
  const machine = createDeviceLinkMachine<string>().provide({
    actors: {
      open: fromPromise<string>(
        ({ signal }) => new Promise<string>((resolve, reject) => void opens.push({ signal, resolve, reject })),
      ),
    },
    actions: { closeSession: (_args, { session }) => void closed.push(session) },
  });
  const actor = createActor(machine, {
    clock,
    input: {
      name: 'm1',
      connectTimeoutMs: 1000,
      retries: 1,
      retryDelayMs: 100,
      reconnectInitialMs: 500,
      reconnectMaxMs: 2000,
      now: () => clock.now(),
      random: () => 0.5,
      ...input,
    },
  }).start();
  const state = () => actor.getSnapshot().value;
  const ctx = () => actor.getSnapshot().context;
  return { clock, opens, closed, actor, state, ctx };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

async function connect(h: ReturnType<typeof harness>, session: string): Promise<void> {
  h.actor.send({ type: 'link.demand' });
  h.opens.at(-1)!.resolve(session);
  await settle();
}

describe('deviceLink machine', () => {
  it('connects on demand; the device stays UNKNOWN until a job succeeds', async () => {
    const h = harness();
    expect(h.state()).toBe('disconnected');
    await connect(h, 's1');
    expect(h.state()).toBe('online');
    expect(h.ctx()).toMatchObject({ session: 's1', deviceState: 'UNKNOWN', proven: false });
    h.actor.send({ type: 'link.job.ok' });
    expect(h.ctx()).toMatchObject({ deviceState: 'ONLINE', proven: true, failures: 0 });
  });

  it('closes the session on a failed job, waits retryDelayMs, reconnects; gives up into backoff after the retries', async () => {
    const h = harness();
    await connect(h, 's1');
    h.actor.send({ type: 'link.job.failed', error: new CommError('TIMEOUT', 't'), exhausted: false });
    expect(h.state()).toBe('retryWait');
    expect(h.closed).toEqual(['s1']);
    expect(h.ctx()).toMatchObject({ session: null, failures: 1 });
    h.clock.increment(99);
    expect(h.state()).toBe('retryWait');
    h.clock.increment(1);
    expect(h.state()).toBe('connecting');
    h.opens.at(-1)!.reject(new CommError('ECONNREFUSED', 'refused'));
    await settle();
    expect(h.state()).toBe('backoff');
    expect(h.ctx()).toMatchObject({ deviceState: 'OFFLINE', failures: 0, backoffStep: 1, backoffDelayMs: 250, nextAttemptAt: 350 });
    expect(h.ctx().lastError).toMatchObject({ code: 'ECONNREFUSED' });
    h.clock.increment(249);
    expect(h.state()).toBe('backoff');
    h.clock.increment(1);
    // Lazy: the wait is over, but nothing connects until a job asks.
    expect(h.state()).toBe('disconnected');
    expect(h.ctx()).toMatchObject({ probation: true, nextAttemptAt: null });
    expect(h.opens).toHaveLength(2);
  });

  it('on probation, one failure goes straight back to backoff with a larger ceiling', async () => {
    const h = harness({ retries: 5 });
    await connect(h, 's1');
    h.actor.send({ type: 'link.job.failed', error: 'x', exhausted: true });
    expect(h.state()).toBe('backoff');
    h.clock.increment(250);
    await connect(h, 's2');
    expect(h.ctx().deviceState).toBe('OFFLINE'); // connected is not ONLINE
    h.actor.send({ type: 'link.job.failed', error: 'y', exhausted: false });
    expect(h.state()).toBe('backoff');
    expect(h.ctx()).toMatchObject({ backoffStep: 2, backoffDelayMs: 500 });
    expect(h.closed).toEqual(['s1', 's2']);
  });

  it('aborts the open on the connect timeout and records a CONNECT_TIMEOUT', () => {
    const h = harness();
    h.actor.send({ type: 'link.demand' });
    h.clock.increment(1000);
    expect(h.opens[0]!.signal.aborted).toBe(true);
    expect(h.state()).toBe('retryWait');
    expect(h.ctx().lastError).toMatchObject({ code: 'CONNECT_TIMEOUT', message: 'device "m1": no connection within 1000 ms' });
  });

  it('a device error keeps the session and resets the failure count', async () => {
    const h = harness();
    await connect(h, 's1');
    h.actor.send({ type: 'link.job.failed', error: 'x', exhausted: false });
    h.clock.increment(100);
    h.opens.at(-1)!.resolve('s2');
    await settle();
    expect(h.ctx().failures).toBe(1);
    const err = new DeviceError('C056', 'address out of range');
    h.actor.send({ type: 'link.job.deviceError', error: err });
    expect(h.state()).toBe('online');
    expect(h.ctx()).toMatchObject({ deviceState: 'ERROR', failures: 0, lastError: err, session: 's2' });
    expect(h.closed).toEqual(['s1']);
  });

  it('reopens without counting when a proven session is lost; counts it when the session never worked', async () => {
    const h = harness({ retries: 3 });
    await connect(h, 's1');
    h.actor.send({ type: 'link.job.ok' });
    h.actor.send({ type: 'link.session.lost', error: 'gone' });
    expect(h.state()).toBe('disconnected');
    expect(h.ctx().failures).toBe(0);
    await connect(h, 's2');
    h.actor.send({ type: 'link.session.lost', error: 'gone' });
    expect(h.state()).toBe('retryWait');
    expect(h.ctx()).toMatchObject({ failures: 1, lastError: 'gone' });
    h.actor.send({ type: 'link.demand' }); // ignored while waiting: no extra connect
    expect(h.opens).toHaveLength(2);
  });

  it('drops a session the device answered on without counting; counts a drop on one that never answered', async () => {
    const h = harness({ retries: 1 });
    await connect(h, 's1');
    h.actor.send({ type: 'link.job.ok' });
    h.actor.send({ type: 'link.session.drop', error: 'cancelled' });
    expect(h.state()).toBe('disconnected');
    expect(h.closed).toEqual(['s1']);
    expect(h.ctx().failures).toBe(0);
    await connect(h, 's2');
    h.actor.send({ type: 'link.session.drop', error: 'cancelled' });
    expect(h.state()).toBe('retryWait');
    h.clock.increment(100);
    h.opens.at(-1)!.resolve('s3');
    await settle();
    h.actor.send({ type: 'link.session.drop', error: 'cancelled' });
    expect(h.state()).toBe('backoff');
    expect(h.closed).toEqual(['s1', 's2', 's3']);
  });

  it('close stops everything from any state: session closed, open aborted, no timer fires afterwards', async () => {
    const online = harness();
    await connect(online, 's1');
    online.actor.send({ type: 'link.close' });
    expect(online.state()).toBe('closed');
    expect(online.actor.getSnapshot().status).toBe('done');
    expect(online.closed).toEqual(['s1']);

    const connecting = harness();
    connecting.actor.send({ type: 'link.demand' });
    connecting.actor.send({ type: 'link.close' });
    expect(connecting.opens[0]!.signal.aborted).toBe(true);
    connecting.clock.increment(10_000);
    expect(connecting.state()).toBe('closed');

    const backoff = harness({ retries: 0 });
    backoff.actor.send({ type: 'link.demand' });
    backoff.opens[0]!.reject(new Error('refused'));
    await settle();
    expect(backoff.state()).toBe('backoff');
    backoff.actor.send({ type: 'link.close' });
    backoff.clock.increment(60_000);
    expect(backoff.state()).toBe('closed');
    expect(backoff.opens).toHaveLength(1);
  });
});
