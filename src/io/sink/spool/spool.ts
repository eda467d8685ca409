import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../../../clock.js';
import type { RowBatch } from '../rows.js';
import { errorMessage } from '../../errors.js';
import { formatBatch, formatBatchV2, SPOOL_HEADER, SPOOL_HEADER_V2, type SpoolTagKeys } from './csv-format.js';
import { SpoolError } from './spool-error.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../private-files.js';

/**
 * The CSV spool: where a batch goes when the sink would not take it, so that its rows are
 * safe on disk. One file per hour, named `spool-YYYYMMDDTHH-NNNN.csv` (UTC hour of spooling,
 * then a segment number): names sort in time order, so replay reads oldest first.
 *
 * Rules that make a crash harmless:
 * - an append is written and fdatasync'ed before append() resolves; only then does the
 *   batch count as spooled;
 * - a new file's directory entry is fsynced too (a synced file nobody can find is lost);
 * - this process never appends to a file it did not create, and abandons a file whose append
 *   failed (after truncating the partial write away), so a torn record can only ever be the
 *   LAST record of a file, where the reader detects and skips it;
 * - replay reads sealed files only, so a file being read is never being written; it seals the
 *   open file only once the sink took a batch (sealing on every probe while the sink was down
 *   started a new file every probe interval, ~5 s, instead of one an hour).
 *
 * Size: a file also ends at `segmentBytes`, and the spool holds at most `maxBytes`: to make
 * room, the oldest files are deleted, their rows counted in droppedRows and logged as errors,
 * so a long outage cannot fill the disk the OS needs.
 */

export interface SpoolFileInfo {
  readonly name: string;
  readonly path: string;
  bytes: number;
  /** Rows (CSV records) in the file. */
  rows: number;
}

export interface SpoolOptions {
  /** Most bytes the spool may hold (default 1 GiB); the oldest files make room. */
  readonly maxBytes?: number | undefined;
  /** A file is sealed when it reaches this size (default maxBytes / 16, within 64 KiB to 64 MiB). */
  readonly segmentBytes?: number | undefined;
}

export const DEFAULT_SPOOL_MAX_BYTES = 1024 * 1024 * 1024;

const NAME = /^spool-(\d{8}T\d{2})-(\d{4})\.csv$/;

