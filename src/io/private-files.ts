import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data directory holds secrets (the store keeps sink passwords and server.token, and the
 * http-token file the API token) and the plant's data: it is for its owner only, whatever the
 * umask (issue 12, finding 1). Every place that creates a file or directory under it passes
 * these modes explicitly (a mode given to open/mkdir is only ever narrowed by the umask), and
 * start-up tightens what an older version or an operator left more open.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Create `dir` (and missing parents) as 0700; an existing one is set to 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Create `file` empty as 0600 when it does not exist, so that whoever opens it next (SQLite:
 * its -wal and -shm files take the database file's mode) never creates it with the umask's mode.
 */
export function createPrivateFile(file: string): void {
  if (existsSync(file)) return;
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** What the collector keeps in its data dir: files, and directories of files. */
const DATA_FILES = /^(jsscada\.db(-wal|-shm|-journal)?|http-token)$/;
const DATA_DIRS = new Set(['logs', 'spool', 'rejects']);

/**
 * Start-up pass over a data directory: the directory 0700, the collector's own files 0600 and
 * its subdirectories (logs, spool, rejects) 0700 with their files 0600. Only what the collector
 * made is touched (a data dir given as `--data .` must not chmod the operator's own files), and
 * symbolic links are left alone (chmod would follow them out of the directory). What it may not
 * change (EPERM: someone else owns it) is returned as warnings, one line each; it does not stop
 * the collector.
 */
export function tightenDataDir(dir: string): string[] {
  const warnings: string[] = [];
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const tighten = (path: string, mode: number, want: number): void => {
    if ((mode & 0o777) === want) return;
    try {
      chmodSync(path, want);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
      warnings.push(`${path} is mode ${(mode & 0o777).toString(8)} and not ours to change (EPERM): make it ${want.toString(8)}, it holds secrets`);
    }
  };
  tighten(dir, statSync(dir).mode, PRIVATE_DIR_MODE);
  for (const name of readdirSync(dir)) {
    const entry = join(dir, name);
    const st = lstatSync(entry);
    if (st.isFile() && DATA_FILES.test(name)) tighten(entry, st.mode, PRIVATE_FILE_MODE);
    else if (st.isDirectory() && DATA_DIRS.has(name)) {
      tighten(entry, st.mode, PRIVATE_DIR_MODE);
      for (const inner of readdirSync(entry)) {
        const file = join(entry, inner);
        const fst = lstatSync(file);
        if (fst.isFile()) tighten(file, fst.mode, PRIVATE_FILE_MODE);
      }
    }
  }
  return warnings;
}
