import { LatestWinsQueue } from './client-queue.js';

const encoder = new TextEncoder();

export interface SseClientOptions {
  readonly queueCapacity: number;
  /** The request's signal: aborted when the client goes away. */
  readonly signal?: AbortSignal | undefined;
  /** Called exactly once when the connection ends, whoever ends it. */
  readonly onClose: (client: SseClient) => void;
}

/**
 * One SSE connection: a bounded queue drained by a pull-based ReadableStream. The stream asks for
 * the next chunk only when the consumer (the socket writer) has taken the previous one, so the
 * write side is always awaited and a slow reader costs at most `queueCapacity` frames (shared
 * strings) plus one chunk in the socket buffer. Disconnects arrive as a stream cancel or an
 * aborted request signal; both run the same idempotent cleanup.
 */
export class SseClient {
  readonly queue: LatestWinsQueue<Uint8Array>;
  readonly stream: ReadableStream<Uint8Array>;
  private finished = false;
  private readonly onAbort = (): void => this.finish();

  constructor(private readonly options: SseClientOptions) {
    this.queue = new LatestWinsQueue<Uint8Array>(options.queueCapacity, (items) => Buffer.concat(items));
    this.stream = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const chunk = await this.queue.take();
          if (chunk === null) {
            controller.close();
            this.finish();
            return;
          }
          controller.enqueue(chunk);
        },
        cancel: () => this.finish(),
      },
      // No read-ahead: pull runs only when the consumer asks, which is the backpressure.
      { highWaterMark: 0 },
    );
    if (options.signal?.aborted) this.finish();
    else options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get closed(): boolean {
    return this.finished;
  }

  /** A frame; broadcasts pass bytes encoded once and shared by every client (never mutated). */
  send(frame: string | Uint8Array): void {
    this.queue.push(typeof frame === 'string' ? encoder.encode(frame) : frame);
  }

  /** Server side end (shutdown): the stream closes after the pull that is waiting. */
  close(): void {
    this.queue.close();
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.queue.close();
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.options.onClose(this);
  }
}
