import type { Logger } from 'pino';
import { startMcSimulator, type McSimulator } from '../io/mc/simulator/index.js';
import { DEMO_MOTION, startModbusSimulator } from '../io/modbus/simulator/index.js';
import type { MotionSpec } from '../io/mc/simulator/motion.js';

export interface DemoPlant {
  readonly ports: { readonly line1: number; readonly line2: number; readonly pumps: number };
  close(): Promise<void>;
}

/** line1's moving values (MC binary): see config/demo.yaml for the tags that read them. */
const LINE1: MotionSpec[] = [
  { kind: 'ramp', address: 'D100', count: 2, type: 'int16', min: 200, max: 990, periodMs: 60_000 },
  { kind: 'sine', address: 'D200', type: 'float32', center: 50, amplitude: 30, periodMs: 30_000 },
  { kind: 'sine', address: 'D210', type: 'float32', center: 500, amplitude: 20, periodMs: 45_000 },
  { kind: 'counter', address: 'D300', type: 'int32', step: 1 },
  { kind: 'ramp', address: 'D400', type: 'int16', min: 0, max: 500, periodMs: 4_000 },
  { kind: 'random-bits', address: 'M0', count: 32, probability: 0.05 },
];

/** line2's moving values (MC ASCII, 4E). */
const LINE2: MotionSpec[] = [
  { kind: 'sine', address: 'D500', count: 2, type: 'float32', center: 220, amplitude: 30, periodMs: 120_000 },
  { kind: 'random-bits', address: 'X0', count: 32, probability: 0.02 },
];

/**
 * Start the demo's simulated PLCs on loopback: two MC modules (binary 3E, ASCII 4E) and a Modbus
 * device, on the ports config/demo.yaml names (or others, for tests). line1 also runs a small
 * "PLC program" for the batch handshake: every 5 s it raises M100, drops it when the collector
 * answers with M101 — the classic PLC/SCADA handshake the batch-report group follows.
 */
export async function startDemoPlant(logger: Logger, ports = { line1: 5001, line2: 5002, pumps: 5020 }): Promise<DemoPlant> {
  const started: { close(): Promise<void> }[] = [];
  try {
    const line1 = await startMcSimulator({ port: ports.line1, encoding: 'binary', motion: LINE1, motionIntervalMs: 100, seed: 7 });
    started.push(line1);
    const line2 = await startMcSimulator({ port: ports.line2, encoding: 'ascii', motion: LINE2, motionIntervalMs: 250, seed: 11 });
    started.push(line2);
    line2.memory.setString('D600', 'RECIPE-7', 4);
    const pumps = await startModbusSimulator({ port: ports.pumps, motion: DEMO_MOTION });
    started.push(pumps);
    const program = runBatchHandshake(line1);
    started.push({ close: async () => clearInterval(program) });
    logger.info({ line1: line1.port, line2: line2.port, pumps: pumps.port }, 'demo PLC simulators listening on 127.0.0.1');
    return {
      ports: { line1: line1.port, line2: line2.port, pumps: pumps.port },
      close: async () => void (await Promise.all(started.map((s) => s.close()))),
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.close().catch(() => undefined)));
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`a demo PLC port is already in use (${(err as Error).message}); is another demo running?`);
    throw err;
  }
}

function runBatchHandshake(plc: McSimulator): NodeJS.Timeout {
  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
    const trigger = plc.memory.getBit('M100');
    const ack = plc.memory.getBit('M101');
    if (trigger && ack) plc.memory.setBit('M100', false);
    else if (!trigger && !ack && ticks % 50 === 0) plc.memory.setBit('M100', true);
  }, 100);
  timer.unref();
  return timer;
}
