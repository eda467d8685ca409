import { connect, type Socket } from 'node:net';
import { CommError } from '../errors.js';
import { McEndCodeError } from './codec/end-codes.js';
import { Mc1eEndCodeError } from './codec/end-codes-1e.js';
import { setRequestSerial } from './codec/frame.js';
import { create1eStreamReader, type Mc1eExpectation, type Mc1eResponse, type Mc1eStreamReader } from './codec/response-1e.js';
import { createResponseParser, type McResponse, type ResponseParser } from './codec/response.js';
import type { Encoding, FrameType } from './codec/wire.js';

/**
 * MC (SLMP) TCP client: sends framed requests, reads replies by their length field (through the
 * parser, never one reply per `data` event) and pairs them with their requests.
 *
 * - 3E has no serial: exactly one request is in flight. After a timeout or an abort of a sent
 *   request the connection is poisoned (a late reply would be taken for the next request's), so
 *   it is closed and later requests fail with CommError; the device link reconnects.
 * - 4E: each send gets a 2-byte serial. With `pipeline` several requests are in flight, matched
 *   by serial; a reply whose serial is unknown (its request timed out) is counted and dropped.
 * - 1E (FX3 adapters): no serial and no length field: one request in flight, its reply framed by
 *   what the request asked for (McRequest.expect); a timeout poisons the connection as on 3E.
 */

/** Frames a client speaks: the 3E/4E of SLMP, or the A-compatible 1E of the FX3 adapters. */
export type McFrame = FrameType | '1e';

/** What every MC session (TCP or UDP) offers the driver. */
export interface McSession {
  request(request: McRequest, signal?: AbortSignal): Promise<Uint8Array>;
  close(): Promise<void>;
  readonly closed: boolean;
  readonly stats: McClientStats;
}

export interface McClientOptions {
  readonly host: string;
  readonly port: number;
  readonly frame: McFrame;
  readonly encoding: Encoding;
  /** 4E only: allow several requests in flight. */
  readonly pipeline?: boolean | undefined;
  /** Requests in flight with pipelining (default 8). */
  readonly maxInFlight?: number | undefined;
  /** Per request, from send to reply; 0 = none (the caller's signal decides). Default 2,000 ms. */
  readonly timeoutMs?: number | undefined;
  /** Default 10,000 ms. */
  readonly connectTimeoutMs?: number | undefined;
  /** Cap of the response length field (see the splitter). */
  readonly maxDataLength?: number | undefined;
}

/** A request frame built once (encodeRequestFrame) and a label for errors. */
export interface McRequest {
  readonly frame: Uint8Array;
  readonly label: string;
  /** 1E: the reply the request waits for (its command and data length). */
  readonly expect?: Mc1eExpectation | undefined;
}

export interface McClientStats {
  sent: number;
  received: number;
  /** Replies nobody waited for (stale 4E serials). */
  discarded: number;
  timeouts: number;
  /** `data` events (datagrams over UDP): fewer than `received` when several replies came in one read. */
  chunks: number;
  /** UDP: datagrams from another address or port than the module's, ignored. */
  foreign?: number;
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

export class McClient implements McSession {
  readonly stats: McClientStats = { sent: 0, received: 0, discarded: 0, timeouts: 0, chunks: 0 };
  private readonly parser: ResponseParser | null;
  private readonly reader1e: Mc1eStreamReader | null;
  private readonly inFlight = new Map<number, Pending>();
  private readonly queue: Pending[] = [];
  private readonly maxInFlight: number;
  private nextSerial = 1;
  private closedError: CommError | null = null;
  private readonly closedPromise: Promise<void>;

