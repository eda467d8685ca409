import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE = 'http-token';
const MIN_LENGTH = 16;

export interface TokenOptions {
  /** server.token from the configuration. */
  readonly configured?: string | undefined;
  /** JSSCADA_TOKEN; overrides the configuration (the usual rule for secrets on a plant PC). */
  readonly env?: string | undefined;
  readonly dataDir: string;
  /** Where the one-time announcement of a generated token goes (stdout; never the log). */
  readonly print: (line: string) => void;
}

export type TokenSource = 'env' | 'config' | 'file' | 'generated';

/**
 * The bearer token for mutating requests. Without one in the environment or the configuration,
 * one is generated at first start, stored in `<dataDir>/http-token` (mode 0600) and printed once;
 * later starts read the file silently. The token never goes to the log.
 */
export function resolveToken(options: TokenOptions): { token: string; source: TokenSource } {
  const env = options.env?.trim();
  if (env) {
    if (env.length < MIN_LENGTH) throw new Error(`JSSCADA_TOKEN is too short: a token needs at least ${MIN_LENGTH} characters`);
    return { token: env, source: 'env' };
  }
  if (options.configured) return { token: options.configured, source: 'config' };
  const file = join(options.dataDir, TOKEN_FILE);
  const stored = readStored(file);
  if (stored) return { token: stored, source: 'file' };
  const token = randomBytes(32).toString('base64url');
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx': never overwrite a token file (another process's, or one an operator left broken).
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${file} holds no valid token (at least ${MIN_LENGTH} characters): fix it, or delete it to generate a new one`);
    throw err;
  }
  options.print(`JSScada API token (send as "Authorization: Bearer <token>"; saved in ${file}, shown only this once): ${token}`);
  return { token, source: 'generated' };
}

function readStored(file: string): string | null {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text.length >= MIN_LENGTH ? text : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Constant-time check: both sides are hashed first, so timingSafeEqual always compares 32 bytes
 * and neither the content nor the length of the token leaks through timing.
 */
export function tokenMatcher(expected: string): (given: string) => boolean {
  const want = digest(expected);
  return (given) => timingSafeEqual(digest(given), want);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
