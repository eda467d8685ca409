import { connect, type Socket } from 'node:net';
import { deviceSchema } from '../../src/io/config/schema.js';
import { McClient, type McRequest } from '../../src/io/mc/client.js';
import { createMcDriver } from '../../src/io/mc/driver.js';
import type { TagSpec } from '../../src/io/types.js';
import { benchLogger } from './collector.js';
import { connectMcprotocol } from './mcprotocol-peer.js';

/**
 * The MC clients of figure 2 behind one face: `once()` reads D0.. (`words` words) once, one
 * request in flight. All connect up front, so the figure can switch between them every few
 * hundred milliseconds and machine noise falls on all of them alike.
 */
export interface McReader {
  readonly requestsPerRead: number;
  once(): Promise<void>;
  close(): Promise<void>;
}

/**
 * 3E binary batch read, D device, word units, built by hand from the SLMP layout (not with our
 * encoder), so the floor does not share code with the client under test.
 */
export function rawFrame(head: number, words: number): Buffer {
  const b = Buffer.alloc(21);
  b.writeUInt16BE(0x5000, 0); // subheader "50 00"
  b.writeUInt8(0x00, 2); // network
  b.writeUInt8(0xff, 3); // PC
  b.writeUInt16LE(0x03ff, 4); // module I/O
  b.writeUInt8(0x00, 6); // multidrop
  b.writeUInt16LE(12, 7); // request data length: timer(2) + command(2) + subcommand(2) + device(4) + count(2)
  b.writeUInt16LE(16, 9); // monitoring timer, 250 ms units
  b.writeUInt16LE(0x0401, 11); // batch read
  b.writeUInt16LE(0x0000, 13); // word units
  b.writeUIntLE(head, 15, 3); // device number
  b.writeUInt8(0xa8, 18); // D
  b.writeUInt16LE(words, 19);
  return b;
}

/** The floor: write the fixed frame, gather bytes until the reply's length field is satisfied. */
export async function rawReader(port: number, words: number): Promise<McReader> {
  const frame = rawFrame(0, words);
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
  let waiting: (() => void) | null = null;
  let have = 0;
  let need = -1;
  let head: Buffer | null = null;
  socket.on('data', (chunk: Buffer) => {
    // Only the 9-byte header is kept (for the length field); the data is counted, not copied.
    if (need < 0) {
      head = head ? Buffer.concat([head, chunk]) : chunk;
      if (head.length >= 9) need = 9 + head.readUInt16LE(7);
    }
    have += chunk.length;
    if (need >= 0 && have >= need) {
      have = 0;
      need = -1;
      head = null;
      const done = waiting;
      waiting = null;
      done?.();
    }
  });
  return {
    requestsPerRead: 1,
    once: () =>
      new Promise<void>((resolve) => {
        waiting = resolve;
        socket.write(frame);
      }),
    close: async () => void socket.destroy(),
  };
}

/** Our McClient sending the same bytes as the raw loop. */
export async function clientReader(port: number, words: number): Promise<McReader> {
  const client = await McClient.connect({ host: '127.0.0.1', port, frame: '3e', encoding: 'binary', timeoutMs: 2000 });
  const request: McRequest = { frame: rawFrame(0, words), label: 'bench read' };
  return { requestsPerRead: 1, once: async () => void (await client.request(request)), close: () => client.close() };
}

export function mcDevice(port: number, timeoutMs = 2000) {
  return deviceSchema.parse({ name: 'bench', protocol: 'mc3e', port, timeoutMs, retries: 0 });
}

export function wordTags(addresses: readonly number[]): TagSpec[] {
  return addresses.map((a, i) => ({ id: i + 1, name: `t${i}`, address: `D${a}`, type: 'int16' as const }));
}

/** Our driver as a group uses it: plan once, read the plan (device link, client, decode into a batch). */
export async function driverReader(port: number, words: number): Promise<McReader> {
  const driver = createMcDriver(mcDevice(port), { logger: benchLogger() });
  const plan = driver.plan(wordTags(Array.from({ length: words }, (_, i) => i)));
  return { requestsPerRead: plan.requestCount, once: async () => void (await driver.read(plan)), close: () => driver.close() };
}

/** mcprotocol reading one item `D0,<words>`; it splits D reads into requests of at most 64 words. */
export async function mcprotocolReader(port: number, words: number): Promise<McReader> {
  const peer = await connectMcprotocol(port, [`D0,${words}`]);
  return {
    requestsPerRead: Math.ceil(words / 64),
    once: async () => {
      // The library takes no timeout: a read that never calls back fails the figure instead of hanging it.
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([peer.readAll(), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 5000)))]);
      clearTimeout(timer);
      if (!r || r.bad) throw new Error(`mcprotocol read of D0,${words} ${r ? 'reported bad values' : 'timed out'}`);
    },
    close: async () => peer.close(),
  };
}
