import { getEventListeners } from 'node:events';
import type { Logger } from 'pino';
import { createActor, fromPromise, type Actor, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { systemClock, type Clock } from '../../clock.js';
import { createDeviceLinkMachine, type DeviceLinkState } from '../../machines/deviceLink.js';
import type { DeviceState, DeviceStatus } from '../driver.js';
import { CommError, describeError } from '../errors.js';
import { classifyFailure, DeviceOfflineError, LinkErrorCode } from './errors.js';
import { JobQueue } from './job-queue.js';
import { resolveLinkOptions, type ResolvedLinkOptions } from './options.js';
import type { DeviceLink, LinkJob, LinkOptions, LinkTransport } from './types.js';

export interface DeviceLinkDeps {
  readonly logger: Logger;
  /** The actor clock (SimulatedClock in tests). Default: the system clock. */
  readonly clock?: Clock;
  /** Random in [0, 1) for the reconnect jitter; tests pin it. Default: Math.random. */
  readonly random?: () => number;
  /** XState inspection (the panel's statechart view of each device's connection). */
  readonly inspect?: ((event: InspectionEvent) => void) | undefined;
}

/**
 * One link per device: a FIFO of jobs run on one shared session, with timeouts, retries and
 * reconnect backoff. The connection lifecycle (connect, retry wait, backoff, device state) is the
 * pure `deviceLink` machine; this class owns the queue and the job attempts and reports their
 * outcomes to it. See src/machines/deviceLink.ts for the states.
 *
 * What a job's error means to the link:
 * - CommError (or a raw socket error such as ECONNRESET), or no reply within requestTimeoutMs:
 *   the session is closed (a late reply would be read as the next request's answer), then after
 *   retryDelayMs the job runs again on a new session, up to `retries` more times. When the link
 *   gives up, the device is OFFLINE and every waiting job fails with DeviceOfflineError.
 * - DeviceError: the device answered; the caller gets it at once, the session stays, ERROR.
 * - anything else is a bug in the job: the caller gets it, nothing else changes.
 * Waiting jobs are bounded by the connect timeout and the retries (each failed connect counts),
 * and by the caller's own signal.
 * Status: ONLINE only once a job succeeds (a connect alone proves nothing); lastError keeps the
 * last error seen, also after recovery, as a diagnostic, with lastErrorAt so that nobody reads an
 * error from before a recovery as current. A refused address (DeviceError.addressRefused) is a
 * device answer: ONLINE, and not a lastError (the read plan reports it per tag).
 */
export function createDeviceLink<S>(transport: LinkTransport<S>, options: LinkOptions, deps: DeviceLinkDeps): DeviceLink<S> {
  return new Link(transport, resolveLinkOptions(options), deps);
}

/** A queued or running job. `run` resolves with a thunk that delivers the caller's typed value. */
interface Job<S> {
  readonly seq: number;
  readonly run: (session: S, signal: AbortSignal) => Promise<() => void>;
  readonly reject: (err: unknown) => void;
  readonly signal: AbortSignal | undefined;
  /** Attempts of this job that failed with a comm error or timeout. */
  failures: number;
  /** The attempt in flight; a settle from any other (abandoned) attempt is ignored. */
  attempt: Attempt | null;
  done: boolean;
}

/** The jobs waiting on one caller signal, and the single listener the link put on it. */
interface Watched<S> {
  readonly jobs: Set<Job<S>>;
  readonly onAbort: () => void;
}

interface Attempt {
  readonly controller: AbortController;
  timer: unknown;
}

type LinkMachine<S> = ReturnType<typeof createDeviceLinkMachine<S>>;

class Link<S> implements DeviceLink<S> {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly actor: Actor<LinkMachine<S>>;
  private readonly queue = new JobQueue<Job<S>>();
  private readonly running = new Set<Job<S>>();
  private readonly listeners = new Set<(status: DeviceStatus, previous: DeviceState) => void>();
  /**
   * One abort listener per caller signal, not per job: a driver sends a whole read plan (dozens
   * of jobs) under one poll signal, and Node warns past 10 listeners on one AbortSignal.
   */
  private readonly watched = new Map<AbortSignal, Watched<S>>();
  private seq = 0;
  private lastReadingAt: number | null = null;
  private reportedState: DeviceState = 'UNKNOWN';
  private machineState: DeviceLinkState = 'disconnected';
  /** The last transport.close in flight (capped), awaited before the next open. */
  private sessionClosing: Promise<void> = Promise.resolve();
  /** Set first thing in close(), so nothing queued or pumped while shutting down. */
  private stopped = false;
  private closed: Promise<void> | null = null;
  private pumping = false;
  private pumpAgain = false;
  /** A clean controller from a settled attempt, reused by the next one (see recycle()). */
  private spare: AbortController | null = null;

  constructor(
    private readonly transport: LinkTransport<S>,
    private readonly opts: ResolvedLinkOptions,
    deps: DeviceLinkDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.log = deps.logger.child({ device: opts.name });
    const machine = createDeviceLinkMachine<S>().provide({
      actors: { open: fromPromise<S>(({ signal }) => this.openSession(signal)) },
      actions: {
        closeSession: (_args, { session }) => {
          if (session !== null) this.closeSession(session);
        },
      },
    });
    const clock = this.clock;
    this.actor = createActor(machine, {
      clock,
      // The device name is the actor's id, so the inspector can say which link is which.
      id: `link:${opts.name}`,
      input: { ...opts, now: () => clock.now(), random: deps.random ?? Math.random },
      ...(deps.inspect ? { inspect: deps.inspect } : {}),
    });
    // An observer that throws would surface as an uncaught exception (XState reports it on a
    // timer) and take the collector down, hence the guard.
    this.actor.subscribe({
      next: (snap) => this.guard('snapshot', () => this.onSnapshot(snap)),
      error: (err) => this.onMachineCrash(err),
    });
    this.actor.start();
  }

  execute<T>(job: LinkJob<S, T>, signal?: AbortSignal): Promise<T> {
    if (this.stopped) return Promise.reject(this.closedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    // Fail fast in backoff: no queue growth, no connect; the backoff timer alone decides when.
    if (this.machineState === 'backoff') return Promise.reject(this.offlineError());
    return new Promise<T>((resolve, reject) => {
      const entry: Job<S> = {
        seq: this.seq++,
        run: (session, attemptSignal) => Promise.resolve(job(session, attemptSignal)).then((value) => () => resolve(value)),
        reject,
        signal,
        failures: 0,
        attempt: null,
        done: false,
      };
      if (signal) this.watch(entry, signal);
      this.queue.push(entry);
      this.pump();
    });
  }

  status(): DeviceStatus {
    const { deviceState, lastError, lastErrorAt } = this.actor.getSnapshot().context;
    return { state: deviceState, lastReadingAt: this.lastReadingAt, lastError: lastError === null ? null : describeError(lastError), lastErrorAt: lastErrorAt === null ? null : Math.round(lastErrorAt) };
  }

  onStatus(listener: (status: DeviceStatus, previous: DeviceState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  queueDepth(): number {
    return this.queue.length + this.running.size;
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.stopped = true;
      this.closed = this.shutdown();
    }
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.failAll(this.closedError());
    // The machine closes the session (leaving `online`), aborts a connect and drops its timers.
    if (this.actor.getSnapshot().status === 'active') this.actor.send({ type: 'link.close' });
    await this.sessionClosing;
    this.log.debug('device link closed');
  }

  /** Start queued jobs while the session is open and slots are free. Re-entrant calls fold in. */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.pumpOnce();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private pumpOnce(): void {
    if (this.stopped || this.queue.length === 0) return;
    const snap = this.actor.getSnapshot();
    if (snap.value === 'disconnected') {
      this.actor.send({ type: 'link.demand' });
      return;
    }
    const session = snap.context.session;
    if (snap.value !== 'online' || session === null) return;
    while (this.running.size < this.opts.concurrency && this.queue.length > 0) {
      if (this.transport.isClosed?.(session)) {
        const error = new CommError(LinkErrorCode.CONNECTION_LOST, `device "${this.opts.name}": connection closed by the peer`);
        this.actor.send({ type: 'link.session.lost', error });
        return;
      }
      const job = this.queue.shift();
      if (!job) return;
      this.startAttempt(job, session);
    }
  }

  private startAttempt(job: Job<S>, session: S): void {
    const attempt: Attempt = { controller: this.spare ?? new AbortController(), timer: undefined };
    this.spare = null;
    job.attempt = attempt;
    this.running.add(job);
    attempt.timer = this.clock.setTimeout(() => this.guard('timeout', () => this.onTimeout(job, attempt)), this.opts.requestTimeoutMs);
    let result: Promise<() => void>;
    try {
      result = job.run(session, attempt.controller.signal);
    } catch (err) {
      result = Promise.reject(err);
    }
    // A settle from an abandoned attempt (timed out, cancelled, session closed) is ignored.
    void result.then(
      (deliver) => {
        if (job.attempt === attempt) this.guard('job result', () => this.onSuccess(job, deliver));
      },
      (err: unknown) => {
        if (job.attempt === attempt) this.guard('job result', () => this.onFailure(job, err));
      },
    );
  }

  private onSuccess(job: Job<S>, deliver: () => void): void {
    this.recycle(job);
    this.lastReadingAt = Math.round(this.clock.now());
    // Only tell the machine when something changes: the hot path stays one property write.
    if (this.needsOk()) this.actor.send({ type: 'link.job.ok' });
    if (this.settle(job)) deliver();
    this.pump();
  }

  /** True when a device answer would change the machine's context (state, counters, probation). */
  private needsOk(): boolean {
    const ctx = this.actor.getSnapshot().context;
    return ctx.deviceState !== 'ONLINE' || !ctx.proven || ctx.failures > 0 || ctx.probation || ctx.backoffStep > 0;
  }

  private onFailure(job: Job<S>, err: unknown): void {
    this.recycle(job);
    switch (classifyFailure(err)) {
      case 'device':
        this.fail(job, err);
        this.actor.send({ type: 'link.job.deviceError', error: err });
        break;
      case 'refused':
        // The device answered, so it is ONLINE: refused addresses are per-tag errors of the read
        // plan, not a device state (one refused tag among good ones flipped ERROR/ONLINE per poll).
        this.fail(job, err);
        if (this.needsOk()) this.actor.send({ type: 'link.job.ok' });
        break;
      case 'comm':
        this.commFailure(job, err);
        break;
      case 'other':
        // A bug in the job, not the device's fault: the caller gets the error, the session stays.
        this.fail(job, err);
        break;
    }
    this.pump();
  }

  private onTimeout(job: Job<S>, attempt: Attempt): void {
    if (job.attempt !== attempt) return;
    const err = new CommError(LinkErrorCode.TIMEOUT, `device "${this.opts.name}": no reply within ${this.opts.requestTimeoutMs} ms`);
    // Abandon first, then abort: the job's own rejection arrives later and is ignored.
    this.abortAttempt(job, err);
    this.commFailure(job, err);
  }

  /**
   * A comm error or timeout: the session may carry a late reply (3E has no serial to match it),
   * so the machine closes it. The job goes back to the head of the queue for its retry; if the
   * link gives up instead, entering backoff rejects it with the rest of the queue.
   */
  private commFailure(job: Job<S>, err: unknown): void {
    job.failures++;
    const exhausted = job.failures > this.opts.retries;
    this.log.debug({ err: describeError(err), attempt: job.failures }, 'job attempt failed');
    this.requeue(job);
    this.actor.send({ type: 'link.job.failed', error: err, exhausted });
  }

  private watch(job: Job<S>, signal: AbortSignal): void {
    let watched = this.watched.get(signal);
    if (!watched) {
      const created: Watched<S> = { jobs: new Set(), onAbort: () => this.guard('cancel', () => this.cancel(created, signal.reason)) };
      signal.addEventListener('abort', created.onAbort, { once: true });
      this.watched.set(signal, created);
      watched = created;
    }
    watched.jobs.add(job);
  }

  private unwatch(job: Job<S>): void {
    if (!job.signal) return;
    const watched = this.watched.get(job.signal);
    if (!watched?.jobs.delete(job) || watched.jobs.size > 0) return;
    job.signal.removeEventListener('abort', watched.onAbort);
    this.watched.delete(job.signal);
  }

  /** A caller signal aborted: drop its waiting jobs, abort its running ones. */
  private cancel(watched: Watched<S>, reason: unknown): void {
    let inFlight = false;
    for (const job of [...watched.jobs]) {
      this.queue.remove(job);
      if (job.attempt !== null) {
        inFlight = true;
        this.abortAttempt(job, reason);
      }
      this.fail(job, reason);
    }
    // A reply may still be on the wire; the next request on this session could read it as its own.
    if (inFlight && this.machineState === 'online') {
      const error = new CommError(LinkErrorCode.CANCELLED, `device "${this.opts.name}": exchange cancelled before its reply`, { cause: reason });
      this.actor.send({ type: 'link.session.drop', error });
    }
  }

  private onSnapshot(snap: SnapshotFrom<LinkMachine<S>>): void {
    const previous = this.machineState;
    this.machineState = snap.value;
    if (previous === 'online' && snap.value !== 'online') {
      // Other attempts on the closed session are collateral: requeue them without counting.
      for (const job of [...this.running]) {
        this.abortAttempt(job, new CommError(LinkErrorCode.CONNECTION_LOST, `device "${this.opts.name}": session closed`));
        this.requeue(job);
      }
    }
    if (snap.context.deviceState !== this.reportedState) this.reportStatus(snap.context.deviceState);
    if (snap.value === 'backoff' && previous !== 'backoff') {
      const err = this.offlineError();
      this.log.debug({ nextAttemptAt: snap.context.nextAttemptAt, delayMs: snap.context.backoffDelayMs }, 'reconnect backoff');
      for (const job of this.queue.drain()) this.fail(job, err);
    }
    if (snap.value === 'online' || snap.value === 'disconnected') this.pump();
  }

  private reportStatus(state: DeviceState): void {
    const previous = this.reportedState;
    this.reportedState = state;
    const status = this.status();
    if (state === 'ONLINE') this.log.info({ state, previous }, 'device online');
    else if (state === 'OFFLINE') this.log.warn({ state, previous, lastError: status.lastError }, 'device offline');
    else if (state === 'ERROR') this.log.warn({ state, previous, lastError: status.lastError }, 'device answered with an error');
    for (const listener of this.listeners) {
      try {
        listener(status, previous);
      } catch (err) {
        this.log.error({ err: describeError(err) }, 'device status listener threw');
      }
    }
  }

  /** Connect, after the previous session has finished closing (a PLC may allow one connection). */
  private async openSession(signal: AbortSignal): Promise<S> {
    await this.sessionClosing;
    signal.throwIfAborted();
    const session = await this.transport.open(signal);
    if (signal.aborted) {
      // The connect timed out (or the link closed) but the transport opened anyway: do not leak it.
      this.closeSession(session);
      throw signal.reason;
    }
    return session;
  }

  /**
   * Close a session in the background. The next open waits for it, but at most half the connect
   * timeout: a transport whose close hangs must not block reconnects, and the other half is left
   * for the connect itself.
   */
  private closeSession(session: S): void {
    const done = Promise.resolve()
      .then(() => this.transport.close(session))
      .catch((err: unknown) => this.log.warn({ err: describeError(err) }, 'transport close failed'));
    const capped = new Promise<void>((resolve) => {
      const timer = this.clock.setTimeout(resolve, this.opts.connectTimeoutMs / 2);
      void done.then(() => {
        this.clock.clearTimeout(timer);
        resolve();
      });
    });
    const previous = this.sessionClosing;
    this.sessionClosing = Promise.all([previous, capped]).then(() => undefined);
  }

  private endAttempt(job: Job<S>): void {
    if (job.attempt) this.clock.clearTimeout(job.attempt.timer);
    job.attempt = null;
    this.running.delete(job);
  }

  /**
   * End an attempt that settled by itself and keep its controller for the next attempt when the
   * job left nothing on its signal. An AbortSignal is the largest cost of a job on the hot path
   * (~2 us of ~5 us measured), and a settled attempt's signal is never aborted later, so a job
   * that removed its listeners cannot tell the difference. One that did not gets a fresh one.
   */
  private recycle(job: Job<S>): void {
    const controller = job.attempt?.controller;
    this.endAttempt(job);
    const signal = controller?.signal;
    if (controller && signal && !signal.aborted && signal.onabort === null && getEventListeners(signal, 'abort').length === 0) {
      this.spare = controller;
    }
  }

  private abortAttempt(job: Job<S>, reason: unknown): void {
    const attempt = job.attempt;
    this.endAttempt(job);
    attempt?.controller.abort(reason);
  }

  /** Put a job back in FIFO position (by arrival), ahead of jobs that came after it. */
  private requeue(job: Job<S>): void {
    this.queue.insertInOrder(job);
  }

  /** Mark a job settled, once: false when it already was (a job never resolves twice). */
  private settle(job: Job<S>): boolean {
    if (job.done) return false;
    job.done = true;
    this.unwatch(job);
    return true;
  }

  private fail(job: Job<S>, err: unknown): void {
    if (this.settle(job)) job.reject(err);
  }

  /** Reject every running and queued job with `err`. */
  private failAll(err: unknown): void {
    const running = [...this.running];
    for (const job of running) this.abortAttempt(job, err);
    for (const job of [...running, ...this.queue.drain()]) this.fail(job, err);
  }

  private offlineError(): DeviceOfflineError {
    const ctx = this.actor.getSnapshot().context;
    const now = this.clock.now();
    return new DeviceOfflineError(this.opts.name, ctx.nextAttemptAt ?? now, now, ctx.lastError);
  }

  private closedError(): CommError {
    return new CommError(LinkErrorCode.CLOSED, `device "${this.opts.name}": link closed`);
  }

  /** The machine must never throw; if it does, fail everything loudly rather than hang callers. */
  private onMachineCrash(err: unknown): void {
    this.log.error({ err: describeError(err) }, 'device link machine crashed');
    this.stopped = true;
    this.closed ??= Promise.resolve();
    this.failAll(err);
    const session = this.actor.getSnapshot().context.session;
    if (session !== null) this.closeSession(session);
  }

  /** Run a callback from a timer, promise or observer; a throw is logged, never left uncaught. */
  private guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err: describeError(err), where }, 'device link internal error');
    }
  }
}
