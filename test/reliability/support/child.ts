import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { onCleanup, until } from './harness.js';

/**
 * `node bin/jsscada.js ...` as a child process, as an operator runs it. Output is JSON log lines
 * (stdout is a pipe, so pino writes JSON, not pretty text). Every child is SIGKILLed and awaited
 * after the test if it is still alive, whatever happened to the test.
 */

export const BIN = join(process.cwd(), 'bin', 'jsscada.js');

export function assertBuilt(): void {
  if (!existsSync(join(process.cwd(), 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run "npm run build" first (npm test does)');
  }
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export type LogLine = Record<string, unknown> & { msg?: string };

export class JsscadaProcess {
  private text = '';
  readonly exited: Promise<Exit>;
  private exit: Exit | null = null;

  private constructor(readonly proc: ChildProcess) {
    proc.stdout!.on('data', (d: Buffer) => (this.text += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (this.text += d.toString()));
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  static spawn(args: readonly string[]): JsscadaProcess {
    assertBuilt();
    const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, JSSCADA_LOG_LEVEL: 'info' } });
    const child = new JsscadaProcess(proc);
    onCleanup('processes', async () => {
      if (child.exit) return;
      proc.kill('SIGKILL');
      await child.exited;
    }, `jsscada ${args.join(' ')}`);
    return child;
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get alive(): boolean {
    return this.exit === null;
  }

  output(): string {
    return this.text;
  }

  logs(): LogLine[] {
    return this.text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as LogLine];
        } catch {
          return []; // a line cut by a kill
        }
      });
  }

  /** The first log line matching `match` (waits for it, bounded; fails early if the process exits). */
  async line(match: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    let found: LogLine | undefined;
    await until(() => {
      found = this.logs().find(match);
      if (!found && !this.alive) throw new Error(`jsscada exited (${JSON.stringify(this.exit)}) before ${what}:\n${this.text.slice(-3000)}`);
      return found !== undefined;
    }, timeoutMs, what);
    return found!;
  }

  /** The HTTP port from the "HTTP API on ..." line. */
  async httpPort(timeoutMs = 20_000): Promise<number> {
    const l = await this.line((x) => typeof x.port === 'number' && String(x.msg).startsWith('HTTP API on'), timeoutMs, 'the HTTP API line');
    return l.port as number;
  }

  async get<T>(port: number, path: string): Promise<T> {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  kill(signal: NodeJS.Signals): void {
    this.proc.kill(signal);
  }
}

/** The "collector stopped" line: { drained, unwritten, delivery: metrics }. */
export interface StoppedLine {
  readonly drained: boolean;
  readonly unwritten: number;
  readonly delivery: { rowsWritten: number; rowsInserted: number; spooledRows: number; replayedRows: number; spoolPending: { files: number; bytes: number }; health: string };
}
