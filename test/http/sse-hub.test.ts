import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/errors.js';
import { LatestWinsQueue } from '../../src/http/sse/client-queue.js';
import { SseHub, type HubOptions } from '../../src/http/sse/hub.js';
import { SseLimiter } from '../../src/http/sse/limiter.js';
import { encodeFrame, parseLastEventId } from '../../src/http/sse/wire.js';

const decoder = new TextDecoder();

function setup(overrides: Partial<HubOptions> = {}, maxClients = 3) {
  const clock = new SimulatedClock();
  const events: string[] = [];
  const limiter = new SseLimiter(maxClients);
  const hub = new SseHub({
    name: 'test',
    clock,
    limiter,
    keepAliveMs: 15_000,
    historySize: 3,
    queueCapacity: 2,
    lingerMs: 1_000,
    retryMs: 3_000,
    onActive: () => events.push('active'),
    onIdle: () => events.push('idle'),
    ...overrides,
  });
  let n = 0;
  const open = (lastEventId?: number, signal?: AbortSignal) => {
    const res = hub.open({ lastEventId, signal, snapshot: () => [{ event: 'snapshot', data: { n: n++ } }] });
    return { res, reader: res.body!.getReader() };
  };
  return { clock, hub, events, limiter, open };
}

async function next(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { value, done } = await reader.read();
  return done ? '<end>' : decoder.decode(value);
}

describe('SSE wire format', () => {
  it('encodes id, event and one data line per line', () => {
    expect(encodeFrame({ id: 7, event: 'batch', data: '{"a":1}' })).toBe('id: 7\nevent: batch\ndata: {"a":1}\n\n');
    expect(encodeFrame({ data: 'a\nb\r\nc' })).toBe('data: a\ndata: b\ndata: c\n\n');
  });

  it('reads only our own decimal Last-Event-ID', () => {
    expect(parseLastEventId('42')).toBe(42);
    expect(parseLastEventId(' 42 ')).toBe(42);
    expect(parseLastEventId('abc')).toBeUndefined();
    expect(parseLastEventId('-1')).toBeUndefined();
    expect(parseLastEventId('1'.repeat(17))).toBeUndefined();
    expect(parseLastEventId(undefined)).toBeUndefined();
  });
});

describe('LatestWinsQueue', () => {
  it('keeps the newest frames, counts the dropped ones, and hands over everything queued at once', async () => {
    const q = new LatestWinsQueue<string>(2, (items) => items.join(''));
    for (const f of ['a', 'b', 'c', 'd']) q.push(f);
    expect(q.dropped).toBe(2);
    expect(await q.take()).toBe('cd');
    const waiting = q.take();
    q.push('e');
    expect(await waiting).toBe('e');
    q.close();
    expect(await q.take()).toBeNull();
    q.push('f');
    expect(q.length).toBe(0);
  });
});

