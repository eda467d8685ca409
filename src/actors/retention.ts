import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { errorText } from '../io/sink/delivery/sink-error.js';

/** Hourly retention passes (sink.retentionDays), the first 10 s after start. */
export const RETENTION_FIRST_MS = 10_000;
export const RETENTION_EVERY_MS = 3_600_000;

/**
 * Runs `applyRetention(days)` 10 s after start and then every hour on the given clock, one pass at
 * a time (a slow pass is never overlapped by the next), until stopped: a stop cancels the pending
 * pass too, so nothing touches a closed database.
 */
export function startRetention(sink: { applyRetention(days: number): Promise<number> }, days: number, deps: { clock: Clock; logger: Logger }): () => void {
  let timer: unknown = null;
  let stopped = false;
  const schedule = (ms: number): void => {
    if (stopped) return;
    timer = deps.clock.setTimeout(() => void pass(), ms);
    // A pending pass never keeps the process alive on its own (the real clock's timers).
    (timer as { unref?: () => void } | null)?.unref?.();
  };
  const pass = async (): Promise<void> => {
    try {
      const deleted = await sink.applyRetention(days);
      if (deleted > 0) deps.logger.info({ deleted, days }, 'retention: deleted old rows');
    } catch (err) {
      if (!stopped) deps.logger.warn({ err: errorText(err) }, 'retention pass failed; the next one is in an hour');
    }
    schedule(RETENTION_EVERY_MS);
  };
  schedule(RETENTION_FIRST_MS);
  return () => {
    stopped = true;
    if (timer !== null) deps.clock.clearTimeout(timer);
  };
}
