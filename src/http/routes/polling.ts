import { createRoute, z } from '@hono/zod-openapi';
import type { CommandResult } from '../../actors/collector.js';
import { ApiError } from '../errors.js';
import { engineReady } from '../middleware/engine-ready.js';
import { BEARER, errors, groupParams, json, MUTATION_ERRORS } from '../schemas/common.js';
import { bufferStatusSchema, groupStatusSchema, pollingStatusSchema } from '../schemas/status.js';
import type { App, RouteContext } from '../route-context.js';
import { engineView } from '../views.js';

/** Polling control: paths kept from the prototype so its clients keep working. */

const triggerResultSchema = z
  .object({
    group: z.string(),
    accepted: z.literal(true),
    completed: z.boolean().openapi({ description: 'false: not asked to wait, or the poll outlasted the wait' }),
    ok: z.boolean().optional().openapi({ description: 'The poll read the device (false: it failed; see error)' }),
    tagCount: z.number().int().optional(),
    durationMs: z.number().nullable().optional(),
    error: z.string().nullable().optional(),
  })
  .openapi('TriggerResult');

const allResultSchema = z
  .object({
    groups: z.array(groupStatusSchema),
    refused: z.array(z.object({ name: z.string(), reason: z.string() })).openapi({ description: 'start-all: groups left idle (the concurrency limit)' }),
  })
  .openapi('AllGroupsResult');

const queueStatusSchema = z
  .object({
    devices: z.array(z.object({ device: z.string(), status: z.string(), queueDepth: z.number().int() })),
    totalQueueDepth: z.number().int(),
    runningGroups: z.number().int(),
    maxConcurrentGroups: z.number().int(),
    buffer: bufferStatusSchema.pick({ size: true, capacity: true, inFlight: true, dropped: true }),
  })
  .openapi('QueueStatus');

const triggerQuery = z.object({
  wait: z.enum(['true', 'false']).optional().openapi({ description: 'false: answer 202 at once instead of waiting for the poll' }),
  timeoutMs: z.coerce.number().int().min(1).max(60_000).optional().openapi({ description: 'How long to wait for the poll (default 5000 ms)' }),
});

/** Engine refusals as HTTP: unknown 404, state conflicts 409, the concurrency limit 429. */
export function refusalError(refusal: Extract<CommandResult, { ok: false }>['refusal']): ApiError {
  switch (refusal.code) {
    case 'unknown':
      return new ApiError(404, 'GROUP_NOT_FOUND', refusal.message);
    case 'running':
      return new ApiError(409, 'ALREADY_RUNNING', refusal.message);
    case 'not-running':
      return new ApiError(409, 'NOT_RUNNING', refusal.message);
    case 'not-handshake':
      return new ApiError(409, 'NOT_HANDSHAKE', refusal.message);
    case 'capacity':
      return new ApiError(429, 'CAPACITY', refusal.message, undefined, { 'Retry-After': '5' });
    case 'not-ready':
      return new ApiError(503, 'NOT_READY', refusal.message, undefined, { 'Retry-After': '1' });
  }
}