describe('SseHub', () => {
  it('sends retry and a snapshot on connect, then broadcasts, with monotonic ids (exact wire text)', async () => {
    const { hub, open, events } = setup();
    const { res, reader } = open();
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(events).toEqual(['active']);
    expect(await next(reader)).toBe('retry: 3000\n\nid: 1\nevent: snapshot\ndata: {"n":0}\n\n');
    hub.broadcast('batch', { v: 1 });
    expect(await next(reader)).toBe('id: 2\nevent: batch\ndata: {"v":1}\n\n');
    hub.broadcast('batch', { v: 2 });
    expect(await next(reader)).toBe('id: 3\nevent: batch\ndata: {"v":2}\n\n');
    await reader.cancel();
  });

  it('sends a keep-alive comment every 15 s to an idle client', async () => {
    const { clock, hub, open } = setup();
    const { reader } = open();
    await next(reader);
    clock.increment(14_999);
    hub.broadcast('batch', 1);
    expect(await next(reader)).toBe('id: 2\nevent: batch\ndata: 1\n\n');
    clock.increment(1);
    expect(await next(reader)).toBe(': keep-alive\n\n');
    clock.increment(15_000);
    expect(await next(reader)).toBe(': keep-alive\n\n');
    await reader.cancel();
  });

  it('resumes from Last-Event-ID with the missed events, or sends a fresh snapshot when they are gone', async () => {
    const { hub, open } = setup({}, 4);
    const first = open();
    await next(first.reader); // snapshot, id 1
    for (let v = 2; v <= 5; v++) hub.broadcast('batch', v); // ids 2..5; history keeps 3..5
    const resumed = open(3);
    expect(await next(resumed.reader)).toBe('retry: 3000\n\nid: 4\nevent: batch\ndata: 4\n\nid: 5\nevent: batch\ndata: 5\n\n');
    const upToDate = open(5);
    expect(await next(upToDate.reader)).toBe('retry: 3000\n\n');
    const tooOld = open(1);
    expect(await next(tooOld.reader)).toBe('retry: 3000\n\nid: 5\nevent: snapshot\ndata: {"n":1}\n\n');
    for (const r of [first, resumed, upToDate, tooOld]) await r.reader.cancel().catch(() => undefined);
  });

  it('a slow client keeps only the newest frames and the drops are counted', async () => {
    const { hub, open } = setup();
    const { reader } = open();
    await next(reader);
    for (let v = 1; v <= 10; v++) hub.broadcast('batch', v);
    expect(hub.stats()).toEqual({ clients: 1, dropped: 8, queued: 2 });
    expect(await next(reader)).toBe('id: 10\nevent: batch\ndata: 9\n\nid: 11\nevent: batch\ndata: 10\n\n');
    await reader.cancel();
    expect(hub.stats()).toEqual({ clients: 0, dropped: 8, queued: 0 });
  });

  it('caps clients with a 503 error, and frees the slot on disconnect (cancel or abort)', async () => {
    const { hub, open, limiter } = setup();
    const a = open();
    const abort = new AbortController();
    const b = open(undefined, abort.signal);
    const c = open();
    let refused: unknown;
    try {
      open();
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 503, code: 'TOO_MANY_STREAMS' });
    expect((refused as Error).message).toContain('3 of at most 3 are connected (server.maxSseClients)');
    await a.reader.cancel();
    abort.abort();
    expect(hub.clientCount).toBe(1);
    expect(limiter.active).toBe(1);
    // The aborted client's stream ends; what was queued for it is dropped.
    expect(await next(b.reader)).toBe('<end>');
    await c.reader.cancel();
    expect(limiter.active).toBe(0);
  });

  it('stops the producer only after the linger, and a reconnect within it keeps history for resume', async () => {
    const { clock, hub, open, events } = setup();
    const a = open();
    await next(a.reader);
    hub.broadcast('batch', 1);
    await a.reader.cancel();
    clock.increment(999);
    expect(events).toEqual(['active']);
    const b = open(1);
    expect(await next(b.reader)).toBe('retry: 3000\n\nid: 2\nevent: batch\ndata: 1\n\n');
    await b.reader.cancel();
    clock.increment(1_000);
    expect(events).toEqual(['active', 'idle']);
    // After an idle period the history cannot bridge the gap: a fresh snapshot, and a new id.
    const c = open(2);
    expect(await next(c.reader)).toBe('retry: 3000\n\nid: 3\nevent: snapshot\ndata: {"n":1}\n\n');
    expect(events).toEqual(['active', 'idle', 'active']);
    hub.close();
    expect(await next(c.reader)).toBe('<end>');
    expect(events).toEqual(['active', 'idle', 'active', 'idle']);
  });

  it('starts ids from the clock so a restarted server never reuses a recent id', () => {
    const clock = new SimulatedClock();
    clock.set(1_700_000_000_000);
    const hub = new SseHub({ name: 't', clock, limiter: new SseLimiter(1), keepAliveMs: 1, historySize: 1, queueCapacity: 1, lingerMs: 1, retryMs: 1 });
    expect(hub.currentId).toBe(1_700_000_000_000_000);
    expect(Number.isSafeInteger(hub.broadcast('x', 1).id)).toBe(true);
  });
});
