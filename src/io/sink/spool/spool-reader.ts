import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { parse, type CastingContext, type CsvError } from 'csv-parse';
import type { Logger } from 'pino';
import type { RowBatch } from '../rows.js';
import { BatchBuilder, decodeRecord, decodeRecordV2, headerVersion, type ParsedField, type SpoolTagKeys } from './csv-format.js';
import { SpoolError } from './spool-error.js';

/** What reading one file found, for the replay's log and metrics. */
export interface SpoolReadStats {
  rows: number;
  /** Bytes of a torn last record (a crash mid-append), skipped. */
  tornBytes: number;
  /** Complete records that did not decode (should never happen), skipped and logged. */
  corrupt: number;
}

const TAIL_CHUNK = 64 * 1024;

/**
 * Length of the file up to and including its last "\n". Every append ends in "\n" and is
 * fsynced, so anything after the last newline is a record torn by a crash mid-append (or
 * zeros a power cut left in a grown file): it is not data we ever counted as spooled.
 */
async function completeLength(path: string): Promise<{ complete: number; size: number }> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const buf = Buffer.alloc(TAIL_CHUNK);
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - TAIL_CHUNK);
      const { bytesRead } = await handle.read(buf, 0, end - start, start);
      const at = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (at >= 0) return { complete: start + at + 1, size };
      end = start;
    }
    return { complete: 0, size };
  } finally {
    await handle.close();
  }
}

function castField(value: string, context: CastingContext): ParsedField {
  return { value, quoted: context.quoting };
}

/**
 * Yield a spool file's rows in file order, as batches of at most `maxRows`. Memory is bounded
 * by one batch and the parser's buffer, however large the file. A torn last record is skipped
 * with a warning and does not poison the rows before it.
 */
export async function* readSpoolFile(path: string, options: { maxRows: number; logger: Logger; stats?: SpoolReadStats; keys?: SpoolTagKeys | undefined }): AsyncGenerator<RowBatch> {
  const stats = options.stats ?? { rows: 0, tornBytes: 0, corrupt: 0 };
  const { logger } = options;
  const { complete, size } = await completeLength(path);
  if (complete < size) {
    stats.tornBytes += size - complete;
    logger.warn({ file: path, bytes: size - complete }, 'spool: skipping a torn last record (the process stopped mid-append)');
  }
  if (complete === 0) return;
  const parser = parse({ cast: castField, relax_column_count: true, skip_records_with_error: true });
  parser.on('skip', (err: CsvError) => {
    // An unclosed quote at the end: a text value torn right after a newline it contains.
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      stats.tornBytes++;
      logger.warn({ file: path, line: err.lines }, 'spool: skipping a torn last record (open quote)');
    } else {
      stats.corrupt++;
      logger.error({ file: path, line: err.lines, reason: err.code }, 'spool: skipping a record that does not parse');
    }
  });
  // pipeline: a read error fails the parser (and so the loop below), and a consumer that stops
  // early (the sink failed mid-file) closes the file too.
  pipeline(createReadStream(path, { start: 0, end: complete - 1 }), parser, () => undefined);
  const builder = new BatchBuilder(options.maxRows);
  let version: 1 | 2 | null = null;
  let line = 0;
  const keys = options.keys;
  for await (const record of parser as AsyncIterable<ParsedField[]>) {
    line++;
    if (version === null) {
      version = headerVersion(record);
      if (version === null || (version === 2 && !keys)) {
        parser.destroy();
        throw new SpoolError('SPOOL_BAD_HEADER', `${path} does not start with a spool header this reader knows; it is kept, not replayed`, path);
      }
      continue;
    }
    const row = version === 2 ? decodeRecordV2(record, keys!) : decodeRecord(record);
    if (typeof row === 'string') {
      stats.corrupt++;
      logger.error({ file: path, record: line, reason: row }, 'spool: skipping a record that does not decode');
      continue;
    }
    builder.add(row);
    stats.rows++;
    if (builder.full) yield builder.take();
  }
  if (builder.length > 0) yield builder.take();
}
