// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from './backoff.js';
import { SseClient, type StreamState } from './sse-client.js';
import type { SseMessage } from './sse-parser.js';

/** One response the fake server gives: a stream the test writes to, ends or breaks. */
interface FakeStream {
  push(text: string): void;
  end(): void;
  fail(err: Error): void;
}

interface Call {
  readonly at: number;
  readonly headers: Record<string, string>;
}

/** fetch as the collector would answer it; each call takes the next scripted answer. */
function fakeServer() {
  const calls: Call[] = [];
  const streams: FakeStream[] = [];
  const script: ((signal: AbortSignal) => Response | Promise<Response>)[] = [];
  const fetchFn = (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ at: Date.now(), headers: Object.fromEntries(new Headers(init?.headers).entries()) });
    const next = script.shift() ?? (() => Promise.reject(new TypeError('Failed to fetch')));
    return Promise.resolve(next(init?.signal ?? new AbortController().signal));
  };
  const stream = (status = 200, headers: Record<string, string> = { 'content-type': 'text/event-stream' }) =>
    script.push((signal) => {
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
      const enc = new TextEncoder();
      const s: FakeStream = {
        push: (t) => controller.enqueue(enc.encode(t)),
        end: () => controller.close(),
        fail: (e) => controller.error(e),
      };
      signal.addEventListener('abort', () => {
        try {
          controller.error(signal.reason);
        } catch {
          // already closed
        }
      });
      streams.push(s);
      return new Response(body, { status, headers });
    });
  const refuse = (status: number, headers: Record<string, string> = {}) => script.push(() => new Response('{"error":{"code":"X","message":"no"}}', { status, headers }));
  const down = () => script.push(() => Promise.reject(new TypeError('Failed to fetch')));
  return { calls, streams, stream, refuse, down, fetch: fetchFn };
}

const BACKOFF = { initialMs: 1000, maxMs: 30_000, jitter: 0.3 };

function client(server: ReturnType<typeof fakeServer>, extra: Partial<ConstructorParameters<typeof SseClient>[0]> = {}) {
  const messages: SseMessage[] = [];
  const states: StreamState[] = [];
  const c = new SseClient({
    url: '/api/polling/stream',
    fetch: server.fetch,
    onMessages: (m) => messages.push(...m),
    onState: (s) => states.push(s),
    backoff: BACKOFF,
    // No jitter taken off: delays are exactly the base.
    random: () => 0,
    ...extra,
  });
  return { c, messages, states };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_700_000_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap, with jitter taken off at most', () => {
    const none = () => 0;
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelay(n, BACKOFF, none))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(backoffDelay(1, BACKOFF, () => 1)).toBe(700);
    expect(backoffDelay(1e9, BACKOFF, () => 0.5)).toBe(25_500);
  });
});

