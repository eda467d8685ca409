import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkTracked, stopChild } from './proc.js';
import { sleep } from './stats.js';

/**
 * Node-RED as a peer (figure 7): node-red-contrib-modbus polling a Modbus server, headless
 * (no admin or node HTTP), userDir in a temp dir. Values are counted by a function node into
 * an object from functionGlobalContext; settings.js writes it to a file twice a second, with
 * the time of writing, so rates are exact over any window.
 * Installed outside the repo by scripts/install-node-red.sh; found through NODE_RED_DIR.
 */
export function nodeRedDir(): string {
  return process.env.NODE_RED_DIR ?? '/opt/nodered';
}

/** Why Node-RED cannot run here, or null when it can. */
export function nodeRedMissing(): string | null {
  const dir = nodeRedDir();
  for (const pkg of ['node-red', 'node-red-contrib-modbus']) {
    if (!existsSync(join(dir, 'node_modules', pkg, 'package.json'))) {
      return `${pkg} is not installed in ${dir} (NODE_RED_DIR); run scripts/install-node-red.sh`;
    }
  }
  return null;
}

export function nodeRedVersions(): { nodeRed: string; contribModbus: string } {
  const v = (pkg: string): string => (JSON.parse(readFileSync(join(nodeRedDir(), 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  return { nodeRed: v('node-red'), contribModbus: v('node-red-contrib-modbus') };
}

export interface NodeRedJob {
  readonly port: number;
  readonly reads: number;
  readonly registers: number;
  readonly rateMs: number;
}

export interface NodeRedCounts {
  readonly values: number;
  readonly msgs: number;
  /** Epoch ms when the counts were written. */
  readonly at: number;
}

export interface RunningNodeRed {
  readonly pid: number;
  counts(): NodeRedCounts;
  close(): Promise<void>;
}

/** One modbus-client config node, `reads` modbus-read nodes (block r at r x registers), one counting function node. */
function flow(job: NodeRedJob): unknown[] {
  const client = {
    id: 'bench-client',
    type: 'modbus-client',
    name: 'sim',
    clienttype: 'tcp',
    bufferCommands: true,
    stateLogEnabled: false,
    queueLogEnabled: false,
    failureLogEnabled: false,
    tcpHost: '127.0.0.1',
    tcpPort: job.port,
    tcpType: 'DEFAULT',
    serialPort: '/dev/ttyUSB',
    serialType: 'RTU-BUFFERD',
    serialBaudrate: 9600,
    serialDatabits: 8,
    serialStopbits: 1,
    serialParity: 'none',
    serialConnectionDelay: 100,
    serialAsciiResponseStartDelimiter: '0x3A',
    unit_id: 1,
    // The node's defaults, as a user who drops the nodes in gets them.
    commandDelay: 1,
    clientTimeout: 1000,
    reconnectOnTimeout: true,
    reconnectTimeout: 2000,
    parallelUnitIdsAllowed: true,
  };
  const reads = Array.from({ length: job.reads }, (_, r) => ({
    id: `bench-read-${r}`,
    type: 'modbus-read',
    z: 'bench-tab',
    name: `read${r}`,
    topic: '',
    showStatusActivities: false,
    logIOActivities: false,
    showErrors: false,
    unitid: '1',
    dataType: 'HoldingRegister',
    adr: String(r * job.registers),
    quantity: String(job.registers),
    rate: String(job.rateMs),
    rateUnit: 'ms',
    delayOnStart: false,
    startDelayTime: '',
    server: 'bench-client',
    useIOFile: false,
    ioFile: '',
    useIOForPayload: false,
    emptyMsgOnFail: false,
    wires: [['bench-count'], []],
  }));
  const count = {
    id: 'bench-count',
    type: 'function',
    z: 'bench-tab',
    name: 'count values',
    func: "const c = global.get('benchCounts'); c.values += msg.payload.length; c.msgs += 1; return null;",
    outputs: 1,
    wires: [[]],
  };
  return [{ id: 'bench-tab', type: 'tab', label: 'bench' }, client, ...reads, count];
}

function settings(userDir: string, countsFile: string): string {
  // CommonJS, as Node-RED loads it. No HTTP at all; no telemetry (no network beyond loopback).
  return `const fs = require('fs');
const counts = { values: 0, msgs: 0 };
const timer = setInterval(() => fs.writeFileSync(${JSON.stringify(countsFile)}, JSON.stringify({ ...counts, at: Date.now() })), 500);
timer.unref();
// Started by the bench with an IPC channel: if the bench dies, Node-RED goes too.
process.on('disconnect', () => process.exit(0));
module.exports = {
  userDir: ${JSON.stringify(userDir)},
  flowFile: 'flows.json',
  credentialSecret: false,
  httpAdminRoot: false,
  httpNodeRoot: false,
  uiPort: 0,
  diagnostics: { enabled: false, ui: false },
  telemetry: { enabled: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
  editorTheme: { projects: { enabled: false } },
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  functionGlobalContext: { benchCounts: counts },
};
`;
}

export async function startNodeRed(job: NodeRedJob): Promise<RunningNodeRed> {
  const userDir = mkdtempSync(join(tmpdir(), 'jsscada-bench-nodered-'));
  const countsFile = join(userDir, 'counts.json');
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flow(job), null, 1));
  const settingsFile = join(userDir, 'settings.js');
  writeFileSync(settingsFile, settings(userDir, countsFile));
  const red = join(nodeRedDir(), 'node_modules', 'node-red', 'red.js');
  // Plain node, no tsx loader: Node-RED's process is measured as it would run.
  const child = forkTracked(red, ['--settings', settingsFile, '--userDir', userDir], { execArgv: [], cwd: userDir, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const counts = (): NodeRedCounts => {
    try {
      return JSON.parse(readFileSync(countsFile, 'utf8')) as NodeRedCounts;
    } catch {
      return { values: 0, msgs: 0, at: 0 };
    }
  };
  const close = async (): Promise<void> => {
    await stopChild(child, 5000);
    rmSync(userDir, { recursive: true, force: true });
  };
  // Bounded wait for the first values: Node-RED loads its runtime and the flow in a few seconds.
  for (let i = 0; i < 300 && counts().values === 0; i++) {
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  if (counts().values === 0) {
    await close();
    throw new Error('Node-RED delivered no values within 30 s');
  }
  return { pid: child.pid!, counts, close };
}
