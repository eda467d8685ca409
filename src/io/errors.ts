/**
 * Typed errors shared across layers. Each has a stable `code` so that one place
 * (src/http) can map it to a response and logs can be searched by it.
 */

/** A tag address that cannot be parsed or does not suit the device (e.g. "D100.G", "X1G" on a Q series). */
export class AddressError extends Error {
  readonly code = 'ADDRESS_INVALID';
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(`bad address "${address}": ${reason}`);
    this.name = 'AddressError';
  }
}

/** The device could not be reached or the conversation broke (connect, timeout, socket closed). */
export class CommError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommError';
    this.code = code;
  }
}

export interface DeviceErrorOptions {
  readonly cause?: unknown;
  /**
   * The device refused the addresses asked for, not the request as a whole: an MC end code such
   * as C056 (out of range) or a Modbus exception 02 (illegal data address). The device is fine
   * (it stays ONLINE); the read plan isolates the refused tags. Default false.
   */
  readonly addressRefused?: boolean | undefined;
  /** The device's answer in short, for status fields: "C056 ADDRESS_OUT_OF_RANGE". Default: the message. */
  readonly answer?: string | undefined;
}

/** The device answered, but with an error (MC end code, Modbus exception). The link stays up. */
export class DeviceError extends Error {
  readonly code: string;
  readonly addressRefused: boolean;
  readonly answer: string;
  constructor(code: string, message: string, options?: DeviceErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeviceError';
    this.code = code;
    this.addressRefused = options?.addressRefused ?? false;
    this.answer = options?.answer ?? message;
  }
}

/** True for a device answer that refuses the addresses asked for (see DeviceErrorOptions). */
export function isAddressRefusal(err: unknown): err is DeviceError {
  return err instanceof DeviceError && err.addressRefused;
}

/** Short text for logs and status fields: "Name: message". */
export function describeError(err: unknown): string {
  if (err instanceof Error && err.message) return `${err.name}: ${err.message}`;
  return errorMessage(err);
}

/**
 * A readable one-line message for anything thrown, never "[object Object]". Not everything
 * thrown is an Error: a better-sqlite3 SqliteError that crossed a worker thread arrives as a
 * plain `{ code }` (its message is not an own enumerable field, so structured clone drops it),
 * libraries reject with strings or undefined, and a plain object's String() says nothing.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || withCode(err.name || 'Error', codeOf(err));
  if (typeof err === 'string') return err.trim() === '' ? 'unknown error (an empty message)' : err;
  if (err === undefined || err === null) return `unknown error (${String(err)} was thrown)`;
  if (typeof err === 'object') {
    const loose = err as { message?: unknown; code?: unknown };
    const code = codeOf(err);
    if (typeof loose.message === 'string' && loose.message !== '') return withCode(loose.message, code);
    if (code) return `error ${code}`;
    return `unknown error: ${shortJson(err)}`;
  }
  return String(err);
}

function codeOf(err: object): string | null {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : null;
}

function withCode(message: string, code: string | null): string {
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function shortJson(value: object): string {
  const kind = (value.constructor as { name?: string } | undefined)?.name || 'object';
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined; // a cycle or a BigInt
  }
  if (text === undefined) text = `a ${kind} with keys ${Object.keys(value).slice(0, 8).join(', ') || '(none)'}`;
  if (text === '{}') text = `an empty ${kind}`;
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
