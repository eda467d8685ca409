import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { clientAddress } from '../client.js';
import { ApiError } from '../errors.js';
import { errors } from '../schemas/common.js';
import { INSPECT_KINDS, type InspectKind } from '../sse/inspect-stream.js';
import { parseLastEventId } from '../sse/wire.js';
import type { App, AppEnv, RouteContext } from '../route-context.js';

export const STREAM_PATHS = ['/api/devices/stream', '/api/polling/stream', '/api/inspect/stream'] as const;

const resumeQuery = {
  lastEventId: z.string().max(20).optional().openapi({ description: 'Resume after this event id (for clients that cannot send the Last-Event-ID header)' }),
  access_token: z.string().optional().openapi({ description: 'The bearer token, under server.protectReads (EventSource cannot send headers)' }),
};
const resumeHeaders = z.object({ 'last-event-id': z.string().max(20).optional().openapi({ description: 'Sent by EventSource on reconnect: the missed events are replayed when still held, else a fresh snapshot is sent' }) });

function stream(description: string) {
  return {
    200: { description, content: { 'text/event-stream': { schema: z.string().openapi({ description: 'Server-Sent Events (id, event, data: JSON); `: keep-alive` comments every 15 s' }) } } },
    ...errors({ 400: '', 503: 'Too many stream clients (server.maxSseClients, maxSseClientsPerClient without the token, reservedSseClients kept for the token): TOO_MANY_STREAMS' }),
  };
}

function request(c: Context<AppEnv>, query: { lastEventId?: string | undefined }) {
  const client = clientAddress(c);
  return {
    lastEventId: parseLastEventId(c.req.header('last-event-id') ?? query.lastEventId),
    signal: c.req.raw.signal,
    // Per-client cap and token reserve (SseLimiter); in-process requests have no address.
    requester: client === undefined ? undefined : { client, authenticated: c.get('authenticated') === true },
  };
}

/** The live streams (SSE). Registered before /api/devices/{name} so "stream" is not read as a name. */
export function registerStreamRoutes(app: App, ctx: RouteContext): void {
  const { streams } = ctx;
  const base = { security: ctx.readSecurity, tags: ['streams'], method: 'get' as const };

  app.openapi(
    createRoute({
      ...base,
      path: '/api/devices/stream',
      summary: 'Latest readings of every device, live',
      description: '`snapshot` on connect, then `batch` every server.devicesStreamIntervalMs; both `{ at, devices: [{name, status, lastReadingAt, lastError, lastErrorAt, tagErrors}], readings: [{device, group, tag, value, unit, level, quality, timestamp}] }`. Read-only.',
      request: { query: z.object(resumeQuery), headers: resumeHeaders },
      responses: stream('The stream'),
    }),
    (c) => streams.devices.open(request(c, c.req.valid('query'))),
  );

  app.openapi(
    createRoute({
      ...base,
      path: '/api/polling/stream',
      summary: 'Engine, group and buffer status, live',
      description: '`snapshot` `{engine, groups, buffer}` on connect, then `group` (a GroupStatus), `group.removed` `{name}`, `engine` and `buffer` as they change, at most one message per actor per 250 ms.',
      request: { query: z.object(resumeQuery), headers: resumeHeaders },
      responses: stream('The stream'),
    }),
    (c) => streams.polling.open(request(c, c.req.valid('query'))),
  );

  app.openapi(
    createRoute({
      ...base,
      path: '/api/inspect/stream',
      summary: 'XState inspection for the statechart view',
      description: '`definitions` (machine graphs) and `actors` (live actors) on connect, then `records` `{records, dropped}` at most every 250 ms; an actor\'s snapshots within one batch collapse to the last.',
      request: {
        query: z.object({
          ...resumeQuery,
          actor: z.string().max(128).optional().openapi({ description: 'Only actors whose id starts with this (a group\'s actors are "<group>#<n>")' }),
          kinds: z.string().max(64).optional().openapi({ description: `Comma-separated record kinds: ${INSPECT_KINDS.join(', ')} (default all)` }),
        }),
        headers: resumeHeaders,
      },
      responses: stream('The stream'),
    }),
    (c) => {
      const query = c.req.valid('query');
      return streams.inspect.open({ ...request(c, query), filter: { actor: query.actor, kinds: parseKinds(query.kinds) } });
    },
  );
}

function parseKinds(text: string | undefined): ReadonlySet<InspectKind> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const kinds = text.split(',').map((k) => k.trim());
  const bad = kinds.find((k) => !(INSPECT_KINDS as readonly string[]).includes(k));
  if (bad !== undefined) throw new ApiError(400, 'VALIDATION', `invalid query field "kinds": unknown kind "${bad}" (kinds: ${INSPECT_KINDS.join(', ')})`, 'kinds');
  return new Set(kinds as InspectKind[]);
}
