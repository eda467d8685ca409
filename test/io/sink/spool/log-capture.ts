import pino, { type Logger } from 'pino';

/** A logger that keeps its records, so a test can assert that a warning was given. */
export function captureLogger(): { logger: Logger; records: { level: number; msg: string; [k: string]: unknown }[] } {
  const records: { level: number; msg: string; [k: string]: unknown }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line) as (typeof records)[number]) });
  return { logger, records };
}
