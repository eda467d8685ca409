import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CommError } from '../../../src/io/errors.js';
import { createDeviceLink } from '../../../src/io/link/device-link.js';
import type { DeviceLink, LinkTransport } from '../../../src/io/link/types.js';
import { silentLogger } from '../../../src/log.js';

/**
 * The link over real loopback sockets and the system clock. A line protocol: the client sends
 * "<id>\n", the server echoes it. Timing margins are wide (replies in < 5 ms vs 400 ms timeouts,
 * a late reply 600 ms after the timeout), and waits poll for a condition, never a fixed sleep.
 */

class EchoServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  /** Delay for the reply to the first request of the first connection (a slow PLC). */
  firstReplyDelayMs = 0;
  private connections = 0;

  async start(): Promise<void> {
    const server = net.createServer((socket) => {
      const first = this.connections++ === 0;
      let requests = 0;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      let buffer = '';
      socket.on('data', (chunk) => {
        buffer += chunk.toString('latin1');
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const delay = first && requests++ === 0 ? this.firstReplyDelayMs : 0;
          const reply = () => !socket.destroyed && socket.write(`${line}\n`);
          if (delay > 0) setTimeout(reply, delay);
          else reply();
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    this.port = address.port;
    this.server = server;
  }

  /** The PLC is switched off: connections drop, new ones are refused. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

interface LineSession {
  readonly socket: net.Socket;
  closed: boolean;
  buffer: string;
  pending: { resolve: (line: string) => void; reject: (err: unknown) => void } | null;
}

function commError(err: Error & { code?: string }): CommError {
  return new CommError(err.code ?? 'ESOCKET', err.message, { cause: err });
}

function lineTransport(port: () => number, opened: LineSession[]): LinkTransport<LineSession> {
  return {
    open: (signal) =>
      new Promise<LineSession>((resolve, reject) => {
        const socket = net.connect({ host: '127.0.0.1', port: port() });
        const session: LineSession = { socket, closed: false, buffer: '', pending: null };
        const onAbort = () => {
          socket.destroy();
          reject(new CommError('CONNECT_ABORTED', 'connect aborted'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () => {
          signal.removeEventListener('abort', onAbort);
          opened.push(session);
          resolve(session);
        });
        socket.on('error', (err) => reject(commError(err)));
        socket.on('close', () => {
          session.closed = true;
          session.pending?.reject(new CommError('ECONNRESET', 'connection closed'));
          session.pending = null;
        });
        socket.on('data', (chunk) => {
          session.buffer += chunk.toString('latin1');
          const nl = session.buffer.indexOf('\n');
          if (nl < 0 || !session.pending) return;
          const line = session.buffer.slice(0, nl);
          session.buffer = session.buffer.slice(nl + 1);
          session.pending.resolve(line);
          session.pending = null;
        });
      }),
    close: (session) =>
      new Promise<void>((resolve) => {
        if (session.socket.destroyed) return resolve();
        session.socket.once('close', () => resolve());
        session.socket.destroy();
      }),
    isClosed: (session) => session.closed,
  };
}

/** One request/reply exchange; the naive client reads whatever line comes next. */
function request(session: LineSession, id: string, signal: AbortSignal): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    session.pending = { resolve, reject };
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    session.socket.write(`${id}\n`);
  });
}

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function setup(server: EchoServer): { link: DeviceLink<LineSession>; opened: LineSession[] } {
  const opened: LineSession[] = [];
  const link = createDeviceLink(
    lineTransport(() => server.port, opened),
    { name: 'loop1', connectTimeoutMs: 1000, requestTimeoutMs: 400, retries: 1, retryDelayMs: 20, reconnectInitialMs: 50, reconnectMaxMs: 100 },
    { logger: silentLogger(), random: () => 0.5 },
  );
  cleanups.push(async () => {
    await link.close();
    await server.stop();
  });
  return { link, opened };
}

describe('device link over loopback TCP', () => {
  it('goes OFFLINE when the device stops and reconnects when it is back', async () => {
    const server = new EchoServer();
    await server.start();
    const { link, opened } = setup(server);
    let n = 0;
    const ask = () => link.execute((s, signal) => request(s, String(++n), signal));

    await expect(ask()).resolves.toBe('1');
    expect(link.status().state).toBe('ONLINE');

    await server.stop();
    await until(() => opened[0]!.closed);
    const down = await ask().catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'OFFLINE' });
    expect(link.status()).toMatchObject({ state: 'OFFLINE', lastError: expect.stringMatching(/ECONNREFUSED/) });
    expect(link.queueDepth()).toBe(0);

    await server.start(); // same port
    await until(async () => (await ask().catch(() => null)) !== null);
    expect(link.status().state).toBe('ONLINE');
    expect(opened).toHaveLength(2);
    expect(opened[0]!.socket.destroyed).toBe(true);
  });

  it('never reads a late reply as the answer to the retried request', async () => {
    const server = new EchoServer();
    server.firstReplyDelayMs = 1000;
    await server.start();
    const { link, opened } = setup(server);
    let n = 0;
    const result = await link.execute(async (s, signal) => {
      const sent = String(++n);
      return { sent, got: await request(s, sent, signal) };
    });
    expect(result).toEqual({ sent: '2', got: '2' });
    expect(opened).toHaveLength(2);
    expect(opened[0]!.socket.destroyed).toBe(true);
    expect(link.status()).toMatchObject({ state: 'ONLINE', lastError: 'CommError: device "loop1": no reply within 400 ms' });
  });
});
