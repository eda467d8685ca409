import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { create1eRequestSplitter, type Mc1eRequestResult } from '../codec/requests-1e-reader.js';
import { createFrameSplitter, type SplitFrame } from '../codec/splitter.js';
import type { Encoding } from '../codec/wire.js';
import type { McSeries } from '../devices.js';
import type { McLimits } from '../limits.js';
import type { McFaults } from './faults.js';
import { respond1e, respond1eUnsupported, respond3e } from './respond.js';
import type { McMemory } from './memory.js';

/**
 * The simulated module's TCP side: one encoding per listener (like a real module port), 3E and
 * 4E frames or 1E frames (an FX3 adapter's port), requests processed one at a time per connection, and the fault switches applied on
 * the way out. A frame in the other encoding gets no answer at all, as on real modules.
 */

export interface McServerOptions {
  readonly encoding: Encoding;
  readonly series: McSeries;
  readonly memory: McMemory;
  readonly faults: McFaults;
  readonly limits: McLimits;
  /** Which frames the port speaks: 3E and 4E (a Q/L/iQ-R/FX5 port) or 1E (an FX3 adapter). */
  readonly frames: '3e4e' | '1e';
}

export interface McServerStats {
  /** Connections open now (answered ones). */
  connections: number;
  accepted: number;
  /** Connections over maxConnections (reset, closed or ignored). */
  rejected: number;
  requests: number;
  /** Replies written (or started, with resetMidReply). */
  replies: number;
  /** Replies ready after their connection was gone (a stale reply to a client that gave up). */
  unsent: number;
  /** Frames that were not requests in this listener's encoding: no answer. */
  ignored: number;
  /** Most requests one connection had waiting or in processing at once (pipelining seen). */
  maxPipelined: number;
}

type Split = Extract<SplitFrame, { kind: 'frame' }>;

export class McServer {
  readonly stats: McServerStats = { connections: 0, accepted: 0, rejected: 0, requests: 0, replies: 0, unsent: 0, ignored: 0, maxPipelined: 0 };
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly extra = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: McServerOptions) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listen; port 0 picks a free port. Resolves with the bound port. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stop listening, drop every connection and pending reply. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of [...this.sockets, ...this.extra]) socket.destroy();
    await closed;
  }

  /** Close every open connection (FIN), e.g. to test reconnects; the listener stays. */
  dropConnections(): void {
    for (const socket of [...this.sockets, ...this.extra]) socket.destroy();
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    socket.on('error', () => {}); // a client reset is normal here
    const { faults } = this.options;
    if (this.sockets.size >= faults.maxConnections) {
      this.stats.rejected++;
      if (faults.excessConnection === 'reset') {
        socket.resetAndDestroy();
        return;
      }
      // Tracked and read either way: a refused client's EOF must be consumed for the socket to
      // close, and close()/dropConnections() must be able to destroy it.
      this.extra.add(socket);
      socket.on('data', () => {});
      socket.once('close', () => this.extra.delete(socket));
      if (faults.excessConnection === 'close') socket.end();
      return;
    }
    this.sockets.add(socket);
    this.stats.accepted++;
    this.stats.connections = this.sockets.size;
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.stats.connections = this.sockets.size;
    });
    this.serve(socket);
  }

  private serve(socket: Socket): void {
    const splitter = createFrameSplitter({ encoding: this.options.encoding, direction: 'request' });
    let processing: Promise<void> = Promise.resolve();
    let writing: Promise<void> = Promise.resolve();
    let held: Uint8Array[] = [];
    let holdTimer: NodeJS.Timeout | null = null;
    let queued = 0;

    const write = (bytes: Uint8Array): void => {
      writing = writing.then(() => this.writeReply(socket, bytes)).catch(() => {});
    };
    const flush = (): void => {
      if (holdTimer) this.clear(holdTimer);
      holdTimer = null;
      if (held.length > 0) write(concat(held));
      held = [];
    };
    const send = (reply: Uint8Array): void => {
      const n = this.options.faults.coalesceReplies;
      if (n <= 1) return write(reply);
      held.push(reply);
      if (held.length >= n) flush();
      else holdTimer ??= this.later(flush, 250);
    };

    const enqueue = (request: Split | Mc1eRequestResult): void => {
      this.stats.requests++;
      this.stats.maxPipelined = Math.max(this.stats.maxPipelined, ++queued);
      processing = processing
        .then(() => this.process(request, send))
        .catch(() => {})
        .finally(() => queued--);
    };
    if (this.options.frames === '1e') {
      const splitter1e = create1eRequestSplitter(this.options.encoding);
      socket.on('data', (chunk: Buffer) => {
        for (const request of splitter1e.push(chunk)) {
          // An unknown command cannot be framed: the adapter answers 50H and the rest is lost.
          if (request.kind === 'malformed' && request.command < 0) this.stats.ignored++;
          else enqueue(request);
        }
      });
      return;
    }
    socket.on('data', (chunk: Buffer) => {
      for (const frame of splitter.push(chunk)) {
        if (frame.kind === 'malformed') {
          this.stats.ignored++;
          continue;
        }
        enqueue(frame);
      }
    });
  }

  /** One request: the scan wait (serial per connection), then the reply, maybe delayed (not serial). */
  private async process(request: Split | Mc1eRequestResult, send: (reply: Uint8Array) => void): Promise<void> {
    const { faults } = this.options;
    if (faults.silent) return;
    if (faults.scanMs > 0) await this.sleep(faults.scanMs);
    const reply =
      request.kind === 'frame' ? respond3e(request, this.options) : request.kind === 'request' ? respond1e(request.request, this.options) : respond1eUnsupported(request.command, this.options);
    if (reply.delayMs > 0) this.later(() => send(reply.bytes), reply.delayMs);
    else send(reply.bytes);
  }

  private async writeReply(socket: Socket, bytes: Uint8Array): Promise<void> {
    const { faults } = this.options;
    if (faults.silent) return;
    if (socket.destroyed) {
      this.stats.unsent++;
      return;
    }
    this.stats.replies++;
    if (faults.resetMidReply) {
      const half = bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)));
      await new Promise<void>((resolve) => socket.write(half, () => resolve()));
      await this.sleep(5); // let the half reach the client before the RST
      if (!socket.destroyed) socket.resetAndDestroy();
      return;
    }
    const size = faults.splitReplies;
    if (size <= 0 || size >= bytes.length) {
      socket.write(bytes);
      return;
    }
    for (let at = 0; at < bytes.length && !socket.destroyed; at += size) {
      socket.write(bytes.subarray(at, at + size));
      await this.sleep(1);
    }
  }

  private later(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private clear(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(resolve, ms));
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
