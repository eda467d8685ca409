/**
 * MC frames and transports, same run, same simulator process: requests/s with one request in
 * flight (what a 3E/1E device link does) for 1E TCP, 1E UDP, 3E UDP, 4E UDP and 3E TCP.
 * Every transport reads the same 64 words (D0-D63: the 1E limit for a word device) and decodes
 * them, through our own client (McClient / McUdpClient). The simulators (FX3 1E on TCP and UDP,
 * Q 3E/4E on TCP and UDP) run in a child process so their CPU is not the client's. The clients
 * take turns every SLICE_MS for ROTATIONS rounds, so machine noise hits them alike; each figure
 * is the median over rounds, and the ratio is to 3E TCP of the same round.
 *
 * Run: npx tsx bench/mc-transports.ts [--quick] [--rotations=20] [--slice-ms=250]
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseMcAddress } from '../src/io/mc/address.js';
import { McClient, type McFrame, type McRequest, type McSession } from '../src/io/mc/client.js';
import { wordsFromData } from '../src/io/mc/codec/data.js';
import { DEFAULT_ROUTE, encodeRequestFrame } from '../src/io/mc/codec/frame.js';
import { batchReadWords1e, encode1eRequestFrame } from '../src/io/mc/codec/requests-1e.js';
import { batchReadWords } from '../src/io/mc/codec/requests.js';
import { startMcSimulator, type McSimulator } from '../src/io/mc/simulator/index.js';
import { McUdpClient } from '../src/io/mc/udp-client.js';
import { printHeader } from './lib/machine.js';
import { forkTracked } from './lib/proc.js';
import { isQuick, option, table } from './lib/result.js';
import { fixed, int, median } from './lib/stats.js';

const quick = isQuick();
const ROTATIONS = option('rotations', quick ? 6 : 20);
const SLICE_MS = option('slice-ms', quick ? 150 : 250);
const WORDS = 64;

interface Target {
  readonly name: string;
  readonly frame: McFrame;
  readonly transport: 'tcp' | 'udp';
  readonly sim: 'fx3-tcp' | 'fx3-udp' | 'q-tcp' | 'q-udp';
}

const TARGETS: readonly Target[] = [
  { name: '3E TCP (reference)', frame: '3e', transport: 'tcp', sim: 'q-tcp' },
  { name: '1E TCP (FX3)', frame: '1e', transport: 'tcp', sim: 'fx3-tcp' },
  { name: '1E UDP (FX3)', frame: '1e', transport: 'udp', sim: 'fx3-udp' },
  { name: '3E UDP', frame: '3e', transport: 'udp', sim: 'q-udp' },
  { name: '4E UDP', frame: '4e', transport: 'udp', sim: 'q-udp' },
];

/** The child: four simulators, ports reported over IPC. */
async function host(): Promise<void> {
  const sims: Record<Target['sim'], McSimulator> = {
    'fx3-tcp': await startMcSimulator({ series: 'fx3' }),
    'fx3-udp': await startMcSimulator({ series: 'fx3', transport: 'udp' }),
    'q-tcp': await startMcSimulator({}),
    'q-udp': await startMcSimulator({ transport: 'udp' }),
  };
  for (const sim of Object.values(sims)) sim.memory.setWords('D0', Array.from({ length: WORDS }, (_, i) => i * 3));
  const close = async (): Promise<void> => {
    await Promise.all(Object.values(sims).map((s) => s.close()));
    process.exit(0);
  };
  process.on('disconnect', () => void close());
  process.on('SIGTERM', () => void close());
  process.send!(Object.fromEntries(Object.entries(sims).map(([k, s]) => [k, s.port])));
}

function requestFor(frame: McFrame): McRequest {
  if (frame === '1e') {
    const command = batchReadWords1e(parseMcAddress('D0', 'fx3'), WORDS, 'binary');
    return { frame: encode1eRequestFrame({ encoding: 'binary', pc: 0xff, monitoringTimer: 4 }, command), label: command.label, expect: { command: command.command, replyLength: command.replyLength ?? 0 } };
  }
  const command = batchReadWords(parseMcAddress('D0', 'q'), WORDS, { series: 'q', encoding: 'binary' });
  return { frame: encodeRequestFrame({ frame, encoding: 'binary', route: DEFAULT_ROUTE, monitoringTimer: 4 }, command.command, command.subcommand, command.body), label: command.label };
}

async function open(target: Target, port: number): Promise<McSession> {
  const options = { host: '127.0.0.1', port, frame: target.frame, encoding: 'binary' as const, timeoutMs: 2_000 };
  return target.transport === 'udp' ? McUdpClient.open(options) : McClient.connect(options);
}

/** One request in flight, decode each reply; returns requests done in `ms`. */
async function slice(session: McSession, request: McRequest, ms: number): Promise<{ requests: number; seconds: number }> {
  let requests = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  while (performance.now() < end) {
    const data = await session.request(request);
    if (wordsFromData(data, 'binary', WORDS)?.[1] !== 3) throw new Error('wrong data');
    requests++;
  }
  return { requests, seconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  printHeader('MC frames and transports: requests/s, one request in flight, 64 words each', import.meta.url);
  const child = forkTracked(fileURLToPath(import.meta.url), ['host'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ports = await new Promise<Record<Target['sim'], number>>((resolve) => child.once('message', (m: Record<Target['sim'], number>) => resolve(m)));
  const sessions = await Promise.all(TARGETS.map((t) => open(t, ports[t.sim])));
  const requests = TARGETS.map((t) => requestFor(t.frame));
  const rates: number[][] = TARGETS.map(() => []);
  const ratios: number[][] = TARGETS.map(() => []);
  // Warm-up: JIT and socket buffers, not counted.
  for (let k = 0; k < TARGETS.length; k++) await slice(sessions[k]!, requests[k]!, 100);
  for (let round = 0; round < ROTATIONS; round++) {
    const perRound: number[] = [];
    for (let k = 0; k < TARGETS.length; k++) {
      const r = await slice(sessions[k]!, requests[k]!, SLICE_MS);
      perRound.push(r.requests / r.seconds);
      rates[k]!.push(r.requests / r.seconds);
    }
    perRound.forEach((rate, k) => ratios[k]!.push(rate / perRound[0]!));
  }
  await Promise.all(sessions.map((s) => s.close()));
  child.disconnect();
  console.log(`rounds: ${ROTATIONS} x ${TARGETS.length} transports x ${SLICE_MS} ms; figures are medians over rounds`);
  console.log(
    table(
      ['transport', 'requests/s', 'values/s', 'vs 3E TCP'],
      TARGETS.map((t, k) => [t.name, int(median(rates[k]!)), int(median(rates[k]!) * WORDS), `${fixed(median(ratios[k]!) * 100, 0)} %`]),
      ['l', 'r', 'r', 'r'],
    ),
  );
}

if (process.argv[2] === 'host') void host();
else
  void main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
