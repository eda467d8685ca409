import { Piscina } from 'piscina';
import { errorMessage } from '../../errors.js';
import { fromWire, SinkError, type WireError } from './sink-error.js';

/**
 * A pool of writers for a networked sink, each owning ONE database connection. Two ways to
 * run it behind one interface: worker threads (piscina, production: a slow database round
 * trip or a large bind never blocks the event loop that polls the PLCs), or in-process
 * handlers (tests with a fake driver, where a worker thread could not receive the fake).
 */

export type WorkerReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

/** What runs inside one writer: its own connection, one task at a time. */
export interface WriterHandler<Task> {
  handle(task: Task): Promise<WorkerReply<unknown>>;
  /** Close the connection (best effort). */
  close(): Promise<void>;
}

export interface WriterPool<Task> {
  readonly size: number;
  /** Run a task on a free writer; a failure arrives as a SinkError. */
  run<T>(task: Task): Promise<T>;
  /** Close every writer's connection, then stop the writers. */
  destroy(closeTask: Task): Promise<void>;
}

function unwrap<T>(reply: WorkerReply<unknown>): T {
  if (reply.ok) return reply.value as T;
  throw fromWire(reply.error);
}

/** Writers in piscina worker threads; `workerData` carries the settings (never logged). */
export class ThreadWriterPool<Task> implements WriterPool<Task> {
  private readonly pool: Piscina;
  private closed = false;

  constructor(
    readonly size: number,
    file: { filename: string; execArgv: string[] },
    workerData: unknown,
  ) {
    this.pool = new Piscina({
      filename: file.filename,
      execArgv: file.execArgv,
      minThreads: size,
      maxThreads: size,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData,
    });
  }

  async run<T>(task: Task): Promise<T> {
    if (this.closed) throw new SinkError('SINK_CLOSED', 'the sink is closed', false);
    let reply: WorkerReply<unknown>;
    try {
      reply = (await this.pool.run(task)) as WorkerReply<unknown>;
    } catch (err) {
      // The worker itself failed (it crashed, or piscina was destroyed): piscina replaces the
      // thread, and the batch is still with the caller, so retrying is safe.
      throw new SinkError('SINK_UNKNOWN', `writer thread failed: ${errorMessage(err)}`, true, null, { cause: err });
    }
    return unwrap<T>(reply);
  }

  async destroy(closeTask: Task): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // One close task per writer, submitted together: each idle thread takes one, so every
    // connection says goodbye to the server instead of vanishing with its thread.
    const closing = Array.from({ length: this.size }, () => this.pool.run(closeTask).catch(() => undefined));
    await Promise.all(closing);
    await this.pool.destroy();
  }
}

/** Writers in this thread (tests): the same handler code, a fake driver injected. */
export class InlineWriterPool<Task> implements WriterPool<Task> {
  private readonly idle: WriterHandler<Task>[];
  private readonly all: WriterHandler<Task>[];
  private readonly waiting: ((h: WriterHandler<Task>) => void)[] = [];
  private closed = false;

  constructor(
    readonly size: number,
    create: (index: number) => WriterHandler<Task>,
  ) {
    this.all = Array.from({ length: size }, (_, i) => create(i));
    this.idle = [...this.all];
  }

  async run<T>(task: Task): Promise<T> {
    if (this.closed) throw new SinkError('SINK_CLOSED', 'the sink is closed', false);
    const handler = this.idle.pop() ?? (await new Promise<WriterHandler<Task>>((resolve) => this.waiting.push(resolve)));
    try {
      return unwrap<T>(await handler.handle(task));
    } finally {
      const next = this.waiting.shift();
      if (next) next(handler);
      else this.idle.push(handler);
    }
  }

  async destroy(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.all.map((h) => h.close().catch(() => undefined)));
  }
}
