import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../io/config/edits.js';
import { ApiError } from '../errors.js';
import { errors, json, tagParams } from '../schemas/common.js';
import type { App, RouteContext } from '../route-context.js';

export const HISTORY_DEFAULT_SPAN_MS = 3_600_000;
export const HISTORY_DEFAULT_LIMIT = 1_000;
export const HISTORY_MAX_LIMIT = 10_000;
const QUALITY = ['good', 'bad_comm', 'bad_device', 'bad_config'] as const;

const time = (what: string) => z.string().max(40).optional().openapi({ description: `${what}: ISO 8601 time or epoch milliseconds`, example: '2024-05-01T08:00:00Z' });

const historyQuery = z.object({
  from: time(`Start, inclusive (default: \`to\` minus ${HISTORY_DEFAULT_SPAN_MS / 60_000} minutes)`),
  to: time('End, inclusive (default: now)'),
  limit: z.coerce.number().int().min(1).max(HISTORY_MAX_LIMIT).optional().openapi({ description: `Newest points in the range, returned oldest first (default ${HISTORY_DEFAULT_LIMIT}, at most ${HISTORY_MAX_LIMIT})` }),
});

const historySchema = z
  .object({
    tag: z.string(),
    from: z.string(),
    to: z.string(),
    limit: z.number().int(),
    truncated: z.boolean().openapi({ description: 'true: the range holds more points than `limit`; the oldest were left out' }),
    points: z.array(z.object({ ts: z.number(), timestamp: z.string(), value: z.number().nullable(), text: z.string().nullable(), quality: z.enum(QUALITY) })),
  })
  .openapi('TagHistory');

/** ISO 8601 or epoch ms; anything else is a 400 naming the parameter. */
export function parseTime(value: string, field: string): number {
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new ApiError(400, 'VALIDATION', `invalid query field "${field}": "${value}" is neither an ISO 8601 time nor epoch milliseconds`, field);
  return ms;
}

export function registerHistoryRoutes(app: App, ctx: RouteContext): void {
  const { history } = ctx.services;
  app.openapi(
    createRoute({
      security: ctx.readSecurity,
      tags: ['tags'],
      method: 'get',
      path: '/api/tags/{name}/history',
      summary: "A tag's recorded values from the SQLite store",
      request: { params: tagParams, query: historyQuery },
      responses: { 200: json(historySchema, 'Points, oldest first'), ...errors({ 400: 'A bad time, limit, or from after to', 404: 'The store has never known this tag' }) },
    }),
    (c) => {
      const { name } = c.req.valid('param');
      const q = c.req.valid('query');
      const to = q.to !== undefined ? parseTime(q.to, 'to') : Date.now();
      const from = q.from !== undefined ? parseTime(q.from, 'from') : to - HISTORY_DEFAULT_SPAN_MS;
      if (from > to) throw new ApiError(400, 'VALIDATION', `invalid query field "from": ${new Date(from).toISOString()} is after "to" ${new Date(to).toISOString()}`, 'from');
      const limit = q.limit ?? HISTORY_DEFAULT_LIMIT;
      if (!history.tagExists(name)) throw new NotFoundError('tag', name, `unknown tag "${name}": the store has no history for it`);
      const rows = history.read(name, { from, to, limit });
      return c.json(
        {
          tag: name,
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          limit,
          truncated: rows.length === limit,
          points: rows.map((p) => ({ ts: p.ts, timestamp: new Date(p.ts).toISOString(), value: p.value, text: p.text, quality: QUALITY[p.quality] ?? 'bad_config' })),
        },
        200,
      );
    },
  );
}
