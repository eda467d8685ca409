/**
 * A child process that runs loopback PLC simulators for a figure, so the simulators' CPU never
 * counts against the process being measured and they get the machine's other core.
 * Started by startSimHost(); reports the bound ports over IPC; exits when the parent goes.
 */
import { fileURLToPath } from 'node:url';
import { startMcSimulator, type McSimulator } from '../../src/io/mc/simulator/index.js';
import type { McFaults } from '../../src/io/mc/simulator/faults.js';
import { startModbusSimulator, type ModbusSimulator } from '../../src/io/modbus/simulator/index.js';
import { forkTracked, stopChild } from './proc.js';

export interface SimSpec {
  readonly mc?: readonly { readonly encoding?: 'binary' | 'ascii'; readonly faults?: Partial<McFaults>; readonly fillWords?: number }[];
  /** Holding registers 0..fillRegisters-1 get varied values. */
  readonly modbus?: readonly { readonly fillRegisters?: number }[];
}

export interface SimStats {
  readonly mcRequests: number[];
  readonly modbusRequests: number[];
}

export interface SimHost {
  readonly mcPorts: readonly number[];
  readonly modbusPorts: readonly number[];
  readonly pid: number;
  stats(): Promise<SimStats>;
  close(): Promise<void>;
}

/** Distinct values per word, so stored rows look like data and not a table of zeros. */
function varied(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i * 7919) % 30000);
}

async function host(spec: SimSpec): Promise<void> {
  const mc: McSimulator[] = [];
  const modbus: ModbusSimulator[] = [];
  for (const s of spec.mc ?? []) {
    const sim = await startMcSimulator({ encoding: s.encoding ?? 'binary', faults: s.faults });
    if (s.fillWords) sim.memory.setWords('D0', varied(s.fillWords));
    mc.push(sim);
  }
  for (const s of spec.modbus ?? []) {
    const sim = await startModbusSimulator({ port: 0 });
    if (s.fillRegisters) sim.memory.setRegisters('holding', 0, varied(s.fillRegisters));
    modbus.push(sim);
  }
  const close = async (): Promise<void> => {
    await Promise.all([...mc.map((s) => s.close()), ...modbus.map((s) => s.close())]);
    process.exit(0);
  };
  process.on('message', (message: { stats?: boolean; close?: boolean }) => {
    if (message.close) void close();
    else if (message.stats) process.send!({ stats: { mcRequests: mc.map((s) => s.stats.requests), modbusRequests: modbus.map((s) => s.requestCount()) } });
  });
  process.on('disconnect', () => void close());
  process.on('SIGTERM', () => void close());
  process.send!({ ports: { mc: mc.map((s) => s.port), modbus: modbus.map((s) => s.port) } });
}

/** Fork the simulator host and wait until every simulator listens. */
export async function startSimHost(spec: SimSpec): Promise<SimHost> {
  const self = fileURLToPath(import.meta.url);
  // The simulators are never profiled: bench/profile.ts is about the collector.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--cpu-prof'));
  const child = forkTracked(self, ['sim-host', JSON.stringify(spec)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ports = await new Promise<{ mc: number[]; modbus: number[] }>((resolve, reject) => {
    child.once('message', (m: { ports: { mc: number[]; modbus: number[] } }) => resolve(m.ports));
    child.once('exit', (code) => reject(new Error(`simulator host exited (${code}) before listening`)));
  });
  return {
    mcPorts: ports.mc,
    modbusPorts: ports.modbus,
    pid: child.pid!,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (m: { stats: SimStats }) => resolve(m.stats));
        child.send({ stats: true });
      }),
    close: async () => {
      if (child.connected) child.send({ close: true });
      await stopChild(child, 3000, 3000);
    },
  };
}

if (process.argv[2] === 'sim-host') {
  host(JSON.parse(process.argv[3]!) as SimSpec).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
