import { assign, fromPromise, setup } from 'xstate';
import type { DeviceState } from '../io/driver.js';
import { CommError } from '../io/errors.js';
import { backoffDelay } from '../io/link/backoff.js';

/**
 * The connection lifecycle of one device link. Pure: time comes from `input.now` and the actor
 * clock, randomness from `input.random`, and the two I/O effects are provided by the caller:
 * the `open` actor (connect; its signal aborts on the connect timeout) and the `closeSession`
 * action. The job queue lives in src/io/link/device-link.ts, which reports job outcomes here.
 *
 *   disconnected --demand--> connecting --ok--> online --job failed--> retryWait --> connecting
 *        ^                      |  fail/timeout     |  |  last attempt          (retries left)
 *        |                      v                   |  v
 *        |                   retryWait              | backoff --delay--> disconnected (probation)
 *        +------- session lost or dropped ----------+  (after the device answered on it)
 *   link.close from any state -> closed (final; leaving online closes the session)
 *
 * `online` means "a session is open", not device status ONLINE: after a backoff the device
 * stays OFFLINE until a job succeeds on the new session (a TCP accept proves nothing: a Modbus
 * gateway accepts with its slave unplugged, an MC Ethernet module with the CPU stopped).
 * On probation (the first connection after a backoff) there are no retries: one failure goes
 * straight back to backoff, so an unplugged PLC costs exactly one connect per backoff period.
 */

export interface DeviceLinkInput {
  readonly name: string;
  readonly connectTimeoutMs: number;
  /** Extra attempts after a comm failure before the link gives up and backs off. */
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly reconnectInitialMs: number;
  readonly reconnectMaxMs: number;
  /** The actor clock's time (ms). */
  readonly now: () => number;
  /** Random in [0, 1) for the backoff jitter; injectable so tests are exact. */
  readonly random: () => number;
}

export interface DeviceLinkContext<S> {
  readonly config: DeviceLinkInput;
  readonly session: S | null;
  /** The device has answered on this session, so a later close by the peer is routine (idle timeout). */
  readonly proven: boolean;
  /** Consecutive comm failures (connects and jobs) since the device last answered. */
  readonly failures: number;
  /** First connection after a backoff: one failure sends the link back to backoff. */
  readonly probation: boolean;
  /** Backoffs since the device last answered; sets the jitter ceiling. */
  readonly backoffStep: number;
  /** In backoff: when the next connect may start (clock ms). */
  readonly nextAttemptAt: number | null;
  readonly backoffDelayMs: number;
  readonly deviceState: DeviceState;
  readonly lastError: unknown;
  /** When lastError happened (input.now ms), so a status can tell an old error from a current one. */
  readonly lastErrorAt: number | null;
}

export type DeviceLinkEvent =
  /** Jobs are waiting and there is no session. */
  | { type: 'link.demand' }
  /** A job succeeded: the device answered. */
  | { type: 'link.job.ok' }
  /** The device answered with an error (end code, exception): the session is fine. */
  | { type: 'link.job.deviceError'; error: unknown }
  /** A job attempt failed with a comm error or timed out: the session is poisoned. */
  | { type: 'link.job.failed'; error: unknown; exhausted: boolean }
  /** The session was found closed by the peer before a job ran on it. */
  | { type: 'link.session.lost'; error: unknown }
  /** A job was cancelled mid-exchange: its reply may still come, so the session must go. */
  | { type: 'link.session.drop'; error: unknown }
  | { type: 'link.close' };

export type DeviceLinkState = 'disconnected' | 'connecting' | 'online' | 'retryWait' | 'backoff' | 'closed';

