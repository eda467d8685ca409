/**
 * SIGINT/SIGTERM caught from the very start of a command: a stop that arrives while the
 * collector is still starting (opening the store, replaying a spool, loading the HTTP layer)
 * waits for the start to finish and then stops cleanly, instead of Node's default of dying
 * on the spot with rows in the buffer.
 */
export interface StopSignal {
  /** Resolves with the first signal received. */
  readonly received: Promise<NodeJS.Signals>;
  dispose(): void;
}

export function catchStopSignals(): StopSignal {
  let handler!: (signal: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((resolve) => {
    handler = (signal) => {
      dispose();
      resolve(signal);
    };
  });
  const dispose = (): void => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { received, dispose };
}