export function registerPollingRoutes(app: App, ctx: RouteContext): void {
  const { collector } = ctx.services;
  const ready = engineReady(collector);
  const read = { security: ctx.readSecurity, tags: ['polling'], middleware: ready };
  const write = { security: BEARER, tags: ['polling'], middleware: ready };
  const statusOf = (name: string) => {
    const status = collector.groupStatus(name);
    if (!status) throw new ApiError(404, 'GROUP_NOT_FOUND', `unknown group "${name}"`);
    return status;
  };
  const command = (result: CommandResult): void => {
    if (!result.ok) throw refusalError(result.refusal);
  };

  app.openapi(
    createRoute({ ...read, method: 'get', path: '/api/polling/status', summary: 'Engine, every group and the buffer', responses: { 200: json(pollingStatusSchema, 'Status'), ...errors({ 503: '' }) } }),
    (c) => {
      const groups = collector.groupStatuses();
      return c.json({ ready: collector.ready, engine: engineView(collector, groups), groups, buffer: collector.buffer.status() }, 200);
    },
  );

  app.openapi(
    createRoute({ ...read, method: 'get', path: '/api/polling/groups/{name}/status', summary: 'One group', request: { params: groupParams }, responses: { 200: json(groupStatusSchema, 'Status'), ...errors({ 404: 'Unknown group', 503: '' }) } }),
    (c) => c.json(statusOf(c.req.valid('param').name), 200),
  );

  for (const action of ['start', 'stop'] as const) {
    app.openapi(
      createRoute({
        ...write,
        method: 'post',
        path: `/api/polling/groups/{name}/${action}`,
        summary: action === 'start' ? 'Start polling a group' : 'Stop a group (a read in flight finishes first)',
        request: { params: groupParams },
        responses: {
          200: json(groupStatusSchema, 'Done: the group status after the command'),
          ...errors(action === 'start'
            ? { ...MUTATION_ERRORS, 404: 'Unknown group', 409: 'ALREADY_RUNNING', 429: 'CAPACITY: collector.maxConcurrentGroups groups already run', 503: '' }
            : { ...MUTATION_ERRORS, 404: 'Unknown group', 409: 'NOT_RUNNING', 503: '' }),
        },
      }),
      (c) => {
        const { name } = c.req.valid('param');
        command(action === 'start' ? collector.startGroup(name) : collector.stopGroup(name));
        return c.json(statusOf(name), 200);
      },
    );
  }

  app.openapi(
    createRoute({
      ...write,
      method: 'post',
      path: '/api/polling/groups/{name}/trigger',
      summary: 'Trigger one poll of a HANDSHAKE group',
      description:
        'Waits for the poll (default 5 s) and answers its outcome (200, ok false when the read failed). `wait=false`, or a poll that outlasts the wait, answers 202. ' +
        'A trigger within 1 s of the last accepted one, or while the group is still reading or backing off, is ignored by the engine: 429 TRIGGER_IGNORED with Retry-After: 1 (retrying later can succeed; nothing is wrong with the group).',
      request: { params: groupParams, query: triggerQuery },
      responses: {
        200: json(triggerResultSchema, 'The poll ran: its outcome'),
        202: json(triggerResultSchema, 'Accepted; the poll had not finished when the answer was sent'),
        ...errors({ ...MUTATION_ERRORS, 400: '', 404: 'Unknown group', 409: 'NOT_HANDSHAKE (a FIXED group) or NOT_RUNNING', 429: 'TRIGGER_IGNORED: too soon after the last trigger, or a poll is in progress', 503: '' }),
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const query = c.req.valid('query');
      const waitMs = query.wait === 'false' ? 0 : (query.timeoutMs ?? ctx.triggerWaitMs);
      const result = await collector.trigger(name, waitMs);
      command(result);
      const outcome = result.ok ? result.outcome : undefined;
      if (!outcome?.accepted) {
        const why = outcome?.reason === 'busy' ? 'is still reading or backing off' : 'accepted a trigger less than 1 s ago';
        throw new ApiError(429, 'TRIGGER_IGNORED', `trigger ignored: group "${name}" ${why}; retry in a second`, undefined, { 'Retry-After': '1' });
      }
      if (outcome.ok === undefined) return c.json({ group: name, accepted: true as const, completed: false }, 202);
      return c.json({ group: name, accepted: true as const, completed: true, ok: outcome.ok, tagCount: outcome.tagCount, durationMs: outcome.durationMs ?? null, error: outcome.error ?? null }, 200);
    },
  );

  for (const action of ['start-all', 'stop-all'] as const) {
    app.openapi(
      createRoute({
        ...write,
        method: 'post',
        path: `/api/polling/${action}`,
        summary: action === 'start-all' ? 'Start every group (up to the concurrency limit)' : 'Stop every group',
        responses: { 200: json(allResultSchema, 'The groups after the command'), ...errors({ ...MUTATION_ERRORS, 503: '' }) },
      }),
      (c) => {
        if (action === 'start-all') collector.startAll();
        else collector.stopAll();
        const groups = collector.groupStatuses();
        const max = collector.stored.plant.collector.maxConcurrentGroups;
        const refused = action === 'start-all' ? groups.filter((g) => g.state === 'idle').map((g) => ({ name: g.name, reason: `at most ${max} concurrent groups (collector.maxConcurrentGroups)` })) : [];
        return c.json({ groups, refused }, 200);
      },
    );
  }

  app.openapi(
    createRoute({ ...read, method: 'get', path: '/api/polling/queue/status', summary: 'Request queues per device, running groups, buffer fill', responses: { 200: json(queueStatusSchema, 'Queues'), ...errors({ 503: '' }) } }),
    (c) => {
      const devices = collector.devices().map((d) => ({ device: d.name, status: d.status, queueDepth: d.queueDepth }));
      const groups = collector.groupStatuses();
      const b = collector.buffer.status();
      return c.json(
        {
          devices,
          totalQueueDepth: devices.reduce((s, d) => s + d.queueDepth, 0),
          runningGroups: engineView(collector, groups).runningGroups,
          maxConcurrentGroups: collector.stored.plant.collector.maxConcurrentGroups,
          buffer: { size: b.size, capacity: b.capacity, inFlight: b.inFlight, dropped: b.dropped },
        },
        200,
      );
    },
  );
}
