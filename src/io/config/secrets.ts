import { readFileSync } from 'node:fs';
import { ConfigError, formatPath, type ConfigIssue } from './config-error.js';

/**
 * Secrets in the configuration: any field named `password` or `token` (the sink password,
 * server.token, and whatever password field comes later) and the password inside a URL
 * (`postgres://user:PASSWORD@host/db`). They never leave the process: exports carry the
 * marker below instead, and importing a file that carries the marker keeps the secret the store
 * already holds at the same place, so an export can be edited and imported back safely.
 */

/** What an export shows in place of a secret. URL-safe, and long enough for server.token's rule. */
export const REDACTED = '__REDACTED_SECRET__';

const SECRET_KEYS = new Set(['password', 'token']);
/** scheme://user:password@ ... ; the password is group 2. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:)([^@/?#]*)(@.*)$/is;

type Json = unknown;

/** A deep copy of `value` with every secret replaced by REDACTED. */
export function redactSecrets<T>(value: T): T {
  return walk(value, undefined) as T;
}

/**
 * redactSecrets for a whole plant: every part but the tags is walked (tags have no secret
 * field, and copying 100,000 of them would only hold up the event loop); the tag lists are shared.
 */
export function redactPlant<P extends { readonly groups: readonly { readonly tags: readonly unknown[] }[] }>(plant: P): P {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plant)) {
    out[key] =
      key === 'groups'
        ? plant.groups.map((g) => {
            const { tags, ...fields } = g;
            return { ...(walk(fields, undefined) as object), tags };
          })
        : walk(value, key);
  }
  return out as P;
}

function walk(value: Json, key: string | undefined): Json {
  if (typeof value === 'string') {
    if (key !== undefined && SECRET_KEYS.has(key)) return value === '' ? value : REDACTED;
    const url = URL_PASSWORD.exec(value);
    return url && url[2] !== '' ? `${url[1]}${REDACTED}${url[3]}` : value;
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, undefined));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, k);
    return out;
  }
  return value;
}

/** True when some field of `value` still carries the marker. */
export function hasRedacted(value: Json): boolean {
  if (typeof value === 'string') return value.includes(REDACTED);
  if (Array.isArray(value)) return value.some(hasRedacted);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasRedacted);
  return false;
}

/**
 * Put back the secrets that `incoming` shows as REDACTED, taken from `stored` at the same path
 * (array items with a `name` are matched by name). A marker with no stored secret behind it is an
 * error naming the field: writing the marker itself as a password would fail much later, and
 * far from the cause.
 */
export function restoreSecrets<T>(incoming: T, stored: unknown, source: string): T {
  const issues: ConfigIssue[] = [];
  const out = restore(incoming, stored, [], issues) as T;
  if (issues.length > 0) throw new ConfigError(source, issues);
  return out;
}

function restore(value: Json, stored: Json, path: (string | number)[], issues: ConfigIssue[]): Json {
  if (typeof value === 'string') {
    if (!value.includes(REDACTED)) return value;
    if (value === REDACTED) {
      if (typeof stored === 'string' && stored !== '' && !stored.includes(REDACTED)) return stored;
    } else {
      const url = URL_PASSWORD.exec(value);
      const storedUrl = typeof stored === 'string' ? URL_PASSWORD.exec(stored) : null;
      if (url?.[2] === REDACTED && storedUrl && storedUrl[2] !== '' && !storedUrl[2]!.includes(REDACTED)) return `${url[1]}${storedUrl[2]}${url[3]}`;
    }
    issues.push({
      path: formatPath(path),
      message: `the secret is redacted (${REDACTED}, from an export) and the store holds none to keep here: write the secret, or use passwordFile or the environment`,
    });
    return value;
  }
  if (Array.isArray(value)) {
    const list = Array.isArray(stored) ? stored : [];
    return value.map((item, i) => {
      const name = nameOf(item);
      const match = name !== undefined ? list.find((s) => nameOf(s) === name) : list[i];
      return restore(item, match, [...path, i], issues);
    });
  }
  if (value !== null && typeof value === 'object') {
    const from = stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = restore(v, from[k], [...path, k], issues);
    return out;
  }
  return value;
}

function nameOf(item: Json): string | undefined {
  const name = item !== null && typeof item === 'object' ? (item as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/**
 * A password kept in its own file (`passwordFile`: a Docker/systemd secret, mode 0600), read at
 * start. One trailing newline is dropped (editors add one); the rest is the password.
 */
export function readSecretFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read passwordFile ${file}: ${(err as Error).message}`, { cause: err });
  }
  return text.replace(/\r?\n$/, '');
}