describe('SseClient', () => {
  it('opens, delivers the events of a chunk together, and reports the state', async () => {
    const server = fakeServer();
    server.stream();
    const { c, messages, states } = client(server);
    c.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(c.state.status).toBe('open');
    server.streams[0]!.push('id: 1\nevent: a\ndata: 1\n\nid: 2\nevent: b\ndata: 2\n\n');
    await vi.advanceTimersByTimeAsync(0);
    expect(messages.map((m) => m.type)).toEqual(['a', 'b']);
    expect(states.map((s) => s.status)).toEqual(['connecting', 'open']);
    expect(server.calls[0]!.headers.accept).toBe('text/event-stream');
    c.stop();
  });

  it('reconnects after the server ends the stream, resuming with Last-Event-ID and honouring retry:', async () => {
    const server = fakeServer();
    server.stream();
    server.stream();
    const { c } = client(server);
    c.start();
    await vi.advanceTimersByTimeAsync(0);
    server.streams[0]!.push('retry: 3000\n\nid: 1700000000000007\nevent: group\ndata: {}\n\n');
    await vi.advanceTimersByTimeAsync(0);
    server.streams[0]!.end();
    await vi.advanceTimersByTimeAsync(0);
    expect(c.state.status).toBe('waiting');
    // The server asked for 3 s between attempts: the backoff starts there.
    expect(c.state.retryAt).toBe(Date.now() + 3000);
    await vi.advanceTimersByTimeAsync(2999);
    expect(server.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.calls).toHaveLength(2);
    expect(server.calls[1]!.headers['last-event-id']).toBe('1700000000000007');
    await vi.advanceTimersByTimeAsync(0);
    expect(c.state.status).toBe('open');
    c.stop();
  });

  it('backs off exponentially while the server is down, up to 30 s, then recovers and resets', async () => {
    const server = fakeServer();
    for (let i = 0; i < 8; i++) server.down();
    server.stream();
    const { c } = client(server);
    const t0 = Date.now();
    c.start();
    // 1 + 2 + 4 + 8 + 16 + 30 + 30 + 30 s: the ninth attempt finds the server back.
    await vi.advanceTimersByTimeAsync(121_000);
    const gaps = server.calls.slice(1).map((call, i) => call.at - server.calls[i]!.at);
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(server.calls[0]!.at).toBe(t0);
    expect(c.state.status).toBe('open');
    expect(c.state.attempt).toBe(0);
    expect(c.state.lastError).toBeNull();
    c.stop();
  });

  it('keeps the time the outage began across attempts', async () => {
    const server = fakeServer();
    server.stream();
    server.down();
    server.down();
    const { c } = client(server);
    c.start();
    await vi.advanceTimersByTimeAsync(0);
    const opened = c.state.since;
    await vi.advanceTimersByTimeAsync(5000);
    server.streams[0]!.end();
    await vi.advanceTimersByTimeAsync(0);
    const lost = Date.now();
    expect(c.state.since).toBe(lost);
    expect(lost).toBeGreaterThan(opened);
    await vi.advanceTimersByTimeAsync(1000 + 2000);
    expect(server.calls).toHaveLength(3);
    expect(c.state.status).toBe('waiting');
    expect(c.state.attempt).toBe(3);
    expect(c.state.since).toBe(lost);
    expect(c.state.lastError).toBe('cannot reach the collector');
    c.stop();
  });

  it('waits at least Retry-After when the server refuses with 503 (too many streams)', async () => {
    const server = fakeServer();
    server.refuse(503, { 'retry-after': '5' });
    server.stream();
    const { c } = client(server);
    c.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(c.state.status).toBe('waiting');
    expect(c.state.lastError).toBe('HTTP 503');
    await vi.advanceTimersByTimeAsync(4999);
    expect(server.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.calls).toHaveLength(2);
    c.stop();
  });

  it('says "unauthorized" on 401 and sends the token when it has one', async () => {
    const server = fakeServer();
    server.refuse(401);
    server.stream();
    let token: string | null = null;
    const { c } = client(server, { token: () => token });
    c.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(c.state.status).toBe('unauthorized');
    token = 'secret-token-123456';
    c.reconnectNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.calls[1]!.headers.authorization).toBe('Bearer secret-token-123456');
    expect(c.state.status).toBe('open');
    c.stop();
  });

  it('replaces a connection that went silent (no data, not even keep-alives) for the idle timeout', async () => {
    const server = fakeServer();
    server.stream();
    server.stream();
    const { c } = client(server, { idleTimeoutMs: 45_000 });
    c.start();
    await vi.advanceTimersByTimeAsync(0);
    // Keep-alives keep it open...
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(15_000);
      server.streams[0]!.push(': keep-alive\n\n');
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(server.calls).toHaveLength(1);
    // ...silence does not.
    await vi.advanceTimersByTimeAsync(45_000);
    expect(c.state.status).toBe('waiting');
    expect(c.state.lastError).toContain('no data from the server');
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.calls).toHaveLength(2);
    c.stop();
  });

  it('rejects an answer that is not an event stream (a proxy error page) and retries', async () => {
    const server = fakeServer();
    server.stream(200, { 'content-type': 'text/html' });
    const { c } = client(server);
    c.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(c.state.status).toBe('waiting');
    expect(c.state.lastError).toContain('not an event stream');
    c.stop();
  });

  it('stops for good: no reconnect after stop()', async () => {
    const server = fakeServer();
    server.stream();
    const { c } = client(server);
    c.start();
    await vi.advanceTimersByTimeAsync(0);
    c.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.calls).toHaveLength(1);
    expect(c.state.status).toBe('stopped');
  });

  it('survives a consumer that throws: the connection stays open', async () => {
    const server = fakeServer();
    server.stream();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const c = new SseClient({ url: '/x', fetch: server.fetch, onMessages: () => { throw new Error('bug'); }, random: () => 0 });
    c.start();
    await vi.advanceTimersByTimeAsync(0);
    server.streams[0]!.push('data: 1\n\n');
    await vi.advanceTimersByTimeAsync(0);
    expect(c.state.status).toBe('open');
    expect(errors).toHaveBeenCalled();
    errors.mockRestore();
    c.stop();
  });
});
