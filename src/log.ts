import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './io/private-files.js';

export type { Logger } from 'pino';

export interface LogOptions {
  /** Directory for the rotating JSON log file; no file when absent (tests, one-shot commands). */
  readonly dir?: string | undefined;
  readonly level?: string | undefined;
  /** Pretty print to stdout (on a TTY); JSON lines otherwise. */
  readonly pretty?: boolean | undefined;
}

/**
 * pino with a rotating JSON file under the data dir (pino-roll: daily or 20 MB, 14 files kept,
 * so a plant PC never fills its disk with logs) and stdout. Transports run in a worker thread,
 * so logging never blocks a poll.
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
      options: { file: join(dir, 'jsscada'), frequency: 'daily', size: '20m', mkdir: true, limit: { count: 14 }, extension: '.log', mode: PRIVATE_FILE_MODE },
    });
  }
  targets.push(
    options.pretty
      ? { target: 'pino-pretty', level, options: { destination: 1, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }
      : { target: 'pino/file', level, options: { destination: 1 } },
  );
  return pino({ level, redact: { paths: ['password', '*.password', 'token', '*.token'], censor: '[redacted]' } }, pino.transport({ targets }));
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
