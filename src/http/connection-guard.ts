import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ConnectionLimits {
  /** Open sockets at most (server.maxConnections). */
  readonly maxConnections: number;
  /** The last sockets, for requests that carry the token (server.reservedConnections). */
  readonly reservedConnections: number;
  /** A socket that has sent no byte for this long is closed (server.idleSocketTimeoutMs). */
  readonly idleSocketTimeoutMs: number;
}

interface Held {
  readonly since: number;
  /** Requests in flight (an SSE stream stays in flight while it is open). */
  busy: number;
  /** A request on it carried the right token. */
  authenticated: boolean;
  /** Accepted while the sockets without the token already filled max - reserved. */
  readonly reserve: boolean;
}

export interface ConnectionStats {
  readonly open: number;
  /** Open sockets that have not shown the token. */
  readonly anonymous: number;
  /** Closed at accept: the cap was reached and no idle socket without the token could make room. */
  readonly refused: number;
  /** Idle sockets without the token closed to make room for a new one. */
  readonly evicted: number;
  /** Closed after idleSocketTimeoutMs without a byte. */
  readonly silentClosed: number;
}

/**
 * Socket accounting for one HTTP server, so idle connections cannot exhaust the process's file
 * descriptors and crowd out /health and the panel (issue 12: 19,980 idle sockets did).
 * - At most maxConnections sockets: at the cap a new socket takes the place of the oldest idle
 *   socket that never showed the token; when there is none, the new socket is closed at once.
 * - Sockets beyond maxConnections - reservedConnections that have not shown the token are kept
 *   in the reserve: they may ask for /health and /ready (then close), anything else is a 503
 *   (connectionPolicy), so token holders always find room.
 * - A socket that sends nothing for idleSocketTimeoutMs is closed (Node's headersTimeout also
 *   ends slow senders, with a 408, but checks only every connectionsCheckingInterval).
 */
export class ConnectionGuard {
  private readonly sockets = new Map<Socket, Held>();
  private anonymousCount = 0;
  private refused = 0;
  private evicted = 0;
  private silentClosed = 0;
  private sweeper: NodeJS.Timeout | null = null;

  readonly limits: ConnectionLimits;

  constructor(limits: ConnectionLimits) {
    if (!Number.isInteger(limits.maxConnections) || limits.maxConnections < 1) throw new Error(`ConnectionGuard: maxConnections must be a positive integer, got ${limits.maxConnections}`);
    // At most half: a small maxConnections with the default reserve still serves clients without the token.
    this.limits = { ...limits, reservedConnections: Math.max(0, Math.min(limits.reservedConnections, Math.floor(limits.maxConnections / 2))) };
  }

  /** Listen to the server's sockets and requests; stops by itself when the server closes. */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (req: { socket: Socket }, res: { once(event: 'close', fn: () => void): unknown }) => this.track(req.socket, res));
    const period = Math.max(50, Math.min(1_000, Math.floor(this.limits.idleSocketTimeoutMs / 4)));
    this.sweeper = setInterval(() => this.closeSilent(), period);
    this.sweeper.unref();
    server.once('close', () => this.stop());
  }

  stop(): void {
    if (this.sweeper !== null) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  /** A request on this socket carried the right token: never evicted, never in the reserve. */
  markAuthenticated(socket: Socket): void {
    const held = this.sockets.get(socket);
    if (held === undefined || held.authenticated) return;
    held.authenticated = true;
    this.anonymousCount--;
  }

  /** The socket was let in on the reserve and has not shown the token. */
  inReserve(socket: Socket): boolean {
    const held = this.sockets.get(socket);
    return held !== undefined && held.reserve && !held.authenticated;
  }

  stats(): ConnectionStats {
    return { open: this.sockets.size, anonymous: this.anonymousCount, refused: this.refused, evicted: this.evicted, silentClosed: this.silentClosed };
  }

  private admit(socket: Socket): void {
    const { maxConnections, reservedConnections } = this.limits;
    if (this.sockets.size >= maxConnections && !this.evictOne()) {
      this.refused++;
      socket.destroy();
      return;
    }
    const held: Held = { since: performance.now(), busy: 0, authenticated: false, reserve: this.anonymousCount >= maxConnections - reservedConnections };
    this.sockets.set(socket, held);
    this.anonymousCount++;
    socket.once('close', () => this.forget(socket));
  }

  private forget(socket: Socket): void {
    const held = this.sockets.get(socket);
    if (held === undefined) return;
    this.sockets.delete(socket);
    if (!held.authenticated) this.anonymousCount--;
  }

  private track(socket: Socket, res: { once(event: 'close', fn: () => void): unknown }): void {
    const held = this.sockets.get(socket);
    if (held === undefined) return;
    held.busy++;
    res.once('close', () => held.busy--);
  }

  /** Close the oldest socket that is idle and never showed the token; false when there is none. */
  private evictOne(): boolean {
    for (const [socket, held] of this.sockets) {
      if (held.busy > 0 || held.authenticated) continue;
      this.forget(socket);
      this.evicted++;
      socket.destroy();
      return true;
    }
    return false;
  }

  private closeSilent(): void {
    const cutoff = performance.now() - this.limits.idleSocketTimeoutMs;
    // The map is in the order sockets arrived: stop at the first one that is too young.
    for (const [socket, held] of this.sockets) {
      if (held.since > cutoff) break;
      if (socket.bytesRead > 0) continue;
      this.forget(socket);
      this.silentClosed++;
      socket.destroy();
    }
  }
}