/** Build the machine for a session type S (the protocol's connected client). */
export function createDeviceLinkMachine<S>() {
  return setup({
    types: {
      context: {} as DeviceLinkContext<S>,
      events: {} as DeviceLinkEvent,
      input: {} as DeviceLinkInput,
    },
    actors: {
      // Placeholder; the device link provides the real opener (transport.open).
      open: fromPromise<S>(() => Promise.reject(new Error('deviceLink: no open actor provided'))),
    },
    actions: {
      // Placeholder for the I/O; the machine only decides when a session must be closed.
      closeSession: (_args, _params: { session: S | null }) => {},
      recordFailure: assign(({ context }, params: { error: unknown }) => ({
        failures: context.failures + 1,
        lastError: params.error,
        lastErrorAt: context.config.now(),
      })),
      deviceAnswered: assign(({ context }, params: { state: DeviceState; error?: unknown }) => ({
        failures: 0,
        probation: false,
        backoffStep: 0,
        proven: true,
        deviceState: params.state,
        ...(params.error === undefined ? {} : { lastError: params.error, lastErrorAt: context.config.now() }),
      })),
      scheduleBackoff: assign(({ context }) => {
        const { reconnectInitialMs, reconnectMaxMs, random, now } = context.config;
        const delay = backoffDelay(context.backoffStep, reconnectInitialMs, reconnectMaxMs, random);
        return {
          backoffStep: context.backoffStep + 1,
          backoffDelayMs: delay,
          nextAttemptAt: now() + delay,
          failures: 0,
          deviceState: 'OFFLINE' as const,
        };
      }),
    },
    guards: {
      // Checked before recordFailure runs, hence >= rather than >.
      lastAttempt: ({ context, event }) =>
        context.probation ||
        context.failures >= context.config.retries ||
        (event.type === 'link.job.failed' && event.exhausted),
      proven: ({ context }) => context.proven,
    },
    delays: {
      connectTimeout: ({ context }) => context.config.connectTimeoutMs,
      retryDelay: ({ context }) => context.config.retryDelayMs,
      backoff: ({ context }) => context.backoffDelayMs,
    },
  }).createMachine({
    id: 'deviceLink',
    context: ({ input }) => ({
      config: input,
      session: null,
      proven: false,
      failures: 0,
      probation: false,
      backoffStep: 0,
      nextAttemptAt: null,
      backoffDelayMs: 0,
      deviceState: 'UNKNOWN',
      lastError: null,
      lastErrorAt: null,
    }),
    initial: 'disconnected',
    // From any state: leaving `online` closes the session, leaving `connecting` aborts the open.
    on: { 'link.close': '.closed' },
    states: {
      disconnected: {
        on: { 'link.demand': 'connecting' },
      },
      connecting: {
        invoke: {
          src: 'open',
          onDone: {
            target: 'online',
            actions: assign({ session: ({ event }) => event.output, proven: false }),
          },
          onError: [
            { guard: 'lastAttempt', target: 'backoff', actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) } },
            { target: 'retryWait', actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) } },
          ],
        },
        after: {
          connectTimeout: [
            { guard: 'lastAttempt', target: 'backoff', actions: { type: 'recordFailure', params: ({ context }) => ({ error: connectTimeout(context.config) }) } },
            { target: 'retryWait', actions: { type: 'recordFailure', params: ({ context }) => ({ error: connectTimeout(context.config) }) } },
          ],
        },
      },
      online: {
        // Every way out of `online` closes the session: nothing can leak it.
        exit: [{ type: 'closeSession', params: ({ context }) => ({ session: context.session }) }, assign({ session: null })],
        on: {
          'link.job.ok': { actions: { type: 'deviceAnswered', params: { state: 'ONLINE' } } },
          'link.job.deviceError': {
            actions: { type: 'deviceAnswered', params: ({ event }) => ({ state: 'ERROR' as const, error: event.error }) },
          },
          'link.job.failed': [
            { guard: 'lastAttempt', target: 'backoff', actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) } },
            { target: 'retryWait', actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) } },
          ],
          // Lost (closed by the peer while idle) or dropped (a job cancelled mid-exchange): routine
          // on a session the device has answered on, so reopen at once without counting. On a
          // session that never got an answer it counts as a failure, or a device that never
          // answers would get a reconnect per cancelled poll instead of a backoff.
          'link.session.lost': [
            { guard: 'proven', target: 'disconnected' },
            { guard: 'lastAttempt', target: 'backoff', actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) } },
            { target: 'retryWait', actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) } },
          ],
          'link.session.drop': [
            { guard: 'proven', target: 'disconnected' },
            { guard: 'lastAttempt', target: 'backoff', actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) } },
            { target: 'retryWait', actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) } },
          ],
        },
      },
      retryWait: {
        after: { retryDelay: 'connecting' },
      },
      backoff: {
        entry: 'scheduleBackoff',
        exit: assign({ nextAttemptAt: null }),
        // Lazy: the next connect starts when a job asks for it, so an idle link stays quiet.
        after: { backoff: { target: 'disconnected', actions: assign({ probation: true }) } },
      },
      closed: { type: 'final' },
    },
  });
}

function connectTimeout(config: DeviceLinkInput): CommError {
  return new CommError('CONNECT_TIMEOUT', `device "${config.name}": no connection within ${config.connectTimeoutMs} ms`);
}

/** The machine with an untyped session, for graphs and inspection (the link builds its own). */
export const deviceLinkMachine = createDeviceLinkMachine<unknown>();
