import { afterEach } from 'vitest';
import { McClient, type McClientOptions, type McRequest } from '../../../src/io/mc/client.js';
import { DEFAULT_ROUTE, encodeRequestFrame } from '../../../src/io/mc/codec/frame.js';
import type { McCommand } from '../../../src/io/mc/codec/requests.js';
import type { Encoding, FrameType } from '../../../src/io/mc/codec/wire.js';
import { startMcSimulator, type McSimulator, type McSimulatorOptions } from '../../../src/io/mc/simulator/index.js';

/** Simulators and clients opened by a test, closed after it. */
const opened: { close(): Promise<void> }[] = [];

afterEach(async () => {
  const all = opened.splice(0);
  await Promise.all(all.map((x) => x.close().catch(() => undefined)));
});

export async function simulator(options: McSimulatorOptions = {}): Promise<McSimulator> {
  const sim = await startMcSimulator(options);
  opened.push(sim);
  return sim;
}

export async function client(sim: McSimulator, options: Partial<McClientOptions> & { frame: McClientOptions['frame'] }): Promise<McClient> {
  const c = await McClient.connect({ host: '127.0.0.1', port: sim.port, encoding: sim.encoding, timeoutMs: 5_000, ...options });
  opened.push(c);
  return c;
}

/** A command framed for a client (monitoring timer 4 = 1 s unless given). */
export function framed(command: McCommand, frame: FrameType, encoding: Encoding, monitoringTimer = 4): McRequest {
  return { frame: encodeRequestFrame({ frame, encoding, route: DEFAULT_ROUTE, monitoringTimer }, command.command, command.subcommand, command.body), label: command.label };
}

/** Wait until `check` passes (polling), for conditions reached through sockets and timers. */
export async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const COMBOS = [
  { frame: '3e', encoding: 'binary' },
  { frame: '3e', encoding: 'ascii' },
  { frame: '4e', encoding: 'binary' },
  { frame: '4e', encoding: 'ascii' },
] as const satisfies readonly { frame: FrameType; encoding: Encoding }[];
