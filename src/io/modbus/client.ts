import { connect, type Socket } from 'node:net';
import modbusSerial from 'modbus-serial';
import { CommError } from '../errors.js';
import type { ModbusTable } from './address.js';
import { ModbusExceptionError, ModbusProtocolError, type ModbusRequestInfo } from './exceptions.js';
import { mapClientError } from './client-errors.js';

/**
 * One Modbus TCP session: a socket we own plus a modbus-serial client on it.
 *
 * Why we connect the socket ourselves and hand it over with `linkTCP` instead of `connectTCP`:
 * modbus-serial has no connect timeout, and after a socket error it never tells its user that
 * the connection is gone (its port clears `openFlag` on 'error', then skips its own 'close'
 * event), so a request sent then would hang forever. Owning the socket gives us the abortable
 * connect and a reliable 'close'.
 *
 * Stale replies: modbus-serial tags each request with an MBAP transaction id and ignores replies
 * whose transaction timed out, but the ids wrap at 256 and an abandoned request stays matchable
 * until modbus-serial's own timer fires. So after ANY timeout, abort or malformed reply we drop
 * the whole session: a late answer then arrives on a dead socket and can never be taken as the
 * answer to the next request.
 */

const ModbusRTU = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusRTU>;

export interface ModbusSessionOptions {
  readonly host: string;
  readonly port: number;
  readonly unitId: number;
  /** modbus-serial's own per-request timeout: a backstop behind the device link's timeout. */
  readonly backstopTimeoutMs: number;
}

const FUNCTION_CODE: Readonly<Record<ModbusTable, number>> = { coil: 1, discrete: 2, holding: 3, input: 4 };

