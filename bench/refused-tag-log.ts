/**
 * Issue 12, finding 7: log lines about device status per minute with one tag the PLC refuses.
 * A group of 10 (BENCH_GOOD) good words and one refused word (MC: D20000 with D refused from 10000 on, C056;
 * Modbus: HR20000 with HR refused from 10000 on, exception 02) polled every 100 ms by the real
 * collector over TCP against our simulators. Counts, per minute of polling:
 * - status lines: "device online", "device answered with an error", "device offline";
 * - tag lines: the refusal starting or clearing (logged once each, per tag);
 * - every warn-or-worse line.
 * Before the fix every poll flipped the device ERROR -> ONLINE (two status lines per poll).
 *
 * Run: npx tsx bench/refused-tag-log.ts     Env: BENCH_SECONDS (20 per protocol), BENCH_GOOD (10)
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { Collector } from '../src/actors/collector.js';
import { systemClock } from '../src/clock.js';
import { validatePlant } from '../src/io/config/validate.js';
import { startMcSimulator } from '../src/io/mc/simulator/index.js';
import { startModbusSimulator } from '../src/io/modbus/simulator/index.js';
import { protocolOf } from '../src/io/protocols.js';
import type { RowBatch, Sink } from '../src/io/sink/rows.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
// Good words in the group: 10 share one MC random read with the refused word; 100 get a batch read of their own.
const GOOD = Number(process.env.BENCH_GOOD ?? 10);
const STATUS = new Set(['device online', 'device answered with an error', 'device offline']);

const nullSink: Sink = {
  kind: 'null',
  write: (batch: RowBatch) => Promise.resolve({ inserted: batch.length, durationMs: 0 }),
  close: () => Promise.resolve(),
};

async function run(kind: 'mc' | 'modbus'): Promise<void> {
  const sim =
    kind === 'mc'
      ? await startMcSimulator({ faults: { refuse: [{ device: 'D', start: 10000 }] } })
      : await startModbusSimulator({});
  if ('set' in sim.faults) sim.faults.set({ refuse: [{ table: 'holding', start: 10000, count: 0x10000 - 10000 }] });
  const prefix = kind === 'mc' ? 'D' : 'HR';
  const tags = [...Array.from({ length: GOOD }, (_, i) => ({ name: `good${i}`, address: `${prefix}${i}` })), { name: 'refused', address: `${prefix}20000` }];
  const plant = validatePlant(
    {
      devices: [{ name: 'plc', protocol: kind === 'mc' ? 'mc3e' : 'modbus', port: sim.port, timeoutMs: 1000 }],
      groups: [{ name: 'g', device: 'plc', intervalMs: 100, tags }],
    },
    'bench',
  );
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const s of chunk.toString().split('\n')) if (s.startsWith('{')) lines.push(JSON.parse(s) as Record<string, unknown>);
      done();
    },
  });
  let id = 0;
  const stored = { plant, tagIds: new Map(plant.groups.flatMap((g) => g.tags.map((t) => [t.name, ++id] as const))) };
  const collector = new Collector(stored, { logger: pino({ level: 'info' }, stream), clock: systemClock, sink: nullSink, protocolOf });
  collector.start();
  const startedAt = Date.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const group = collector.groupStatus('g')!;
  const device = collector.devices()[0]!;
  await collector.shutdown({ drainTimeoutMs: 1000 });
  await sim.close();
  const perMinute = (n: number) => Math.round((n * 60) / SECONDS);
  const status = lines.filter((l) => STATUS.has(String(l.msg))).length;
  const tagLines = lines.filter((l) => typeof l.tag === 'string').length;
  const warn = lines.filter((l) => Number(l.level) >= 40).length;
  // After the first 2 s: what a plant running for months sees per minute.
  const steady = lines.filter((l) => STATUS.has(String(l.msg)) && Number(l.time) > startedAt + 2000).length;
  const polls = group.counters.pollsOk + group.counters.errors;
  console.log(
    `${kind.padEnd(6)} ${SECONDS} s, ${polls} polls (${group.counters.errors} failed): status lines ${status} (${perMinute(status)}/min; after the first 2 s: ${Math.round((steady * 60) / (SECONDS - 2))}/min), ` +
      `tag refusal lines ${tagLines}, warn+ lines ${warn} (${perMinute(warn)}/min); device ${device.status}`,
  );
}

await run('mc');
await run('modbus');
