import type { Clock } from '../../clock.js';
import type { SseLimiter, StreamRequester } from './limiter.js';
import { SseClient } from './sse-client.js';
import { Ticker } from './ticker.js';
import { encodeFrame, KEEP_ALIVE, retryFrame } from './wire.js';

/** A broadcast event, serialised and encoded once, shared by every client's queue and the history ring. */
export interface HubMessage {
  readonly id: number;
  readonly event: string;
  readonly data: unknown;
  readonly bytes: Uint8Array;
}

const encoder = new TextEncoder();
const KEEP_ALIVE_BYTES = encoder.encode(KEEP_ALIVE);

export interface HubOptions {
  readonly name: string;
  readonly clock: Clock;
  readonly limiter: SseLimiter;
  readonly keepAliveMs: number;
  /** Broadcasts kept for Last-Event-ID resume. */
  readonly historySize: number;
  /** Frames a slow client may have waiting before the oldest is dropped. */
  readonly queueCapacity: number;
  /** After the last client leaves, keep producing this long so a reconnecting client can resume. */
  readonly lingerMs: number;
  readonly retryMs: number;
  /** The producer: started with the first client, stopped after the linger. */
  readonly onActive?: () => void;
  readonly onIdle?: () => void;
}

export interface OpenOptions {
  readonly lastEventId: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** The state now, for a client that cannot resume; the last frame carries the current id. */
  readonly snapshot: () => readonly { readonly event: string; readonly data: unknown }[];
  /** This client's view of a broadcast (a filter): the data to send, or null to skip it. */
  readonly view?: ((message: HubMessage) => unknown) | undefined;
  /** The remote address and token status, for the per-client cap and the reserve; none in-process. */
  readonly requester?: StreamRequester | undefined;
}

type Entry = SseClient & { view?: ((message: HubMessage) => unknown) | undefined };

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Reverse proxies (nginx) must not buffer a stream.
  'x-accel-buffering': 'no',
  'transfer-encoding': 'chunked',
};

/**
 * One SSE stream: its clients, monotonic event ids, a bounded history for Last-Event-ID resume,
 * keep-alive comments, and the producer's lifecycle. Ids start at the clock's epoch ms x 1000,
 * so a restarted server never reuses a recent id: a client resuming from a previous run gets a
 * fresh snapshot instead of a wrong replay.
 */
export class SseHub {
  private readonly clients = new Set<Entry>();
  private history: HubMessage[] = [];
  private lastId: number;
  private readonly keepAlive: Ticker;
  private lingerTimer: unknown = null;
  private active = false;
  private droppedByGone = 0;

  constructor(private readonly options: HubOptions) {
    this.lastId = Math.max(0, Math.floor(options.clock.now())) * 1000;
    this.keepAlive = new Ticker(options.clock, options.keepAliveMs, () => this.sendKeepAlive());
  }

  get name(): string {
    return this.options.name;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get producing(): boolean {
    return this.active;
  }

  get currentId(): number {
    return this.lastId;
  }

  broadcast(event: string, data: unknown, json: string = JSON.stringify(data)): HubMessage {
    const id = ++this.lastId;
    const message: HubMessage = { id, event, data, bytes: encoder.encode(encodeFrame({ id, event, data: json })) };
    this.history.push(message);
    if (this.history.length > this.options.historySize) this.history.splice(0, this.history.length - this.options.historySize);
    for (const client of this.clients) this.deliver(client, message);
    return message;
  }

  /** Open a client; throws the limiter's 503 when the cap is reached. */
  open(options: OpenOptions): Response {
    const release = this.options.limiter.acquire(options.requester);
    let client: Entry;
    try {
      // The slot goes back with the connection (onClose may run in the constructor: an aborted request).
      client = new SseClient({
        queueCapacity: this.options.queueCapacity,
        signal: options.signal,
        onClose: (c) => {
          release();
          this.remove(c);
        },
      });
    } catch (err) {
      release();
      throw err;
    }
    client.view = options.view;
    this.activate();
    // The opening frames go as one queue item, so a full queue never splits or drops a part of them.
    const opening: Uint8Array[] = [encoder.encode(retryFrame(this.options.retryMs))];
    const from = options.lastEventId;
    if (from !== undefined && this.canResume(from)) {
      for (const message of this.history) {
        const frame = message.id > from ? this.frameFor(client, message) : null;
        if (frame) opening.push(frame);
      }
    } else {
      const frames = options.snapshot();
      frames.forEach((f, i) => opening.push(encoder.encode(encodeFrame({ id: i === frames.length - 1 ? this.lastId : undefined, event: f.event, data: JSON.stringify(f.data) }))));
    }
    client.send(Buffer.concat(opening));
    if (client.closed) return new Response(null, { status: 499 });
    this.clients.add(client);
    this.keepAlive.start();
    return new Response(client.stream, { status: 200, headers: SSE_HEADERS });
  }

  /** Up to date, or everything missed is still in the history. */
  private canResume(from: number): boolean {
    if (from === this.lastId) return true;
    const oldest = this.history[0];
    return oldest !== undefined && from >= oldest.id - 1 && from < this.lastId;
  }

  private deliver(client: Entry, message: HubMessage): void {
    const frame = this.frameFor(client, message);
    if (frame !== null) client.send(frame);
  }

  /** The shared bytes, or the client's filtered view of the message (null: nothing for this client). */
  private frameFor(client: Entry, message: HubMessage): Uint8Array | null {
    if (!client.view) return message.bytes;
    const data = client.view(message);
    return data === null || data === undefined ? null : encoder.encode(encodeFrame({ id: message.id, event: message.event, data: JSON.stringify(data) }));
  }

  private sendKeepAlive(): void {
    for (const client of this.clients) if (client.queue.length === 0) client.send(KEEP_ALIVE_BYTES);
  }

  private activate(): void {
    if (this.lingerTimer !== null) {
      this.options.clock.clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
    }
    if (this.active) return;
    this.active = true;
    // Nothing was produced while idle: the history cannot bridge that gap.
    this.lastId++;
    this.history = [];
    this.options.onActive?.();
  }

  private remove(client: SseClient): void {
    if (this.clients.delete(client as Entry)) this.droppedByGone += client.queue.dropped;
    if (this.clients.size > 0 || !this.active || this.lingerTimer !== null) return;
    this.keepAlive.stop();
    const timer = this.options.clock.setTimeout(() => this.idle(), this.options.lingerMs);
    (timer as { unref?: () => void } | null)?.unref?.();
    this.lingerTimer = timer;
  }

  private idle(): void {
    this.lingerTimer = null;
    if (!this.active || this.clients.size > 0) return;
    this.active = false;
    this.options.onIdle?.();
  }

  stats(): { clients: number; dropped: number; queued: number } {
    let dropped = this.droppedByGone;
    let queued = 0;
    for (const c of this.clients) {
      dropped += c.queue.dropped;
      queued += c.queue.length;
    }
    return { clients: this.clients.size, dropped, queued };
  }

  /** End every client and the producer (server shutdown). */
  close(): void {
    for (const client of [...this.clients]) client.close();
    this.keepAlive.stop();
    if (this.lingerTimer !== null) this.options.clock.clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    if (this.active) {
      this.active = false;
      this.options.onIdle?.();
    }
  }
}
