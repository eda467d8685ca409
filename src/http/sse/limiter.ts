import { ApiError } from '../errors.js';

/** Who asks for a stream: the remote address, and whether the request carried the right token. */
export interface StreamRequester {
  readonly client: string;
  readonly authenticated: boolean;
}

export interface SseLimits {
  /** All streams together (server.maxSseClients). */
  readonly max: number;
  /** Streams one remote address may hold without the token (server.maxSseClientsPerClient). */
  readonly perClient?: number | undefined;
  /** The last slots, for token holders only (server.reservedSseClients); at most half of max. */
  readonly reserved?: number | undefined;
}

/**
 * The SSE slots across all streams. Without the token a client gets at most `perClient` streams
 * and only the slots below `max - reserved`, so one host (or many) cannot take the panel's
 * stream away: a client that sends the token may use every slot. A request with no socket
 * (in-process, tests) has no requester and only meets the overall cap.
 */
export class SseLimiter {
  readonly max: number;
  readonly perClient: number;
  readonly reserved: number;
  private count = 0;
  private readonly byClient = new Map<string, number>();

  constructor(limits: number | SseLimits) {
    const { max, perClient, reserved } = typeof limits === 'number' ? { max: limits } : limits;
    if (!Number.isInteger(max) || max < 1) throw new Error(`SseLimiter: max must be a positive integer, got ${max}`);
    this.max = max;
    this.perClient = perClient ?? max;
    // At most half: a small max with the default reserve must still leave room for clients without the token.
    this.reserved = Math.min(reserved ?? 0, Math.floor(max / 2));
  }

  get active(): number {
    return this.count;
  }

  /** Streams held per remote address without the token (for metrics and tests). */
  clients(): ReadonlyMap<string, number> {
    return this.byClient;
  }

  /** Take a slot or throw the 503 the client sees. Call the returned release exactly once. */
  acquire(who?: StreamRequester): () => void {
    if (this.count >= this.max) {
      throw busy(`too many live stream clients: ${this.count} of at most ${this.max} are connected (server.maxSseClients); close another stream or raise the limit`);
    }
    const limited = who !== undefined && !who.authenticated;
    if (limited) {
      const held = this.byClient.get(who.client) ?? 0;
      if (held >= this.perClient) {
        throw busy(`${who.client} already holds ${held} live streams, the most one client may hold without the token (server.maxSseClientsPerClient); close one, or send the token`);
      }
      if (this.count >= this.max - this.reserved) {
        throw busy(`the last ${this.reserved} of ${this.max} live stream slots are kept for clients that send the token (server.reservedSseClients); ${this.count} are in use`);
      }
      this.byClient.set(who.client, held + 1);
    }
    this.count++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.count--;
      if (!limited) return;
      const left = (this.byClient.get(who.client) ?? 1) - 1;
      if (left > 0) this.byClient.set(who.client, left);
      else this.byClient.delete(who.client);
    };
  }
}

function busy(message: string): ApiError {
  return new ApiError(503, 'TOO_MANY_STREAMS', message, undefined, { 'Retry-After': '5' });
}
