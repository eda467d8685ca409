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
  if (err instanceof Error) return err.message ? `${err.name}: ${err.message}` : err.name;
  return String(err);
}
