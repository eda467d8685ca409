import type { Socket } from 'node:net';
import type { Context } from 'hono';

/** The socket under a request served by @hono/node-server (its env.incoming); none in-process. */
export function requestSocket(c: Context): Socket | undefined {
  const env = c.env as { incoming?: { socket?: Socket | null } } | undefined;
  return env?.incoming?.socket ?? undefined;
}

/**
 * The remote address that limits are kept per: "127.0.0.2", "fe80::1". An IPv4 client on a
 * dual-stack listener is reported as "::ffff:a.b.c.d"; it is the same host, so the prefix goes.
 * Undefined for a request with no socket (in-process `app.request`).
 */
export function clientAddress(c: Context): string | undefined {
  const address = requestSocket(c)?.remoteAddress;
  if (address === undefined) return undefined;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
