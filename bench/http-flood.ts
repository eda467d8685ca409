/**
 * Issue 12, finding 5: /health latency while one host floods the server with idle sockets, and a
 * burst of wrong tokens. Default server settings (maxConnections 1000, reservedConnections 50).
 * The collector and its API run in this process; the flood and the probes in a child, so the
 * load generator does not share the server's event loop. Loopback only: the flooding host is
 * 127.0.0.2, the wrong tokens come from 127.0.0.3, the probes from 127.0.0.1.
 *
 * Run: npx tsx bench/http-flood.ts     Env: BENCH_FLOOD (5000 idle sockets; mind `ulimit -n`)
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../src/app.js';
import { startHttpServer } from '../src/http/server.js';
import { serverSchema } from '../src/io/config/schema.js';
import { silentLogger } from '../src/log.js';

const FLOOD = Number(process.env.BENCH_FLOOD ?? 5000);
const TOKEN = 'bench-token-0123456789';

interface Result {
  baseline: number[];
  during: number[];
  after: number[];
  probeErrors: number;
  alive: number;
  authorized: number;
  anonymous: number;
  wrong: Record<string, number>;
  wrongMs: number;
}

function pct(values: number[], p: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? '-' : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(2);
}

function get(port: number, path: string, from: string, headers: Record<string, string> = {}, agent: Agent | false = false, method = 'GET'): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent, localAddress: from }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', reject);
    req.end();
  });
}

async function flood(port: number): Promise<Result> {
  const result: Result = { baseline: [], during: [], after: [], probeErrors: 0, alive: 0, authorized: 0, anonymous: 0, wrong: {}, wrongMs: 0 };
  const probe = async (into: number[]) => {
    try {
      const r = await get(port, '/health', '127.0.0.1');
      if (r.status === 200) into.push(r.ms);
      else result.probeErrors++;
    } catch {
      result.probeErrors++;
    }
  };
  for (let i = 0; i < 200; i++) await probe(result.baseline);
  const sockets: Socket[] = [];
  let flooding = true;
  const prober = (async () => {
    while (flooding) {
      await probe(result.during);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  for (let i = 0; i < FLOOD; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, FLOOD - i) }, () => new Promise<void>((resolve) => {
        const s = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
        s.on('error', () => undefined);
        s.once('connect', () => resolve());
        s.once('close', () => resolve());
        sockets.push(s);
      })),
    );
  }
  flooding = false;
  await prober;
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < 200; i++) await probe(result.after);
  result.alive = sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
  result.authorized = (await get(port, '/api/polling/status', '127.0.0.1', { authorization: `Bearer ${TOKEN}` })).status;
  result.anonymous = (await get(port, '/api/polling/status', '127.0.0.4')).status;
  sockets.forEach((s) => s.destroy());
  const agent = new Agent({ keepAlive: true, maxSockets: 50, localAddress: '127.0.0.3' } as ConstructorParameters<typeof Agent>[0]);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < 2_000) {
        next++;
        // A change (reads are open by default): the token is checked.
        const r = await get(port, '/api/polling/start-all', '127.0.0.3', { authorization: 'Bearer wrong-token-0123456789' }, agent, 'POST');
        result.wrong[r.status] = (result.wrong[r.status] ?? 0) + 1;
      }
    }),
  );
  result.wrongMs = performance.now() - started;
  agent.destroy();
  return result;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jsscada-bench-flood-'));
  writeFileSync(join(dir, 'plant.yaml'), 'devices:\n  - { name: plc1, protocol: sim, port: 5001 }\ngroups:\n  - name: g\n    device: plc1\n    intervalMs: 1000\n    tags:\n      - { name: t1, address: D100 }\n');
  const running = await startCollector({ configFile: join(dir, 'plant.yaml'), dataDir: dir, logger: silentLogger() });
  const server = serverSchema.parse({});
  const http = await startHttpServer(running.services, { server, dataDir: dir, port: 0, host: '127.0.0.1', logger: silentLogger(), envToken: TOKEN });
  const child = fork(fileURLToPath(import.meta.url), ['flood', String(http.port)], { execArgv: process.execArgv });
  try {
    const r = await new Promise<Result>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Result));
      child.once('exit', (code) => reject(new Error(`flood child exited ${code}`)));
    });
    const s = http.connections.stats();
    console.log(`JSScada HTTP flood: node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'cpu'}; maxConnections ${server.maxConnections}, reservedConnections ${server.reservedConnections}`);
    console.log(`  /health before the flood    n=${r.baseline.length} p50 ${pct(r.baseline, 50)} ms p99 ${pct(r.baseline, 99)} ms max ${pct(r.baseline, 100)} ms`);
    console.log(`  /health during ${FLOOD} idle sockets n=${r.during.length} p50 ${pct(r.during, 50)} ms p99 ${pct(r.during, 99)} ms max ${pct(r.during, 100)} ms  failed probes ${r.probeErrors}`);
    console.log(`  /health with the flood held  n=${r.after.length} p50 ${pct(r.after, 50)} ms p99 ${pct(r.after, 99)} ms max ${pct(r.after, 100)} ms`);
    console.log(`  flood sockets still open ${r.alive}; server: open ${s.open}, evicted ${s.evicted}, refused ${s.refused}, silent closed ${s.silentClosed}`);
    console.log(`  during the flood: with the token ${r.authorized}, without (new host) ${r.anonymous}`);
    console.log(`  2,000 wrong tokens (50 keep-alive sockets) in ${r.wrongMs.toFixed(0)} ms: ${JSON.stringify(r.wrong)}`);
  } finally {
    child.kill();
    await http.close();
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'flood') {
  void flood(Number(process.argv[3])).then((r) => {
    process.send!(r);
    process.exit(0);
  });
} else {
  await main();
}