function hourKey(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2024-05-01T13:...
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}`;
}

export class Spool {
  private readonly files = new Map<string, SpoolFileInfo>();
  private current: { info: SpoolFileInfo; handle: FileHandle; hour: string } | null = null;
  /** Appends, seals and removals run one at a time, in call order. */
  private chain: Promise<unknown> = Promise.resolve();
  private opened = false;
  /** Files replay is reading: the size cap never deletes them under the reader. */
  private readonly reading = new Set<string>();
  readonly maxBytes: number;
  readonly segmentBytes: number;
  /** Rows and files deleted to keep the spool under maxBytes. */
  droppedRows = 0;
  droppedFiles = 0;

  constructor(
    readonly dir: string,
    private readonly deps: { clock: Clock; logger: Logger; keys?: SpoolTagKeys | undefined },
    options: SpoolOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES;
    this.segmentBytes = options.segmentBytes ?? Math.min(64 * 1024 * 1024, Math.max(64 * 1024, Math.floor(this.maxBytes / 16)));
  }

  /** With keys, files are written in format 2 (rows name their tag by key); see csv-format.ts. */
  get keys(): SpoolTagKeys | undefined {
    return this.deps.keys;
  }

  /** Create the directory and take stock of files left by an earlier run (they replay first). */
  async open(): Promise<void> {
    if (this.opened) return;
    try {
      await mkdir(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      for (const name of await readdir(this.dir)) {
        if (!NAME.test(name)) continue;
        const path = join(this.dir, name);
        this.files.set(name, { name, path, bytes: (await stat(path)).size, rows: await countRecords(path) });
      }
    } catch (err) {
      throw new SpoolError('SPOOL_IO', `cannot open the spool directory ${this.dir}: ${errorMessage(err)}`, null, { cause: err });
    }
    this.opened = true;
    if (this.files.size > 0) this.deps.logger.warn({ dir: this.dir, ...this.pending() }, 'spool: files from an earlier run wait to be replayed');
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Append a batch and sync it to disk. Rejects with SPOOL_WRITE_FAILED: then it is NOT spooled. */
  append(batch: RowBatch): Promise<void> {
    return this.serial(() => this.appendNow(batch));
  }

  /** Close the open file, so replay may read it; the next append starts a new file. */
  seal(): Promise<void> {
    return this.serial(() => this.closeCurrent());
  }

  /** Files that are complete (not open for appends), oldest first. */
  sealedFiles(): SpoolFileInfo[] {
    const open = this.current?.info.name;
    return [...this.files.values()].filter((f) => f.name !== open).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get hasOpenFile(): boolean {
    return this.current !== null;
  }

  /** Delete a replayed file. Called only after every row in it was committed. */
  remove(file: SpoolFileInfo): Promise<void> {
    return this.serial(async () => {
      try {
        await unlink(file.path);
        await this.syncDir();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SpoolError('SPOOL_IO', `cannot delete ${file.path}: ${(err as Error).message}`, file.path, { cause: err });
      }
      this.files.delete(file.name);
    });
  }

  /** Set an unreadable file aside (renamed to *.unreadable, kept for a person), out of replay. */
  quarantine(file: SpoolFileInfo): Promise<void> {
    return this.serial(async () => {
      try {
        await rename(file.path, `${file.path}.unreadable`);
        await this.syncDir();
      } catch (err) {
        throw new SpoolError('SPOOL_IO', `cannot set ${file.path} aside: ${(err as Error).message}`, file.path, { cause: err });
      }
      this.files.delete(file.name);
      this.deps.logger.error({ file: file.path }, 'spool: a file that cannot be read was renamed *.unreadable and left for a person');
    });
  }

  /** Replay reads `file` (true) or is done with it (false): the size cap leaves it alone meanwhile. */
  markReading(file: SpoolFileInfo, reading: boolean): void {
    if (reading) this.reading.add(file.name);
    else this.reading.delete(file.name);
  }

  pending(): { files: number; bytes: number; rows: number } {
    let bytes = 0;
    let rows = 0;
    for (const f of this.files.values()) {
      bytes += f.bytes;
      rows += f.rows;
    }
    return { files: this.files.size, bytes, rows };
  }

  async close(): Promise<void> {
    await this.seal();
  }

  private async appendNow(batch: RowBatch): Promise<void> {
    if (!this.opened) await this.open();
    const hour = hourKey(this.deps.clock.now());
    const keys = this.deps.keys;
    const body = keys ? formatBatchV2(batch, keys) : formatBatch(batch);
    const bodyBytes = Buffer.byteLength(body, 'utf8');
    // One file per hour, and a new segment once a file is segmentBytes long.
    if (this.current && (this.current.hour !== hour || this.current.info.bytes + bodyBytes > this.segmentBytes)) await this.closeCurrent();
    const fresh = this.current === null;
    const data = Buffer.from((fresh ? (keys ? SPOOL_HEADER_V2 : SPOOL_HEADER) : '') + body, 'utf8');
    await this.makeRoom(data.length, batch.length);
    let target: { info: SpoolFileInfo; handle: FileHandle; hour: string } | null = this.current;
    const before = target?.info.bytes ?? 0;
    try {
      target ??= await this.create(hour);
      for (let off = 0; off < data.length; ) {
        const { bytesWritten } = await target.handle.write(data, off, data.length - off, before + off);
        off += bytesWritten;
      }
      await target.handle.datasync();
      target.info.bytes = before + data.length;
      target.info.rows += batch.length;
    } catch (err) {
      if (target) await this.abandon(target, before);
      throw new SpoolError('SPOOL_WRITE_FAILED', `cannot spool ${batch.length} rows to ${this.dir}: ${errorMessage(err)}`, target?.info.path ?? null, { cause: err });
    }
  }

  /**
   * Delete the oldest sealed files until `bytes` more fit under maxBytes. Their rows are lost
   * on purpose, counted and logged: the disk the OS needs matters more than the oldest values.
   * When nothing can be deleted (the rest is open or being replayed), the append is refused and
   * the buffer keeps the batch.
   */
  private async makeRoom(bytes: number, rows: number): Promise<void> {
    let held = this.pending().bytes;
    while (held + bytes > this.maxBytes) {
      const victim = this.sealedFiles().find((f) => !this.reading.has(f.name));
      if (!victim) {
        throw new SpoolError('SPOOL_FULL', `cannot spool ${rows} rows: the spool holds ${held} bytes of its ${this.maxBytes} (collector.spoolMaxBytes) and no file can be dropped yet`, null);
      }
      try {
        await unlink(victim.path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SpoolError('SPOOL_IO', `cannot delete ${victim.path} to make room: ${errorMessage(err)}`, victim.path, { cause: err });
      }
      this.files.delete(victim.name);
      this.droppedRows += victim.rows;
      this.droppedFiles++;
      held -= victim.bytes;
      this.deps.logger.error({ file: victim.path, rows: victim.rows, bytes: victim.bytes, maxBytes: this.maxBytes }, 'spool full: deleted the oldest spool file; its rows are lost (counted in spool droppedRows)');
    }
  }

  private async create(hour: string): Promise<{ info: SpoolFileInfo; handle: FileHandle; hour: string }> {
    let seq = 0;
    for (const name of this.files.keys()) {
      const m = NAME.exec(name);
      if (m && m[1] === hour) seq = Math.max(seq, Number(m[2]) + 1);
    }
    const name = `spool-${hour}-${String(seq).padStart(4, '0')}.csv`;
    const path = join(this.dir, name);
    // 'wx': never open (and so never append to) a file that already exists.
    const handle = await open(path, 'wx', PRIVATE_FILE_MODE);
    const info: SpoolFileInfo = { name, path, bytes: 0, rows: 0 };
    this.files.set(name, info);
    this.current = { info, handle, hour };
    await this.syncDir();
    return this.current;
  }

  /** After a failed append: cut the partial write off, then never touch the file again. */
  private async abandon(target: { info: SpoolFileInfo; handle: FileHandle }, goodBytes: number): Promise<void> {
    try {
      await target.handle.truncate(goodBytes);
      await target.handle.datasync();
    } catch (err) {
      this.deps.logger.error({ err, file: target.info.path }, 'spool: could not cut a failed append off; the reader will skip its torn tail');
    }
    await target.handle.close().catch(() => undefined);
    if (this.current?.info === target.info) this.current = null;
    if (goodBytes === 0) {
      // Not even the header made it: drop the empty file rather than leave it pending.
      await unlink(target.info.path).catch(() => undefined);
      this.files.delete(target.info.name);
    }
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = null;
    await current.handle.close();
  }

  private async syncDir(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/**
 * Rows in a spool file left by an earlier run, without decoding it: records end at a "\n"
 * outside quotes (text is always quoted and quotes inside are doubled, so counting quote
 * characters tells inside from outside). The header is not a row; a torn last record (no final
 * "\n") is not counted, as the reader skips it.
 */
async function countRecords(path: string): Promise<number> {
  let records = 0;
  let quoted = false;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === 0x22) quoted = !quoted;
      else if (c === 0x0a && !quoted) records++;
    }
  }
  return Math.max(0, records - 1);
}
