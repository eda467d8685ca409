/**
 * Status latency with live streams: GET /api/polling/status while 100 SSE clients are connected
 * (design target: p99 under 5 ms). A demo-like plant on the in-process `sim` protocol, 10 FIXED
 * groups x 100 tags at 1 s plus a HANDSHAKE group, written to SQLite as in production.
 *
 * Three processes, so no load generator shares the server's event loop: this one runs the
 * collector and the API; a child holds the SSE clients (reading and discarding) and then probes
 * the status with sequential keep-alive requests timed in microseconds; autocannon runs in
 * another child (its histogram has 1 ms resolution, hence the probe).
 *
 * Run: npx tsx bench/http-status.ts     Env: BENCH_SECONDS (10), BENCH_SSE (100), BENCH_PROBES (2000)
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../src/app.js';
import { startHttpServer } from '../src/http/server.js';
import { serverSchema } from '../src/io/config/schema.js';
import { silentLogger } from '../src/log.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SSE_CLIENTS = Number(process.env.BENCH_SSE ?? 100);
const PROBES = Number(process.env.BENCH_PROBES ?? 2000);
const PATH = '/api/polling/status';

interface Cannon {
  latency: { p50: number; p97_5: number; p99: number; max: number; average: number };
  requests: { average: number };
  errors: number;
  non2xx: number;
}

function plantYaml(): string {
  const groups: string[] = [];
  for (let g = 0; g < 10; g++) {
    const tags = Array.from({ length: 100 }, (_, t) => `      - { name: g${g}t${t}, address: D${g * 1000 + t}, warn: 800, crit: 950 }`).join('\n');
    groups.push(`  - name: line${g}\n    device: plc${g % 3}\n    intervalMs: 1000\n    tags:\n${tags}`);
  }
  groups.push('  - name: batch\n    device: plc0\n    mode: handshake\n    tags:\n      - { name: batch_count, address: D9000, type: int32 }');
  const devices = [0, 1, 2].map((d) => `  - { name: plc${d}, protocol: sim, port: ${5001 + d} }`).join('\n');
  return `devices:\n${devices}\ncollector: { maxConcurrentGroups: 20 }\ngroups:\n${groups.join('\n')}\n`;
}

// ---- the clients child --------------------------------------------------------------------------

async function clients(port: number, count: number): Promise<void> {
  let bytes = 0;
  const paths = ['/api/devices/stream', '/api/polling/stream', '/api/inspect/stream'];
  for (let i = 0; i < count; i++) {
    // Mostly panels (devices, polling), a few statechart inspectors.
    const path = paths[i % 10 === 9 ? 2 : i % 2]!;
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`${path}: HTTP ${res.statusCode}`));
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        resolve();
      });
      req.on('error', reject);
      req.end();
    });
  }
  process.send!({ ready: true });
  process.on('message', (message: { probe?: number; done?: boolean }) => {
    if (message.done) process.exit(0);
    if (message.probe) void probe(port, message.probe).then((ms) => process.send!({ probe: ms, bytes }));
    else process.send!({ bytes });
  });
}

/** Sequential requests on one keep-alive connection, each timed with hrtime. */
async function probe(port: number, n: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: PATH, agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      })
        .on('error', reject)
        .end();
    });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  agent.destroy();
  return times;
}

// ---- the server (main) --------------------------------------------------------------------------

function cannon(url: string, connections: number, seconds: number): Promise<Cannon> {
  const bin = createRequire(import.meta.url).resolve('autocannon');
  const child = fork(bin, ['-c', String(connections), '-d', String(seconds), '-j', url], { silent: true, execArgv: [] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Cannon) : reject(new Error(`autocannon exited ${code}`)))));
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function line(label: string, r: Cannon): string {
  const l = r.latency;
  return `  autocannon ${label.padEnd(16)} p50 ${l.p50} ms  p97.5 ${l.p97_5} ms  p99 ${l.p99} ms  max ${l.max} ms  avg ${l.average.toFixed(2)} ms  ${Math.round(r.requests.average)} req/s  errors ${r.errors} non2xx ${r.non2xx}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jsscada-bench-http-'));
  writeFileSync(join(dir, 'plant.yaml'), plantYaml());
  const running = await startCollector({ configFile: join(dir, 'plant.yaml'), dataDir: dir, logger: silentLogger() });
  // Every bench client is one host (127.0.0.1) without the token: lift the per-client cap.
  const server = { ...serverSchema.parse({}), maxSseClients: SSE_CLIENTS + 20, maxSseClientsPerClient: SSE_CLIENTS + 20, devicesStreamIntervalMs: 1000 };
  const http = await startHttpServer(running.services, { server, dataDir: dir, port: 0, host: '127.0.0.1', logger: silentLogger(), envToken: 'bench-token-0123456789' });
  const url = `http://127.0.0.1:${http.port}${PATH}`;
  const child = fork(fileURLToPath(import.meta.url), ['clients', String(http.port), String(SSE_CLIENTS)], { execArgv: process.execArgv });
  const ask = <T>(message: object): Promise<T> =>
    new Promise((resolve) => {
      child.once('message', (reply) => resolve(reply as T));
      child.send(message);
    });
  try {
    await new Promise((r) => setTimeout(r, 1_500)); // every group has polled once
    console.log(`JSScada status latency: node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'cpu'}`);
    console.log(`plant: 10 groups x 100 tags at 1 s + 1 HANDSHAKE group (sim, SQLite); GET ${PATH}; ${SECONDS} s per autocannon run`);
    await cannon(url, 10, 2); // warm-up (JIT)
    console.log('without SSE clients:');
    console.log(line('1 connection', await cannon(url, 1, SECONDS)));
    console.log(line('10 connections', await cannon(url, 10, SECONDS)));
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    const before = (await ask<{ bytes: number }>({})).bytes;
    const started = Date.now();
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const open = http.app.streams.stats();
    console.log(`with ${SSE_CLIENTS} SSE clients reading every event (devices ${open.devices.clients}, polling ${open.polling.clients}, inspect ${open.inspect.clients}):`);
    console.log(line('1 connection', await cannon(url, 1, SECONDS)));
    console.log(line('10 connections', await cannon(url, 10, SECONDS)));
    const { probe, bytes } = await ask<{ probe: number[]; bytes: number }>({ probe: PROBES });
    const sorted = [...probe].sort((a, b) => a - b);
    console.log(`  probe ${PROBES} sequential requests (keep-alive, hrtime): p50 ${pct(sorted, 50).toFixed(3)} ms  p99 ${pct(sorted, 99).toFixed(3)} ms  p99.9 ${pct(sorted, 99.9).toFixed(3)} ms  max ${sorted[sorted.length - 1]!.toFixed(3)} ms`);
    loop.disable();
    console.log(`  server event loop delay meanwhile: p50 ${(loop.percentile(50) / 1e6).toFixed(2)} ms  p99 ${(loop.percentile(99) / 1e6).toFixed(2)} ms  max ${(loop.max / 1e6).toFixed(1)} ms`);
    const s = http.app.streams.stats();
    const mb = (bytes - before) / 1e6;
    console.log(`  streams: ${s.devices.clients + s.polling.clients + s.inspect.clients} clients, ${mb.toFixed(1)} MB delivered in ${((Date.now() - started) / 1000).toFixed(0)} s, frames dropped ${s.devices.dropped + s.polling.dropped + s.inspect.dropped}`);
  } finally {
    child.send({ done: true });
    await http.close();
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'clients') {
  clients(Number(process.argv[3]), Number(process.argv[4])).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
