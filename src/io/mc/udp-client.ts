import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { CommError } from '../errors.js';
import type { McClientOptions, McClientStats, McRequest, McSession } from './client.js';
import { McEndCodeError } from './codec/end-codes.js';
import { Mc1eEndCodeError } from './codec/end-codes-1e.js';
import { setRequestSerial } from './codec/frame.js';
import { decode1eResponse } from './codec/response-1e.js';
import { decodeResponse } from './codec/response.js';
import { createFrameSplitter } from './codec/splitter.js';

/**
 * MC over UDP: one frame per datagram, sent to the module from a bound local port.
 *
 * - There is no connection: "open" binds the socket (to `localPort` when the module is set to
 *   answer a fixed host port, as FX3 adapters are), and the device is OFFLINE only when requests
 *   go unanswered through the link's retries.
 * - Datagrams from any other address or port than the module's are ignored (counted `foreign`).
 * - 4E: requests carry serials; a late or duplicated reply has a serial nobody waits for and is
 *   dropped, so it never answers the wrong request. This is the combination to use over UDP.
 * - 3E and 1E have no serial: one request in flight; a timeout poisons the session, so the link
 *   binds a new socket (a new port unless `localPort` is fixed: then a reply that comes later than
 *   the retry could still be taken for the retry's, which is why 4E is advised). After each
 *   reply the next request waits one turn of the event loop, so duplicates already received are
 *   read (and dropped) before it goes out; a duplicate that arrives later than that would be
 *   taken for the next reply. Over a network that duplicates datagrams, use 4E.
 */
export interface McUdpClientOptions extends McClientOptions {
  /** Local port to bind; 0 or absent = any free port. */
  readonly localPort?: number | undefined;
}

interface Pending {
  readonly request: McRequest;
  readonly resolve: (data: Uint8Array) => void;
  readonly reject: (err: Error) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
  timer: NodeJS.Timeout | null;
  serial: number;
  sent: boolean;
}

export class McUdpClient implements McSession {
  readonly stats: McClientStats = { sent: 0, received: 0, discarded: 0, timeouts: 0, chunks: 0, foreign: 0 };
  private readonly inFlight = new Map<number, Pending>();
  private readonly queue: Pending[] = [];
  private readonly maxInFlight: number;
  private nextSerial = 1;
  private closedError: CommError | null = null;
  private readonly closedPromise: Promise<void>;
  private quiet = false;

  /** Bind the local socket; rejects with CommError CONNECT (address in use, unknown host). */
  static async open(options: McUdpClientOptions, signal?: AbortSignal): Promise<McUdpClient> {
    let address = options.host;
    let family: 4 | 6 = isIP(address) === 6 ? 6 : 4;
    if (isIP(address) === 0) {
      try {
        const found = await lookup(options.host);
        address = found.address;
        family = found.family === 6 ? 6 : 4;
      } catch (err) {
        throw new CommError('CONNECT', `cannot resolve ${options.host}: ${(err as Error).message}`, { cause: err });
      }
    }
    signal?.throwIfAborted();
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        socket.close();
        reject(new CommError('CONNECT', `cannot bind UDP port ${options.localPort ?? 0} for ${options.host}:${options.port}: ${err.message}`, { cause: err }));
      };
      socket.once('error', onError);
      socket.bind(options.localPort ?? 0, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    return new McUdpClient(socket, options, address);
  }

