import { assign, fromPromise, setup } from 'xstate';
import { backoffDelay } from './schedule.js';
import { errorMessage } from '../io/errors.js';

/**
 * When the buffer flushes: every `flushIntervalMs`, or as soon as `flushRows` rows wait,
 * whichever comes first; one flush at a time; a failed flush is retried with backoff (the
 * rows stay with the buffer, nothing is lost). The rows themselves live in a RowRing in the
 * actor layer: only their count is in this machine, so snapshots stay tiny.
 */

export interface BufferInput {
  readonly flushIntervalMs: number;
  readonly flushRows: number;
  readonly random?: () => number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
}

export interface FlushOutput {
  /** Rows still waiting after this flush. */
  readonly remaining: number;
}

export interface BufferContext {
  readonly flushIntervalMs: number;
  readonly flushRows: number;
  readonly random: () => number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  size: number;
  failures: number;
  flushes: number;
  lastError: string | null;
  drainRequested: boolean;
}

export type BufferEvent =
  /** Rows were added; `size` is what now waits. One event per poll, never per value. */
  | { type: 'buffer.rows'; size: number }
  /** Write out everything, then finish (graceful stop). */
  | { type: 'buffer.drain' };

export const bufferMachine = setup({
  types: {
    input: {} as BufferInput,
    context: {} as BufferContext,
    events: {} as BufferEvent,
  },
  actors: {
    flush: fromPromise<FlushOutput>(async () => {
      throw new Error('flush actor not provided');
    }),
  },
  delays: {
    interval: ({ context }) => context.flushIntervalMs,
    retry: ({ context }) => backoffDelay(context.failures, context.retryInitialMs, context.retryMaxMs, context.random),
  },
  guards: {
    full: ({ context }) => context.size >= context.flushRows,
    hasRows: ({ context }) => context.size > 0,
    drainRequested: ({ context }) => context.drainRequested,
  },
  actions: {
    setSize: assign(({ event }) => (event.type === 'buffer.rows' ? { size: event.size } : {})),
    flushed: assign(({ context }, output: FlushOutput) => ({ size: output.remaining, failures: 0, flushes: context.flushes + 1 })),
    failed: assign(({ context }, error: unknown) => ({ failures: context.failures + 1, lastError: errorMessage(error) })),
  },
}).createMachine({
  id: 'buffer',
  context: ({ input }) => ({
    flushIntervalMs: input.flushIntervalMs,
    flushRows: input.flushRows,
    random: input.random ?? Math.random,
    retryInitialMs: input.retryInitialMs ?? 500,
    retryMaxMs: input.retryMaxMs ?? 10_000,
    size: 0,
    failures: 0,
    flushes: 0,
    lastError: null,
    drainRequested: false,
  }),
  initial: 'collecting',
  on: {
    'buffer.rows': { actions: 'setSize' },
    // Recorded, then acted on when the flush in flight (if any) is over.
    'buffer.drain': { actions: assign({ drainRequested: true }) },
  },
  states: {
    collecting: {
      on: {
        'buffer.rows': [{ guard: 'full', target: 'flushing', actions: 'setSize' }, { actions: 'setSize' }],
      },
      always: [
        { guard: 'drainRequested', target: 'draining' },
        { guard: 'full', target: 'flushing' },
      ],
      after: { interval: [{ guard: 'hasRows', target: 'flushing' }, { target: 'collecting', reenter: true }] },
    },
    flushing: {
      invoke: {
        src: 'flush',
        onDone: { target: 'collecting', actions: { type: 'flushed', params: ({ event }) => event.output } },
        onError: { target: 'retrying', actions: { type: 'failed', params: ({ event }: { event: { error: unknown } }) => event.error } },
      },
    },
    retrying: {
      after: { retry: 'flushing' },
    },
    /** Flush until empty, retrying failures; the actor layer bounds how long it waits. */
    draining: {
      initial: 'flush',
      states: {
        flush: {
          always: { guard: ({ context }) => context.size === 0, target: '#buffer.drained' },
          invoke: {
            src: 'flush',
            onDone: { target: 'flush', reenter: true, actions: { type: 'flushed', params: ({ event }) => event.output } },
            onError: { target: 'wait', actions: { type: 'failed', params: ({ event }: { event: { error: unknown } }) => event.error } },
          },
        },
        wait: { after: { retry: 'flush' } },
      },
    },
    drained: { type: 'final' },
  },
});

export type BufferMachine = typeof bufferMachine;
