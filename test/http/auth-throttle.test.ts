import pino from 'pino';
import { Writable } from 'node:stream';
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { AuthThrottle } from '../../src/http/auth-throttle.js';
import { SseLimiter } from '../../src/http/sse/limiter.js';
import { ApiError } from '../../src/http/errors.js';

function setup(limit = 3, windowMs = 10_000, maxClients?: number) {
  const clock = new SimulatedClock();
  const warnings: { client: string; failures: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) warnings.push(JSON.parse(line) as { client: string; failures: number; msg: string });
      done();
    },
  });
  const throttle = new AuthThrottle({ limit, windowMs, clock, logger: pino({ level: 'warn' }, sink), maxClients });
  return { clock, throttle, warnings };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('wrong-token throttle', () => {
  it('blocks a client after `limit` failures for one window, then lets it try again; one warning per burst', async () => {
    const { clock, throttle, warnings } = setup();
    for (let i = 0; i < 3; i++) {
      expect(throttle.refuse('a')).toBe(0);
      throttle.failed('a');
    }
    expect(throttle.refuse('a')).toBe(10_000);
    expect(throttle.refuse('b')).toBe(0);
    clock.increment(4_000);
    expect(throttle.refuse('a')).toBe(6_000);
    clock.increment(6_000);
    expect(throttle.refuse('a')).toBe(0);
    // A second burst: blocked again, a second warning.
    for (let i = 0; i < 3; i++) throttle.failed('a');
    expect(throttle.refuse('a')).toBeGreaterThan(0);
    await flush();
    expect(warnings.map((w) => [w.client, w.failures])).toEqual([
      ['a', 3],
      ['a', 3],
    ]);
    expect(warnings[0]!.msg).toContain('server.authFailureLimit');
    expect(throttle.stats()).toMatchObject({ failures: 6, blocks: 2 });
  });

  it('failures spread wider than the window never block; the right token clears the count', () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 10; i++) {
      throttle.failed('a');
      throttle.failed('a');
      clock.increment(10_000);
    }
    expect(throttle.refuse('a')).toBe(0);
    throttle.failed('b');
    throttle.failed('b');
    throttle.succeeded('b');
    throttle.failed('b');
    throttle.failed('b');
    expect(throttle.refuse('b')).toBe(0);
  });

  it('remembers at most maxClients addresses (an address flood cannot grow memory)', () => {
    const { throttle } = setup(3, 10_000, 100);
    for (let i = 0; i < 1_000; i++) throttle.failed(`10.0.${i >> 8}.${i & 255}`);
    expect(throttle.stats().clients).toBeLessThanOrEqual(100);
  });
});

describe('SSE slots per client', () => {
  const anon = (client: string) => ({ client, authenticated: false });
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err as ApiError;
    }
    throw new Error('expected a refusal');
  };

  it('caps a client without the token, gives its slots back on release (once), and keeps the reserve for the token', () => {
    const limiter = new SseLimiter({ max: 6, perClient: 2, reserved: 2 });
    const a1 = limiter.acquire(anon('a'));
    limiter.acquire(anon('a'));
    expect(refusal(() => limiter.acquire(anon('a'))).message).toContain('server.maxSseClientsPerClient');
    a1();
    a1();
    expect(limiter.active).toBe(1);
    limiter.acquire(anon('a'));
    limiter.acquire(anon('b'));
    limiter.acquire(anon('b'));
    expect(refusal(() => limiter.acquire(anon('c'))).message).toContain('server.reservedSseClients');
    limiter.acquire({ client: 'c', authenticated: true });
    limiter.acquire({ client: 'c', authenticated: true });
    expect(refusal(() => limiter.acquire({ client: 'c', authenticated: true })).message).toContain('server.maxSseClients');
    expect(Object.fromEntries(limiter.clients())).toEqual({ a: 2, b: 2 });
  });

  it('a reserve is at most half of the slots', () => {
    expect(new SseLimiter({ max: 6, reserved: 20 }).reserved).toBe(3);
  });
});