  private constructor(
    private readonly socket: Socket,
    private readonly options: McUdpClientOptions,
    private readonly address: string,
  ) {
    this.maxInFlight = options.frame === '4e' && options.pipeline ? Math.max(1, options.maxInFlight ?? 8) : 1;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    socket.on('error', (err) => this.shutdown(new CommError('SOCKET', `UDP socket for ${this.where} failed: ${err.message}`, { cause: err })));
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** The bound local port. */
  get localPort(): number {
    return this.socket.address().port;
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  request(request: McRequest, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const pending: Pending = { request, resolve, reject, signal, onAbort: null, timer: null, serial: 0, sent: false };
      if (signal) {
        pending.onAbort = () => this.abandon(pending, abortError(signal));
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.queue.push(pending);
      this.pump();
    });
  }

  close(): Promise<void> {
    this.shutdown(new CommError('CLOSED', `UDP session with ${this.where} closed by the client`));
    return this.closedPromise;
  }

  private get where(): string {
    return `udp://${this.options.host}:${this.options.port}`;
  }

  private pump(): void {
    while (!this.closedError && !this.quiet && this.inFlight.size < this.maxInFlight) {
      const pending = this.queue.shift();
      if (!pending) return;
      this.send(pending);
    }
  }

  /**
   * 3E/1E: after a reply, hold the next request for one turn of the event loop, so datagrams the
   * socket already holds (a duplicate of that reply) are read and dropped first. It narrows the
   * window; only 4E serials close it (see the class comment).
   */
  private pumpLater(): void {
    if (this.options.frame === '4e') return this.pump();
    if (this.quiet) return;
    this.quiet = true;
    setImmediate(() => {
      this.quiet = false;
      this.pump();
    });
  }

  private send(pending: Pending): void {
    let bytes = pending.request.frame;
    if (this.options.frame === '4e') {
      pending.serial = this.takeSerial();
      bytes = bytes.slice();
      setRequestSerial(bytes, this.options.encoding, pending.serial);
    }
    pending.sent = true;
    this.inFlight.set(pending.serial, pending);
    const timeoutMs = this.options.timeoutMs ?? 2_000;
    if (timeoutMs > 0) {
      pending.timer = setTimeout(() => {
        this.stats.timeouts++;
        this.abandon(pending, new CommError('TIMEOUT', `no reply from ${this.where} within ${timeoutMs} ms to ${pending.request.label}`));
      }, timeoutMs);
    }
    this.stats.sent++;
    this.socket.send(bytes, this.options.port, this.address, (err) => {
      if (err) this.abandon(pending, new CommError('SOCKET', `cannot send to ${this.where}: ${err.message}`, { cause: err }));
    });
  }

  private takeSerial(): number {
    for (;;) {
      const serial = this.nextSerial;
      this.nextSerial = serial >= 0xffff ? 1 : serial + 1;
      if (!this.inFlight.has(serial)) return serial;
    }
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.closedError) return;
    if (rinfo.address !== this.address || rinfo.port !== this.options.port) {
      this.stats.foreign = (this.stats.foreign ?? 0) + 1;
      return;
    }
    this.stats.chunks++;
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
    if (this.options.frame === '1e') this.on1e(bytes);
    else this.on3e4e(bytes);
  }

  /** A datagram is one whole reply; anything else (stale, duplicated, truncated) is dropped. */
  private on1e(bytes: Uint8Array): void {
    const pending = this.inFlight.get(0);
    const response = pending?.request.expect ? decode1eResponse(bytes, this.options.encoding, pending.request.expect) : null;
    if (!pending || response === null || response.kind === 'malformed' || response.size !== bytes.length) {
      this.stats.discarded++;
      return;
    }
    this.stats.received++;
    this.finish(pending);
    if (response.kind === 'ok') pending.resolve(response.data.slice());
    else pending.reject(new Mc1eEndCodeError(response.completeCode, response.abnormalCode, pending.request.label));
    this.pumpLater();
  }

  private on3e4e(bytes: Uint8Array): void {
    const splitter = createFrameSplitter({ encoding: this.options.encoding, direction: 'response', maxDataLength: this.options.maxDataLength });
    const frames = splitter.push(bytes);
    const split = frames[0];
    if (frames.length !== 1 || !split || splitter.buffered > 0) {
      this.stats.discarded++;
      return;
    }
    const response = decodeResponse(split, this.options.encoding);
    if (response.kind === 'malformed' || response.frame !== this.options.frame) {
      this.stats.discarded++;
      return;
    }
    const pending = this.inFlight.get(response.serial ?? 0);
    if (!pending) {
      this.stats.discarded++;
      return;
    }
    this.stats.received++;
    this.finish(pending);
    if (response.kind === 'ok') pending.resolve(response.data.slice());
    else pending.reject(new McEndCodeError(response.endCode, pending.request.label));
    this.pumpLater();
  }

  /** A request given up: 3E/1E poison the session (no serial to tell a late reply), 4E forgets the serial. */
  private abandon(pending: Pending, err: Error): void {
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) this.queue.splice(queued, 1);
    else if (this.inFlight.get(pending.serial) !== pending) return;
    this.finish(pending);
    pending.reject(err);
    if (pending.sent && this.options.frame !== '4e') {
      const frame = this.options.frame.toUpperCase();
      this.shutdown(new CommError('POISONED', `${frame} UDP session with ${this.where} closed: a late reply to ${pending.request.label} could be paired with the next request`));
    }
    this.pump();
  }

  private finish(pending: Pending): void {
    if (pending.timer) clearTimeout(pending.timer);
    if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
    if (pending.sent) this.inFlight.delete(pending.serial);
  }

  private shutdown(err: CommError): void {
    if (this.closedError) return;
    this.closedError = err;
    const all = [...this.inFlight.values(), ...this.queue.splice(0)];
    for (const pending of all) {
      this.finish(pending);
      pending.reject(err);
    }
    this.inFlight.clear();
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new CommError('ABORTED', 'request aborted');
}
