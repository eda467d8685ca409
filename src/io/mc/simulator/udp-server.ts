import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { decode1eRequest } from '../codec/requests-1e-reader.js';
import { createFrameSplitter } from '../codec/splitter.js';
import type { McServerOptions, McServerStats } from './server.js';
import { respond1e, respond1eUnsupported, respond3e, type SimReply } from './respond.js';

/**
 * The simulated module's UDP side: one request per datagram, one reply datagram to the sender's
 * address and port (MELSEC Ethernet modules and the FX3 adapters answer where the request came
 * from, or to a fixed "host station port" the client must then bind: the `localPort` option).
 * Requests are processed one at a time in arrival order, like one PLC scan serving them.
 * Fault switches: silent, scanMs, replyDelayMs (late replies), wrongSerial, dropRequests,
 * duplicateReplies, replyFromOtherPort.
 */
export class McUdpServer {
  readonly stats: McServerStats = { connections: 0, accepted: 0, rejected: 0, requests: 0, replies: 0, unsent: 0, ignored: 0, maxPipelined: 0 };
  /** Datagrams dropped by the dropRequests fault. */
  dropped = 0;
  private readonly socket: Socket;
  private other: Socket | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private processing: Promise<void> = Promise.resolve();
  private closed = false;
  /** Requests received and not yet answered (or given up): the client's requests in flight. */
  private waiting = 0;

  constructor(private readonly options: McServerOptions) {
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    this.socket.on('error', () => {});
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(port, host, () => {
        this.socket.off('error', reject);
        resolve(this.socket.address().port);
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const sockets = [this.socket, this.other].filter((s): s is Socket => s !== null);
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const { faults } = this.options;
    if (faults.dropRequests > 0) {
      faults.dropRequests--;
      this.dropped++;
      return;
    }
    const reply = this.decode(new Uint8Array(msg.buffer, msg.byteOffset, msg.length));
    if (reply === null) {
      this.stats.ignored++;
      return;
    }
    this.stats.requests++;
    this.stats.maxPipelined = Math.max(this.stats.maxPipelined, ++this.waiting);
    this.processing = this.processing
      .then(async () => {
        if (faults.silent) {
          this.waiting--;
          return;
        }
        if (faults.scanMs > 0) await this.sleep(faults.scanMs);
        const r = reply();
        const answer = (): void => {
          this.waiting--;
          this.send(r.bytes, rinfo);
        };
        if (r.delayMs > 0) this.later(answer, r.delayMs);
        else answer();
      })
      .catch(() => {});
  }

  /** A datagram holds exactly one request frame, or it is ignored (no answer, as a module does). */
  private decode(bytes: Uint8Array): (() => SimReply) | null {
    const { options } = this;
    if (options.frames === '1e') {
      const result = decode1eRequest(bytes, options.encoding);
      if (result === null) return null;
      if (result.kind === 'malformed') return result.command < 0 ? null : () => respond1eUnsupported(result.command, options);
      if (result.size !== bytes.length) return null;
      return () => respond1e(result.request, options);
    }
    const frames = createFrameSplitter({ encoding: options.encoding, direction: 'request' });
    const out = frames.push(bytes);
    const frame = out[0];
    if (out.length !== 1 || frame?.kind !== 'frame' || frames.buffered > 0) return null;
    return () => respond3e(frame, options);
  }

  private send(bytes: Uint8Array, to: RemoteInfo): void {
    if (this.closed || this.options.faults.silent) return;
    const { faults } = this.options;
    let socket = this.socket;
    if (faults.replyFromOtherPort) {
      this.other ??= createSocket('udp4').on('error', () => {});
      socket = this.other;
    }
    const copies = faults.duplicateReplies ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.stats.replies++;
      socket.send(bytes, to.port, to.address);
    }
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(resolve, ms));
  }
}