export class ModbusSession {
  private dead = false;
  private deathReason: CommError | null = null;
  private failPending: ((err: CommError) => void) | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly client: ModbusClient,
    private readonly options: ModbusSessionOptions,
  ) {
    socket.on('error', (err) => {
      this.deathReason ??= new CommError('CONNECTION_LOST', `connection to ${this.where()} lost: ${err.message}`, { cause: err });
    });
    socket.on('close', () => this.kill(this.deathReason ?? new CommError('CONNECTION_CLOSED', `${this.where()} closed the connection`)));
    // modbus-serial re-emits port errors; an unheard 'error' event would crash the process.
    client.on('error', () => undefined);
  }

  /** Connect and wrap. Rejects with CommError; `signal` aborts the connect (connect timeout). */
  static open(options: ModbusSessionOptions, signal: AbortSignal): Promise<ModbusSession> {
    return new Promise<ModbusSession>((resolve, reject) => {
      const where = `${options.host}:${options.port}`;
      if (signal.aborted) {
        reject(new CommError('CONNECT_ABORTED', `connect to ${where} aborted`, { cause: signal.reason }));
        return;
      }
      const socket = connect({ host: options.host, port: options.port });
      const onAbort = (): void => {
        socket.destroy();
        reject(new CommError('CONNECT_TIMEOUT', `no connection to ${where} (connect timed out or was aborted)`, { cause: signal.reason }));
      };
      const onError = (err: Error): void => {
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(new CommError('CONNECT_FAILED', `cannot connect to ${where}: ${err.message}`, { cause: err }));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', onError);
      socket.once('connect', () => {
        signal.removeEventListener('abort', onAbort);
        socket.off('error', onError);
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 10_000);
        const client = new ModbusRTU();
        const session = new ModbusSession(socket, client, options);
        // On an open socket linkTCP only wires listeners; it fails only if the socket died meanwhile.
        void client.linkTCP(socket, { port: options.port }).then(
          () => {
            // Set after linkTCP: set before, modbus-serial would also arm an idle timeout on the socket.
            client.setID(options.unitId);
            client.setTimeout(options.backstopTimeoutMs);
            resolve(session);
          },
          (err: unknown) => {
            socket.destroy();
            reject(new CommError('CONNECT_FAILED', `cannot set up Modbus on ${where}`, { cause: err }));
          },
        );
      });
    });
  }

  /** True once the socket closed or we dropped the session; the link then opens a new one. */
  get closed(): boolean {
    return this.dead;
  }

  /** FC03/FC04: `count` registers from `address`, as wire bytes (big-endian per register). */
  readRegisters(table: 'holding' | 'input', address: number, count: number, signal: AbortSignal): Promise<Uint8Array> {
    const req = this.info(FUNCTION_CODE[table], address, count);
    const run = table === 'holding' ? () => this.client.readHoldingRegisters(address, count) : () => this.client.readInputRegisters(address, count);
    return this.call(req, signal, async () => {
      const reply = await run();
      return this.checkedBytes(reply.buffer, count * 2, req);
    });
  }

  /** FC01/FC02: `count` bits from `address`, packed as on the wire (bit 0 = LSB of byte 0). */
  readBits(table: 'coil' | 'discrete', address: number, count: number, signal: AbortSignal): Promise<Uint8Array> {
    const req = this.info(FUNCTION_CODE[table], address, count);
    const run = table === 'coil' ? () => this.client.readCoils(address, count) : () => this.client.readDiscreteInputs(address, count);
    return this.call(req, signal, async () => {
      const reply = await run();
      return this.checkedBytes(reply.buffer, Math.ceil(count / 8), req);
    });
  }

  /** FC05: force one coil. */
  async writeCoil(address: number, value: boolean, signal: AbortSignal): Promise<void> {
    await this.call(this.info(5, address, 1), signal, () => this.client.writeCoil(address, value));
  }

  /**
   * FC22: set or clear one bit of a holding register. The device applies the masks atomically, so
   * the PLC's other bits in that register cannot be overwritten by a stale read-modify-write.
   */
  async writeRegisterBit(address: number, bit: number, value: boolean, signal: AbortSignal): Promise<void> {
    const mask = 1 << bit;
    await this.call(this.info(22, address, 1), signal, () =>
      this.client.maskWriteRegister(address, 0xffff & ~mask, value ? mask : 0),
    );
  }

  /** Close the connection; never throws. */
  close(): Promise<void> {
    this.kill(new CommError('CONNECTION_CLOSED', `connection to ${this.where()} closed by us`));
    return Promise.resolve();
  }

  private where(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  private info(functionCode: number, address: number, quantity: number): ModbusRequestInfo {
    return { unitId: this.options.unitId, functionCode, address, quantity };
  }

  private checkedBytes(buffer: Uint8Array, expected: number, req: ModbusRequestInfo): Uint8Array {
    if (buffer.length !== expected) {
      throw new ModbusProtocolError(`expected ${expected} data bytes, got ${buffer.length}`, req);
    }
    return buffer;
  }

  private kill(reason: CommError): void {
    if (this.dead) return;
    this.dead = true;
    this.deathReason ??= reason;
    this.failPending?.(reason);
    this.failPending = null;
    this.socket.destroy();
  }

  /**
   * Run one request. Resolves with its reply, or rejects with ModbusExceptionError (session kept),
   * ModbusProtocolError or CommError (session dropped).
   */
  private call<T>(req: ModbusRequestInfo, signal: AbortSignal, run: () => Promise<T>): Promise<T> {
    if (this.dead) return Promise.reject(this.deathReason ?? new CommError('CONNECTION_CLOSED', `connection to ${this.where()} is closed`));
    if (this.failPending) return Promise.reject(new Error('ModbusSession runs one request at a time (device link concurrency must be 1)'));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (err: unknown, value?: T): void => {
        if (settled) return;
        settled = true;
        this.failPending = null;
        signal.removeEventListener('abort', onAbort);
        if (err === undefined) {
          resolve(value as T);
          return;
        }
        if (!(err instanceof ModbusExceptionError)) this.kill(err instanceof CommError ? err : new CommError('DROPPED', 'session dropped after a bad reply'));
        reject(err);
      };
      const onAbort = (): void => {
        const reason: unknown = signal.reason;
        finish(reason instanceof CommError ? reason : new CommError('REQUEST_ABORTED', `no reply from ${this.where()} before the request was aborted (timeout)`, { cause: reason }));
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      this.failPending = (err) => finish(err);
      void run().then(
        (value) => finish(undefined, value),
        (err: unknown) => finish(mapClientError(err, req, this.where())),
      );
    });
  }
}
