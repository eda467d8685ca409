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

/** The device answered, but with an error (MC end code, Modbus exception). The link stays up. */
export class DeviceError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeviceError';
    this.code = code;
  }
}

/** Short text for logs and status fields: "Name: message". */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message ? `${err.name}: ${err.message}` : err.name;
  return String(err);
}
