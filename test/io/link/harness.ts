import pino from 'pino';
import { SimulatedClock } from 'xstate';
import type { DeviceState, DeviceStatus } from '../../../src/io/driver.js';
import { CommError } from '../../../src/io/errors.js';
import { createDeviceLink } from '../../../src/io/link/device-link.js';
import type { DeviceLink, LinkJob, LinkOptions, LinkTransport } from '../../../src/io/link/types.js';

/** Test doubles for the device link: a transport and jobs whose every step the test decides. */

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Let promise callbacks run (no timers, no real time). */
export async function flush(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

/** Advance simulated time in 1 ms steps, letting promises settle between steps. */
export async function advance(clock: SimulatedClock, ms: number): Promise<void> {
  await flush();
  for (let i = 0; i < ms; i++) {
    clock.increment(1);
    await flush();
  }
}

export interface FakeSession {
  readonly id: number;
  /** Closed by the link (transport.close). */
  closed: boolean;
  /** Closed by the peer (isClosed reports it). */
  peerClosed: boolean;
}

export interface OpenCall {
  readonly signal: AbortSignal;
  readonly result: Deferred<FakeSession>;
  readonly at: number;
}

/**
 * `mode` decides how open() answers: `manual` leaves each call pending for the test,
 * `accept` connects at once, `refuse` rejects with ECONNREFUSED.
 */
export class FakeTransport implements LinkTransport<FakeSession> {
  mode: 'manual' | 'accept' | 'refuse' = 'accept';
  readonly opens: OpenCall[] = [];
  readonly sessions: FakeSession[] = [];
  readonly closes: FakeSession[] = [];
  constructor(private readonly clock: SimulatedClock) {}

  open(signal: AbortSignal): Promise<FakeSession> {
    const call: OpenCall = { signal, result: deferred<FakeSession>(), at: this.clock.now() };
    this.opens.push(call);
    if (this.mode === 'accept') call.result.resolve(this.newSession());
    if (this.mode === 'refuse') call.result.reject(new CommError('ECONNREFUSED', 'connect ECONNREFUSED'));
    return call.result.promise;
  }

  newSession(): FakeSession {
    const session = { id: this.sessions.length + 1, closed: false, peerClosed: false };
    this.sessions.push(session);
    return session;
  }

  /** When set, close() finishes only when the test resolves it (a slow or hung close). */
  closeGate: Deferred<void> | null = null;

  async close(session: FakeSession): Promise<void> {
    session.closed = true;
    this.closes.push(session);
    if (this.closeGate) await this.closeGate.promise;
  }

  isClosed(session: FakeSession): boolean {
    return session.peerClosed;
  }
}

export interface JobCall {
  readonly session: FakeSession;
  readonly signal: AbortSignal;
  readonly result: Deferred<string>;
  readonly at: number;
  readonly label: string;
}

/** Jobs that record each attempt and wait for the test to answer it. */
export class JobScript {
  readonly calls: JobCall[] = [];
  constructor(private readonly clock: SimulatedClock) {}

  job(label: string): LinkJob<FakeSession, string> {
    return (session, signal) => {
      const call: JobCall = { session, signal, result: deferred<string>(), at: this.clock.now(), label };
      this.calls.push(call);
      return call.result.promise;
    };
  }

  last(): JobCall {
    const call = this.calls.at(-1);
    if (!call) throw new Error('no job call yet');
    return call;
  }
}

/** Captures a promise's outcome without an unhandled rejection. */
export interface Outcome<T> {
  settled: boolean;
  value?: T;
  error?: unknown;
}

export function watch<T>(promise: Promise<T>): Outcome<T> {
  const outcome: Outcome<T> = { settled: false };
  promise.then(
    (value) => Object.assign(outcome, { settled: true, value }),
    (error: unknown) => Object.assign(outcome, { settled: true, error }),
  );
  return outcome;
}

export interface LogLine {
  level: number;
  msg: string;
  device?: string;
  state?: string;
  [key: string]: unknown;
}

export interface Harness {
  clock: SimulatedClock;
  transport: FakeTransport;
  jobs: JobScript;
  link: DeviceLink<FakeSession>;
  logs: LogLine[];
  statuses: { status: DeviceStatus; previous: DeviceState }[];
}

export const BASE_OPTIONS: LinkOptions = {
  name: 'plc1',
  connectTimeoutMs: 1000,
  requestTimeoutMs: 100,
  retries: 2,
  retryDelayMs: 50,
  reconnectInitialMs: 500,
  reconnectMaxMs: 4000,
};

export function harness(options: Partial<LinkOptions> = {}, random: () => number = () => 0.5): Harness {
  const clock = new SimulatedClock();
  clock.set(1_700_000_000_000);
  const transport = new FakeTransport(clock);
  const jobs = new JobScript(clock);
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const link = createDeviceLink(transport, { ...BASE_OPTIONS, ...options }, { logger, clock, random });
  const statuses: Harness['statuses'] = [];
  link.onStatus((status, previous) => statuses.push({ status, previous }));
  return { clock, transport, jobs, link, logs, statuses };
}
