import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { errorMessage } from './io/errors.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './io/private-files.js';

export type { Logger } from 'pino';

export interface LogOptions {
  /** Directory for the rotating JSON log file; no file when absent (tests, one-shot commands). */
  readonly dir?: string | undefined;
  readonly level?: string | undefined;
  /** Pretty print to stdout (on a TTY); JSON lines otherwise. */
  readonly pretty?: boolean | undefined;
  /** Log file rotation: a new file past `size` (default '20m') or daily; `count` old files kept (default 14). */
  readonly rotate?: { readonly size?: string; readonly count?: number } | undefined;
  /** Where lines go once the log destination failed (default: process.stderr). */
  readonly fallback?: { write(line: string): unknown } | undefined;
}

/**
 * `err` as pino's own serializer has it for Errors; anything else thrown (a plain object, a
 * string, undefined) gets a readable `message` instead of passing through as is.
 */
export const logSerializers = {
  err(err: unknown): unknown {
    if (err instanceof Error) {
      const out = pino.stdSerializers.err(err);
      return out.message ? out : { ...out, message: errorMessage(err) };
    }
    return { type: err === null ? 'null' : typeof err, message: errorMessage(err), ...(err !== null && typeof err === 'object' ? { value: err } : {}) };
  },
};

/** What logging lost: lines that did not reach the log file (the destination failed). */
export interface LogStats {
  /** Lines written to the fallback (stderr) instead of the log file and stdout. */
  droppedLines: number;
  /** Why the destination failed, or null while it works. */
  failure: string | null;
}

// One process, one log destination: the figures are process-wide, as the log file is.
const stats: LogStats = { droppedLines: 0, failure: null };

export function logStats(): Readonly<LogStats> {
  return { ...stats };
}

/**
 * The transport's stream (pino.transport: a worker thread) behind a guard. When the worker
 * fails (ENOSPC on the log file: pino-roll's write error kills the worker, and ThreadStream
 * re-emits it as an 'error' that, unheard, killed the whole collector), lines go to the
 * fallback from then on, counted: collection never stops because a log line cannot be written.
 */
class GuardedDestination {
  private failed = false;

  constructor(
    private readonly stream: NodeJS.EventEmitter & { write(line: string): boolean; flush?(cb?: (err?: Error | null) => void): void; flushSync?(): void },
    private readonly fallback: { write(line: string): unknown },
  ) {
    stream.on('error', (err: unknown) => this.fail(err));
  }

  write(line: string): boolean {
    if (!this.failed) {
      try {
        return this.stream.write(line);
      } catch (err) {
        this.fail(err);
      }
    }
    stats.droppedLines++;
    try {
      this.fallback.write(line);
    } catch {
      // stderr gone too: the line is counted, and collection goes on.
    }
    return true;
  }

  flush(cb?: (err?: Error | null) => void): void {
    if (this.failed || !this.stream.flush) return cb?.();
    this.stream.flush((err) => cb?.(this.failed ? null : err));
  }

  flushSync(): void {
    if (this.failed) return;
    try {
      this.stream.flushSync?.();
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    stats.failure = errorMessage(err);
    try {
      this.fallback.write(`${JSON.stringify({ level: 50, time: Date.now(), msg: 'log destination failed: log lines go to stderr from now on (counted in jsscada_log_dropped_lines_total)', reason: stats.failure })}\n`);
    } catch {
      // nothing more to do
    }
  }
}

/**
 * pino with a rotating JSON file under the data dir (pino-roll: daily or 20 MB, 14 files kept,
 * so a plant PC never fills its disk with logs) and stdout. Transports run in a worker thread,
 * so logging never blocks a poll; if that thread fails (a full disk), lines fall back to stderr.
 */
export function createLogger(options: LogOptions = {}): Logger {
  const level = options.level ?? process.env.JSSCADA_LOG_LEVEL ?? 'info';
  const targets: pino.TransportTargetOptions[] = [];
  if (options.dir) {
    const dir = join(options.dir, 'logs');
    // Logs can name devices, hosts and users: for the owner only, like the rest of the data dir.
    ensurePrivateDir(dir);
    targets.push({
      target: 'pino-roll',
      level,
      // `mode` goes to sonic-boom's open(), for the first file and every rolled one.
      options: { file: join(dir, 'jsscada'), frequency: 'daily', size: options.rotate?.size ?? '20m', mkdir: true, limit: { count: options.rotate?.count ?? 14 }, extension: '.log', mode: PRIVATE_FILE_MODE },
    });
  }
  targets.push(
    options.pretty
      ? { target: 'pino-pretty', level, options: { destination: 1, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }
      : { target: 'pino/file', level, options: { destination: 1 } },
  );
  const fallback = options.fallback ?? process.stderr;
  const destination = new GuardedDestination(pino.transport({ targets }), fallback);
  return pino({ level, serializers: logSerializers, redact: { paths: ['password', '*.password', 'token', '*.token'], censor: '[redacted]' } }, destination);
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