  /** Connect; rejects with CommError (CONNECT, CONNECT_TIMEOUT, ABORTED). */
  static connect(options: McClientOptions, signal?: AbortSignal): Promise<McClient> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const socket = connect({ host: options.host, port: options.port, noDelay: true });
      const fail = (err: Error): void => {
        cleanup();
        socket.destroy();
        reject(err);
      };
      const onError = (err: Error): void => fail(new CommError('CONNECT', `cannot connect to ${options.host}:${options.port}: ${err.message}`, { cause: err }));
      const onAbort = (): void => fail(abortError(signal));
      const timer = setTimeout(() => fail(new CommError('CONNECT_TIMEOUT', `no connection to ${options.host}:${options.port} within ${options.connectTimeoutMs ?? 10_000} ms`)), options.connectTimeoutMs ?? 10_000);
      const cleanup = (): void => {
        clearTimeout(timer);
        socket.off('error', onError);
        signal?.removeEventListener('abort', onAbort);
      };
      socket.once('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        cleanup();
        resolve(new McClient(socket, options));
      });
    });
  }

  private constructor(
    private readonly socket: Socket,
    private readonly options: McClientOptions,
  ) {
    this.parser = options.frame === '1e' ? null : createResponseParser({ encoding: options.encoding, maxDataLength: options.maxDataLength });
    this.reader1e = options.frame === '1e' ? create1eStreamReader(options.encoding) : null;
    this.maxInFlight = options.frame === '4e' && options.pipeline ? Math.max(1, options.maxInFlight ?? 8) : 1;
    socket.setKeepAlive(true, 10_000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code === 'ECONNRESET' ? 'RESET' : 'SOCKET';
      this.shutdown(new CommError(code, `connection to ${this.where} failed: ${err.message}`, { cause: err }));
    });
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once('close', () => this.shutdown(new CommError('CLOSED', `connection to ${this.where} closed`)));
  }

  /** True once the connection is closed or poisoned: the device link then opens a new one. */
  get closed(): boolean {
    return this.closedError !== null;
  }

  /**
   * Send a request; resolves with the response data (after the end code, in the frame's
   * encoding). Rejects with McEndCodeError for a non-zero end code, CommError otherwise.
   */
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

  /** Close the connection; pending requests fail with CommError CLOSED. */
  close(): Promise<void> {
    this.shutdown(new CommError('CLOSED', `connection to ${this.where} closed by the client`));
    return this.closedPromise;
  }

  private get where(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  private pump(): void {
    while (!this.closedError && this.inFlight.size < this.maxInFlight) {
      const pending = this.queue.shift();
      if (!pending) return;
      this.send(pending);
    }
  }

  private send(pending: Pending): void {
    let bytes = pending.request.frame;
    if (this.options.frame === '4e') {
      pending.serial = this.takeSerial();
      // A copy: the template is shared by every execution of the plan, and the socket may hold
      // the buffer until it is flushed.
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
    this.socket.write(bytes);
  }

  /** 1..65535, skipping serials still in flight (a stale reply must never match a new request). */
  private takeSerial(): number {
    for (;;) {
      const serial = this.nextSerial;
      this.nextSerial = serial >= 0xffff ? 1 : serial + 1;
      if (!this.inFlight.has(serial)) return serial;
    }
  }

  private onData(chunk: Buffer): void {
    this.stats.chunks++;
    if (this.reader1e) return this.onData1e(this.reader1e, chunk);
    const responses = this.parser!.push(chunk);
    for (const response of responses) {
      if (this.closedError) return;
      this.onResponse(response);
    }
    this.pump();
  }

  /**
   * 1E: the one request in flight says how long its reply is. Bytes beyond that reply arrived
   * before the next request was even sent: nobody waits for them, so the stream is broken (they
   * must never be read as the next request's reply).
   */
  private onData1e(reader: Mc1eStreamReader, chunk: Buffer): void {
    reader.append(chunk);
    const pending = this.inFlight.get(0);
    const response = pending ? reader.next(pending.request.expect ?? { command: -1, replyLength: 0 }) : null;
    if (pending && response) this.settle1e(pending, response);
    if (this.closedError) return;
    if ((!pending || response) && reader.buffered > 0) return this.broken(`${reader.buffered} bytes from ${this.where} with no request waiting`);
    this.pump();
  }

  private settle1e(pending: Pending, response: Mc1eResponse): void {
    if (response.kind === 'malformed') return this.broken(`malformed reply from ${this.where}: ${response.reason}`);
    this.stats.received++;
    this.finish(pending);
    if (response.kind === 'ok') pending.resolve(response.data);
    else pending.reject(new Mc1eEndCodeError(response.completeCode, response.abnormalCode, pending.request.label));
  }

  private broken(reason: string): void {
    this.shutdown(new CommError('MALFORMED', reason));
    this.socket.destroy();
  }

  private onResponse(response: McResponse): void {
    if (response.kind === 'malformed') {
      // No way to find the next frame boundary: the stream is lost.
      this.shutdown(new CommError('MALFORMED', `malformed reply from ${this.where}: ${response.reason}`));
      this.socket.destroy();
      return;
    }
    this.stats.received++;
    if (response.frame !== this.options.frame) {
      this.shutdown(new CommError('MALFORMED', `${response.frame.toUpperCase()} reply on a ${this.options.frame.toUpperCase()} connection to ${this.where}`));
      this.socket.destroy();
      return;
    }
    const pending = this.inFlight.get(response.serial ?? 0);
    if (!pending) {
      this.stats.discarded++;
      return;
    }
    this.finish(pending);
    if (response.kind === 'ok') pending.resolve(response.data);
    else pending.reject(new McEndCodeError(response.endCode, pending.request.label));
  }

  /** A request given up (timeout, abort): 3E poisons the connection, 4E forgets the serial. */
  private abandon(pending: Pending, err: Error): void {
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) this.queue.splice(queued, 1);
    else if (this.inFlight.get(pending.serial) !== pending) return;
    this.finish(pending);
    pending.reject(err);
    if (pending.sent && this.options.frame !== '4e') {
      const frame = this.options.frame.toUpperCase();
      this.shutdown(new CommError('POISONED', `${frame} connection to ${this.where} closed: a late reply to ${pending.request.label} could be paired with the next request`));
      this.socket.destroy();
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
    this.parser?.reset();
    this.reader1e?.reset();
    this.socket.end();
    // A peer that never answers our FIN must not keep the socket open.
    setTimeout(() => this.socket.destroy(), 1_000).unref();
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new CommError('ABORTED', 'request aborted');
}
