import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { startCollector, type RunningCollector } from '../../../src/app.js';
import type { PlantConfig, PlantInput, TagConfig } from '../../../src/io/config/schema.js';
import { validatePlant } from '../../../src/io/config/validate.js';
import type { McSimulator } from '../../../src/io/mc/simulator/index.js';
import type { ModbusSimulator } from '../../../src/io/modbus/simulator/index.js';
import { silentLogger } from '../../../src/log.js';
import { onCleanup } from './harness.js';

/**
 * Plants for the torture tests: int16 tags whose simulator value is a known function of the
 * address, so every stored good value can be checked, and collectors that are always stopped.
 */

type TagInput = Omit<Partial<TagConfig>, 'name' | 'address'> & { name: string; address: string };

/** `count` int16 tags named `${prefix}${i}` at `${device}${base + i}`. */
export function wordTags(prefix: string, count: number, base = 0, device = 'D'): TagInput[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i}`, address: `${device}${base + i}`, type: 'int16' as const }));
}

/** `blocks` runs of `size` words, 1,000 words apart: the MC planner reads each run with its own request. */
export function blockTags(prefix: string, blocks: number, size: number): TagInput[] {
  return Array.from({ length: blocks }, (_, b) => wordTags(`${prefix}b${b}_`, size, b * 1000)).flat();
}

/** The value the simulators hold at word `address` in generation `gen` (gen moves the values after a fault). */
export function wordValue(address: number, gen = 0): number {
  return ((address * 7 + gen * 1000 + 13) % 30000) - 15000;
}

/** Fill the D words (MC) of `tags` with wordValue(address, gen). */
export function fillMc(sim: McSimulator, tags: readonly TagInput[], gen = 0): void {
  for (const t of tags) {
    const m = /^D(\d+)$/.exec(t.address);
    if (m) sim.memory.setValue(t.address, 'int16', wordValue(Number(m[1]), gen));
  }
}

/** Fill the holding registers (Modbus) of `tags` with wordValue(address, gen). */
export function fillModbus(sim: ModbusSimulator, tags: readonly TagInput[], gen = 0): void {
  for (const t of tags) {
    const m = /^HR(\d+)$/.exec(t.address);
    if (m) sim.memory.set(t.address, 'int16', wordValue(Number(m[1]), gen));
  }
}

/** The expected good value of a tag by its address (D or HR words). */
export function expectedValue(address: string, gen = 0): number | undefined {
  const m = /^(?:D|HR)(\d+)$/.exec(address);
  return m ? wordValue(Number(m[1]), gen) : undefined;
}

/** Validate a plant as the YAML import would (defaults filled, cross-checks run). */
export function plantOf(raw: PlantInput): PlantConfig {
  return validatePlant(raw, 'torture-plant');
}

/** A logger that keeps its JSON lines in memory, for assertions on what was logged. */
export function memoryLogger(level = 'info'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(chunk.toString());
      done();
    },
  });
  return {
    logger: pino({ level }, stream),
    lines: () => out.flatMap((s) => s.split('\n')).filter((s) => s.startsWith('{')).map((s) => JSON.parse(s) as Record<string, unknown>),
  };
}

/** startCollector without HTTP; stopped after the test even when it fails. */
export async function startInProcess(plant: PlantConfig, dataDir: string, logger: Logger = silentLogger()): Promise<RunningCollector> {
  const r = await startCollector({ plant, dataDir, logger });
  onCleanup('collectors', async () => {
    await r.stop();
  }, `collector in ${dataDir}`);
  return r;
}

/** Simulators (anything with close()): closed after the test. */
export function closeLater<T extends { close(): Promise<void>; port?: number }>(thing: T, label = `simulator on port ${thing.port ?? '?'}`, options: { knownHangMs?: number } = {}): T {
  const { knownHangMs } = options;
  onCleanup('simulators', async () => {
    if (knownHangMs === undefined) await thing.close();
    else await within(thing.close(), knownHangMs);
  }, label);
  return thing;
}

/** Wait for `p`, at most `ms` (for a close known to hang; see the bug it names). */
export async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([p.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return done;
}
