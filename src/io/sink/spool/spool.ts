import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../../../clock.js';
import type { RowBatch } from '../rows.js';
import { formatBatch, SPOOL_HEADER } from './csv-format.js';
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
 * - replay seals the open file first, so a file being read is never being written.
 */

export interface SpoolFileInfo {
  readonly name: string;
  readonly path: string;
  bytes: number;
}

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

  constructor(
    readonly dir: string,
    private readonly deps: { clock: Clock; logger: Logger },
  ) {}

  /** Create the directory and take stock of files left by an earlier run (they replay first). */
  async open(): Promise<void> {
    if (this.opened) return;
    try {
      await mkdir(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      for (const name of await readdir(this.dir)) {
        if (!NAME.test(name)) continue;
        const path = join(this.dir, name);
        this.files.set(name, { name, path, bytes: (await stat(path)).size });
      }
    } catch (err) {
      throw new SpoolError('SPOOL_IO', `cannot open the spool directory ${this.dir}: ${(err as Error).message}`, null, { cause: err });
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

  pending(): { files: number; bytes: number } {
    let bytes = 0;
    for (const f of this.files.values()) bytes += f.bytes;
    return { files: this.files.size, bytes };
  }

  async close(): Promise<void> {
    await this.seal();
  }

  private async appendNow(batch: RowBatch): Promise<void> {
    if (!this.opened) await this.open();
    const hour = hourKey(this.deps.clock.now());
    if (this.current && this.current.hour !== hour) await this.closeCurrent();
    const fresh = this.current === null;
    let target: { info: SpoolFileInfo; handle: FileHandle; hour: string } | null = this.current;
    const before = target?.info.bytes ?? 0;
    try {
      target ??= await this.create(hour);
      const data = Buffer.from((fresh ? SPOOL_HEADER : '') + formatBatch(batch), 'utf8');
      for (let off = 0; off < data.length; ) {
        const { bytesWritten } = await target.handle.write(data, off, data.length - off, before + off);
        off += bytesWritten;
      }
      await target.handle.datasync();
      target.info.bytes = before + data.length;
    } catch (err) {
      if (target) await this.abandon(target, before);
      throw new SpoolError('SPOOL_WRITE_FAILED', `cannot spool ${batch.length} rows to ${this.dir}: ${(err as Error).message}`, target?.info.path ?? null, { cause: err });
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
    const info: SpoolFileInfo = { name, path, bytes: 0 };
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
