import { createServer, type Server, type Socket } from 'node:net';
import { ExceptionCode } from '../exceptions.js';
import { ModbusFaults } from './faults.js';
import { encodeMbap, MbapReader } from './mbap.js';
import { ModbusMemory } from './memory.js';
import { createMotion, type MotionConfig, type MotionController } from './motion.js';
import { exceptionPdu, FULL_TABLES, handlePdu, type Hole, type TableSizes } from './pdu.js';

/**
 * Our own Modbus TCP server for tests and the demo: MBAP framing, the PDU handler over a memory
 * model, unit ids, fault switches and motion. Each connection answers its requests one at a
 * time, in order, like a real single-CPU device.
 */

const RESET_AFTER_MS = 10;

export interface ModbusSimulatorOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: an ephemeral port (read it back from `port`). */
  readonly port?: number;
  /**
   * Unit ids that answer, each with its own memory (a gateway with devices behind it), or 'any':
   * every unit id answers from one shared memory. Default [1].
   */
  readonly unitIds?: readonly number[] | 'any';
  /** What other unit ids get: no answer at all (default), or exception 0x0B as a gateway would. */
  readonly unknownUnit?: 'silence' | 'gateway-exception';
  /** Entries per table that exist; requests beyond get exception 02. Default 65,536 each. */
  readonly tableSizes?: Partial<TableSizes>;
  /** Unmapped ranges inside the tables (a sparse register map); any access gets exception 02. */
  readonly holes?: readonly Hole[];
  /** Start moving values at once with this config. */
  readonly motion?: MotionConfig;
}

export interface ModbusSimulator {
  readonly host: string;
  readonly port: number;
  /** Memory of the first unit id (or the shared memory for 'any'). */
  readonly memory: ModbusMemory;
  /** Memory of a unit id; throws for a unit that does not answer. */
  memoryOf(unitId: number): ModbusMemory;
  readonly faults: ModbusFaults;
  /** Moves the values of `memory` (the first unit). */
  readonly motion: MotionController;
  /** Open client connections. */
  connectionCount(): number;
  /** Requests received (answered or not), for tests. */
  requestCount(): number;
  /** Stop motion, drop every connection, stop listening. */
  close(): Promise<void>;
}

export async function startModbusSimulator(options: ModbusSimulatorOptions = {}): Promise<ModbusSimulator> {
  const host = options.host ?? '127.0.0.1';
  const unitIds = options.unitIds ?? [1];
  const sizes: TableSizes = { ...FULL_TABLES, ...options.tableSizes };
  const memories = new Map<number, ModbusMemory>();
  const shared = new ModbusMemory();
  if (unitIds !== 'any') {
    if (unitIds.length === 0) throw new RangeError('unitIds must name at least one unit (or be "any")');
    unitIds.forEach((id, i) => memories.set(id, i === 0 ? shared : new ModbusMemory()));
  }
  const memoryFor = (unitId: number): ModbusMemory | undefined => (unitIds === 'any' ? shared : memories.get(unitId));
  const faults = new ModbusFaults();
  const motion = createMotion(shared);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  let closing = false;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const holes = options.holes ?? [];
  const refusedRanges = (): readonly Hole[] => (faults.current.refuse.length === 0 ? holes : [...holes, ...faults.current.refuse]);

  async function send(socket: Socket, frame: Buffer): Promise<void> {
    const settings = faults.current;
    if (settings.resetMidResponse) {
      socket.write(frame.subarray(0, Math.max(1, frame.length >> 1)));
      // Let the client read the half frame first: an RST that arrives together with the data is
      // seen by Linux as a plain close, and we want the reset itself on the wire.
      await wait(RESET_AFTER_MS);
      if (!socket.destroyed) socket.resetAndDestroy();
      return;
    }
    if (settings.splitBytes > 0) {
      for (let at = 0; at < frame.length && !socket.destroyed; at += settings.splitBytes) {
        socket.write(frame.subarray(at, at + settings.splitBytes));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return;
    }
    socket.write(frame);
  }

  async function serve(socket: Socket, transactionId: number, unitId: number, pdu: Uint8Array): Promise<void> {
    requests++;
    if (faults.current.silent) return;
    const memory = memoryFor(unitId);
    const fc = pdu[0] ?? 0;
    let reply: Uint8Array;
    if (!memory) {
      if ((options.unknownUnit ?? 'silence') === 'silence') return;
      reply = exceptionPdu(fc, ExceptionCode.GATEWAY_TARGET_FAILED);
    } else {
      const forced = faults.current.exception;
      // The reply is computed now and sent after the delay: a late reply carries old values.
      reply = forced !== null ? exceptionPdu(fc, forced) : handlePdu(pdu, memory, sizes, refusedRanges());
    }
    const delay = faults.takeDelay();
    if (delay > 0) await wait(delay);
    if (socket.destroyed || closing) return;
    await send(socket, encodeMbap(transactionId, unitId, reply));
  }

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const reader = new MbapReader();
    let queue: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      for (const item of reader.push(chunk)) {
        if (item.kind === 'error') {
          // No way to find the next frame boundary: drop the connection, as a device would.
          socket.destroy();
          return;
        }
        queue = queue.then(() => serve(socket, item.transactionId, item.unitId, item.pdu)).catch(() => {
          socket.destroy();
        });
      }
    });
    // A client vanishing (ECONNRESET) is normal traffic for a test device, not a crash.
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  if (options.motion) motion.start(options.motion);

  return {
    host,
    port,
    memory: shared,
    memoryOf(unitId) {
      const memory = memoryFor(unitId);
      if (!memory) throw new RangeError(`unit ${unitId} does not answer on this simulator`);
      return memory;
    },
    faults,
    motion,
    connectionCount: () => sockets.size,
    requestCount: () => requests,
    async close() {
      closing = true;
      motion.stop();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
