import type { Encoding } from '../codec/wire.js';
import type { McSeries } from '../devices.js';
import { limitsFor, type McLimits } from '../limits.js';
import { DEFAULT_FAULTS, type McFaults } from './faults.js';
import { McMemory } from './memory.js';
import { createMotion, type MotionController, type MotionSpec } from './motion.js';
import { McServer, type McServerStats } from './server.js';
import { McUdpServer } from './udp-server.js';

export interface McSimulatorOptions {
  /** 0 (default) picks a free port; read the bound one from the result. */
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  /** One encoding per listener, like a real module port. Default binary. */
  readonly encoding?: Encoding | undefined;
  /** Device numbering (fx: X/Y octal), iQ-R extended subcommands, limits. Default q. */
  readonly series?: McSeries | undefined;
  /** Points (bit devices) or words (word devices) per device; defaults: a Q CPU's. */
  readonly sizes?: Readonly<Record<string, number>> | undefined;
  readonly limits?: Partial<McLimits> | undefined;
  readonly faults?: Partial<McFaults> | undefined;
  /** Moving values for the demo; started at once when `motionIntervalMs` is given. */
  readonly motion?: readonly MotionSpec[] | undefined;
  readonly motionIntervalMs?: number | undefined;
  readonly seed?: number | undefined;
  /** Frames the port speaks: '3e4e' (default) or '1e' (an FX3 Ethernet adapter; the default for series fx3). */
  readonly frames?: '3e4e' | '1e' | undefined;
  /** TCP (default) or UDP: one request per datagram, replies to the sender. */
  readonly transport?: 'tcp' | 'udp' | undefined;
}

export interface McSimulator {
  readonly port: number;
  readonly host: string;
  readonly encoding: Encoding;
  readonly frames: '3e4e' | '1e';
  readonly transport: 'tcp' | 'udp';
  readonly memory: McMemory;
  /** Mutable at run time: `sim.faults.silent = true`. */
  readonly faults: McFaults;
  readonly motion: MotionController;
  readonly stats: McServerStats;
  /** UDP: request datagrams dropped by the dropRequests fault. */
  readonly dropped: () => number;
  /** Close every open connection (the listener stays): a PLC power blip. No-op over UDP. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Start a simulated MC module listening on TCP or UDP. */
export async function startMcSimulator(options: McSimulatorOptions = {}): Promise<McSimulator> {
  const series = options.series ?? 'q';
  const encoding = options.encoding ?? 'binary';
  const host = options.host ?? '127.0.0.1';
  const memory = new McMemory(series, options.sizes);
  const faults: McFaults = { ...DEFAULT_FAULTS, ...options.faults };
  const limits = { ...limitsFor(series, encoding), ...options.limits };
  const frames = options.frames ?? (series === 'fx3' ? '1e' : '3e4e');
  const transport = options.transport ?? 'tcp';
  const serverOptions = { encoding, series, memory, faults, limits, frames };
  const server = transport === 'udp' ? new McUdpServer(serverOptions) : new McServer(serverOptions);
  const motion = createMotion(memory, options.motion ?? [], options.seed);
  const port = await server.listen(options.port ?? 0, host);
  if (options.motionIntervalMs !== undefined) motion.start(options.motionIntervalMs);
  return {
    port,
    host,
    encoding,
    frames,
    transport,
    memory,
    faults,
    motion,
    stats: server.stats,
    dropped: () => (server instanceof McUdpServer ? server.dropped : 0),
    dropConnections: () => {
      if (server instanceof McServer) server.dropConnections();
    },
    close: async () => {
      motion.stop();
      await server.close();
    },
  };
}

export { McMemory, DEFAULT_DEVICE_SIZES, type ValueOptions } from './memory.js';
export { DEFAULT_FAULTS, type McFaults, type McRefusal } from './faults.js';
export type { MotionSpec, MotionController, MotionValueType } from './motion.js';
export { handleRequest, SimEndCode } from './handler.js';
export { handle1eRequest, Sim1eCode } from './handler-1e.js';
