import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { AuthThrottle } from '../../src/http/auth-throttle.js';
import { bearerAuth } from '../../src/http/middleware/auth.js';
import { ApiError } from '../../src/http/errors.js';
import { silentLogger } from '../../src/log.js';

/**
 * Written from the survivors of `npm run mutation -- auth` (docs/MUTATION.md): the header grammar,
 * the messages a client acts on, open reads with and without a token, and the throttle's window.
 */

const TOKEN = 'the-right-token-0123456789';

function app(options: { protectReads?: boolean } = {}) {
  const a = new Hono<{ Variables: { authenticated?: boolean } }>();
  a.onError((err) => (err instanceof ApiError ? Response.json({ error: { code: err.code, message: err.message } }, { status: err.status, headers: err.headers as Record<string, string> }) : new Response(String(err), { status: 500 })));
  a.use('*', bearerAuth({ token: TOKEN, protectReads: options.protectReads ?? false, isOpen: (p) => p === '/health', queryTokenPaths: new Set(['/api/devices/stream']) }));
  a.all('*', (c) => c.json({ authenticated: c.get('authenticated') ?? false }));
  return a;
}

async function call(a: ReturnType<typeof app>, path: string, init: RequestInit = {}) {
  const res = await a.request(path, init);
  return { status: res.status, body: (await res.json()) as { authenticated?: boolean; error?: { code: string; message: string } }, res };
}

describe('bearerAuth', () => {
  it('refuses an empty token at construction', () => {
    expect(() => bearerAuth({ token: '', protectReads: false, isOpen: () => false, queryTokenPaths: new Set() })).toThrow(/empty token/);
  });

  it('lets a CORS preflight through without credentials', async () => {
    expect((await call(app({ protectReads: true }), '/api/x', { method: 'OPTIONS' })).status).toBe(200);
  });

  it('takes "Bearer TOKEN" with any case, spaces or tabs around, and nothing else', async () => {
    const a = app();
    for (const header of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER\t${TOKEN}`, `Bearer   ${TOKEN}  `]) {
      expect((await call(a, '/api/x', { method: 'POST', headers: { authorization: header } })).status, header).toBe(200);
    }
    for (const header of [`Bearer${TOKEN}`, `Basic ${TOKEN}`, `Bearer ${TOKEN} extra`, `x Bearer ${TOKEN}`, 'Bearer']) {
      const r = await call(a, '/api/x', { method: 'POST', headers: { authorization: header } });
      expect(r.status, header).toBe(401);
      expect(r.body.error?.message, header).toBe('the Authorization header must be "Bearer <token>"');
      expect(r.res.headers.get('www-authenticate')).toBe('Bearer realm="jsscada"');
    }
  });

  it('says why: no token on a change, no token on a protected read, a wrong token', async () => {
    expect((await call(app(), '/api/x', { method: 'POST' })).body.error?.message).toMatch(/^this request changes the collector and needs a token: send "Authorization: Bearer <token>"$/);
    expect((await call(app({ protectReads: true }), '/api/x')).body.error?.message).toMatch(/^reads are protected \(server\.protectReads\) and need a token/);
    expect((await call(app(), '/api/x', { method: 'PUT', headers: { authorization: 'Bearer nope-nope-nope' } })).body.error).toEqual({ code: 'UNAUTHORIZED', message: 'wrong token' });
  });

  it('open reads: a right token marks the request authenticated, a wrong one is ignored, not refused', async () => {
    const a = app();
    expect((await call(a, '/api/x', { headers: { authorization: `Bearer ${TOKEN}` } })).body).toEqual({ authenticated: true });
    expect((await call(a, '/api/x', { headers: { authorization: 'Bearer wrong-but-ignored' } })).body).toEqual({ authenticated: false });
    expect((await call(a, '/api/x')).body).toEqual({ authenticated: false });
    // The probes stay open under protectReads.
    expect((await call(app({ protectReads: true }), '/health')).status).toBe(200);
  });

  it('takes ?access_token= only on a stream path, and never for a change', async () => {
    const a = app({ protectReads: true });
    expect((await call(a, `/api/devices/stream?access_token=${TOKEN}`)).status).toBe(200);
    expect((await call(a, `/api/devices/stream?access_token=`)).status).toBe(401);
    expect((await call(a, `/api/other?access_token=${TOKEN}`)).status).toBe(401);
    expect((await call(a, `/api/devices/stream?access_token=${TOKEN}`, { method: 'POST' })).status).toBe(401);
  });
});

describe('AuthThrottle', () => {
  function throttle(limit = 3, windowMs = 10_000, maxClients?: number) {
    const clock = new SimulatedClock();
    const warnings: string[] = [];
    const logger = silentLogger();
    logger.warn = ((_: unknown, msg?: string) => warnings.push(msg ?? '')) as typeof logger.warn;
    return { clock, warnings, t: new AuthThrottle({ limit, windowMs, clock, logger, maxClients }) };
  }

  it('refuses bad settings', () => {
    const clock = new SimulatedClock();
    for (const limit of [0, -1, 1.5]) expect(() => new AuthThrottle({ limit, windowMs: 1000, clock, logger: silentLogger() }), String(limit)).toThrow(/limit must be a positive integer, got/);
    for (const windowMs of [0, -5, Number.NaN]) expect(() => new AuthThrottle({ limit: 1, windowMs, clock, logger: silentLogger() }), String(windowMs)).toThrow(/windowMs must be positive, got/);
    expect(() => new AuthThrottle({ limit: 1, windowMs: 1, clock, logger: silentLogger() })).not.toThrow();
  });

  it('blocks at exactly the limit within the window, for one window, and counts what it refused', () => {
    const { clock, t, warnings } = throttle(3, 10_000);
    t.failed('a');
    t.failed('a');
    expect(t.refuse('a')).toBe(0);
    t.failed('a');
    expect(t.refuse('a')).toBe(10_000);
    clock.increment(9_999);
    expect(t.refuse('a')).toBe(1);
    clock.increment(1);
    expect(t.refuse('a')).toBe(0);
    expect(t.stats()).toMatchObject({ failures: 3, refused: 2, blocks: 1, clients: 1, blocked: 0 });
    expect(warnings).toEqual(['3 wrong API tokens from a within 10 s (server.authFailureLimit): its requests that need the token are answered 429 for 10 s']);
  });

  it('starts a new window when the old one has passed, and a right token forgives', () => {
    const { clock, t } = throttle(2, 1_000);
    t.failed('a');
    clock.increment(1_000); // exactly a window later: a new burst
    t.failed('a');
    expect(t.refuse('a')).toBe(0);
    t.failed('a');
    expect(t.refuse('a')).toBeGreaterThan(0);
    t.succeeded('a');
    expect(t.refuse('a')).toBe(0);
    expect(t.stats().clients).toBe(0);
  });

  it('remembers at most maxClients: expired bursts go first, then the oldest', () => {
    const { clock, t } = throttle(1, 1_000, 2);
    t.failed('old'); // blocked until 1,000
    clock.increment(2_000);
    t.failed('b');
    t.failed('c'); // 'old' has expired: it goes, b and c stay
    expect(t.refuse('b')).toBeGreaterThan(0);
    expect(t.refuse('c')).toBeGreaterThan(0);
    expect(t.stats().clients).toBe(2);
    t.failed('d'); // all live: the oldest (b) is forgotten
    expect(t.refuse('b')).toBe(0);
    expect(t.refuse('d')).toBeGreaterThan(0);
    expect(t.stats()).toMatchObject({ clients: 2, blocked: 2 });
  });
});
