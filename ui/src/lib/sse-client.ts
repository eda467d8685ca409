import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { SseParser, type SseMessage } from './sse-parser.js';

/**
 * A Server-Sent Events client on fetch, not EventSource: EventSource cannot send a token header,
 * gives up for good on an HTTP error (a 503 when the server's stream cap is reached, a restart
 * behind a proxy), and retries at a fixed pace. This one reconnects with exponential backoff and
 * jitter, resumes with Last-Event-ID, notices a silent dead connection (no bytes, not even the
 * server's 15 s keep-alive, for `idleTimeoutMs`), and reports its state for the panel to show.
 */

export type StreamStatus = 'connecting' | 'open' | 'waiting' | 'unauthorized' | 'stopped';

export interface StreamState {
  readonly status: StreamStatus;
  /** Failed attempts since the last good connection. */
  readonly attempt: number;
  /** When the next attempt starts (epoch ms), while waiting. */
  readonly retryAt: number | null;
  readonly lastError: string | null;
  /** Since when the stream is open, or since when it is down (epoch ms). */
  readonly since: number;
}

export interface SseClientOptions {
  readonly url: string;
  /** The events parsed from one network chunk, together: the consumer applies them in one batch. */
  readonly onMessages: (messages: readonly SseMessage[]) => void;
  readonly onState?: (state: StreamState) => void;
  /** A bearer token to send (streams are open by default; servers with protectReads need it). */
  readonly token?: () => string | null;
  readonly fetch?: typeof fetch;
  readonly backoff?: BackoffOptions;
  /** No bytes for this long: the connection is presumed dead and replaced. */
  readonly idleTimeoutMs?: number;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** The server sends a keep-alive comment every 15 s: three missed ones mean the link is gone. */
export const DEFAULT_IDLE_TIMEOUT_MS = 45_000;

export class SseClient {
  private readonly parser = new SseParser();
  private controller: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private serverRetryMs: number | undefined;
  private running = false;
  private generation = 0;
  private current: StreamState;
  private lastData: number | null = null;

  constructor(private readonly options: SseClientOptions) {
    this.current = { status: 'stopped', attempt: 0, retryAt: null, lastError: null, since: this.now() };
  }

  get state(): StreamState {
    return this.current;
  }

  /** The last time bytes arrived (epoch ms), keep-alives included. */
  get lastDataAt(): number | null {
    return this.lastData;
  }

  /** The id of the last event received: sent as Last-Event-ID on reconnect. */
  get lastEventId(): string {
    return this.parser.eventId;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.generation++;
    this.clearTimers();
    this.controller?.abort();
    this.controller = null;
    this.update({ status: 'stopped', retryAt: null });
  }

  /** Give up waiting and try now (the network came back, the token changed, the user asked). */
  reconnectNow(): void {
    if (!this.running) return;
    this.generation++;
    this.clearTimers();
    this.controller?.abort();
    this.controller = null;
    this.connect();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private update(patch: Partial<StreamState>): void {
    const next = { ...this.current, ...patch };
    // `since` marks the last change between up (open) and down: retries do not restart an outage.
    if ((next.status === 'open') !== (this.current.status === 'open')) next.since = this.now();
    this.current = next;
    this.options.onState?.(this.current);
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.retryTimer = null;
    this.idleTimer = null;
  }

  private connect(): void {
    const generation = ++this.generation;
    const controller = new AbortController();
    this.controller = controller;
    this.update({ status: 'connecting', retryAt: null });
    this.armIdle(generation, controller);
    const progress = { opened: false };
    void this.run(generation, controller, progress).then(
      (reason) => this.ended(generation, reason, undefined),
      // A TypeError from fetch is the network: say which side of "open" it happened on.
      (err: unknown) => this.ended(generation, undefined, err instanceof TypeError ? new Error(progress.opened ? 'the connection to the collector broke' : 'cannot reach the collector') : err),
    );
  }

  /** Reads the stream to its end; resolves with why it ended. */
  private async run(generation: number, controller: AbortController, progress: { opened: boolean }): Promise<string> {
    const headers: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache' };
    const id = this.parser.eventId;
    if (id !== '') headers['last-event-id'] = id;
    const token = this.options.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    const doFetch = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    const response = await doFetch(this.options.url, { headers, signal: controller.signal, cache: 'no-store' });
    if (generation !== this.generation) return 'superseded';
    if (response.status === 401) {
      void response.body?.cancel();
      throw new HttpStatusError(401, 'unauthorized: this server protects reads; enter the token');
    }
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'));
      void response.body?.cancel();
      throw new HttpStatusError(response.status, `HTTP ${response.status}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
    }
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream') || !response.body) {
      void response.body?.cancel();
      throw new Error(`not an event stream (${type || 'no content type'})`);
    }
    this.parser.reset();
    progress.opened = true;
    this.lastData = this.now();
    this.update({ status: 'open', attempt: 0, lastError: null });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (generation !== this.generation) {
        void reader.cancel();
        return 'superseded';
      }
      if (done) return 'the server closed the stream';
      // Not a state change: notifying on every chunk would re-render whoever shows the state.
      this.lastData = this.now();
      this.armIdle(generation, controller);
      const { messages, retryMs } = this.parser.feed(decoder.decode(value, { stream: true }));
      if (retryMs !== undefined) this.serverRetryMs = retryMs;
      if (messages.length > 0) this.deliver(messages);
    }
  }

  private deliver(messages: readonly SseMessage[]): void {
    try {
      this.options.onMessages(messages);
    } catch (err) {
      // A consumer's bug must not cost the connection (and a reconnect storm): report it, go on.
      console.error('SSE consumer failed on', this.options.url, err);
    }
  }

  private armIdle(generation: number, controller: AbortController): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (generation !== this.generation) return;
      this.idleTimer = null;
      controller.abort(new IdleTimeoutError());
    }, this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  }

  private ended(generation: number, reason: string | undefined, err: unknown): void {
    if (generation !== this.generation || !this.running) return;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.controller = null;
    const attempt = this.current.attempt + 1;
    const message = err === undefined ? (reason ?? 'ended') : describeError(err);
    const backoff = this.options.backoff ?? DEFAULT_BACKOFF;
    // The server's `retry:` is the least it asks for; our backoff grows from there.
    const initialMs = Math.max(backoff.initialMs, this.serverRetryMs ?? 0);
    let delay = backoffDelay(attempt, { ...backoff, initialMs, maxMs: Math.max(backoff.maxMs, initialMs) }, this.options.random);
    if (err instanceof HttpStatusError && err.retryAfterMs !== undefined) delay = Math.max(delay, err.retryAfterMs);
    const unauthorized = err instanceof HttpStatusError && err.status === 401;
    const retryAt = this.now() + delay;
    this.update({ status: unauthorized ? 'unauthorized' : 'waiting', attempt, retryAt, lastError: message });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (generation === this.generation && this.running) this.connect();
    }, delay);
  }
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

export class IdleTimeoutError extends Error {
  constructor() {
    super('no data from the server (not even a keep-alive): connection presumed dead');
    this.name = 'IdleTimeoutError';
  }
}

function describeError(err: unknown): string {
  if (err instanceof IdleTimeoutError) return err.message;
  if (err instanceof Error && err.name === 'AbortError') {
    return err.cause instanceof Error ? err.cause.message : 'aborted';
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
