import { z } from '@hono/zod-openapi';
import type { ErrorStatus } from '../errors.js';

/** The error body of every failing request. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'CONFIG_INVALID' }),
      message: z.string(),
      field: z.string().optional().openapi({ description: 'The request field at fault (body, query or path), when there is one.' }),
      issues: z
        .array(
          z.object({
            path: z.string().openapi({ description: 'Path in the plant configuration, e.g. groups[0].tags[2].address' }),
            field: z.string().optional().openapi({ description: 'The same, relative to the request body' }),
            message: z.string(),
            line: z.number().int().optional().openapi({ description: 'CSV import: the line' }),
            column: z.number().int().optional().openapi({ description: 'CSV import: the column (1-based)' }),
          }),
        )
        .optional()
        .openapi({ description: 'Every configuration problem found (400 CONFIG_INVALID).' }),
      blockers: z.array(z.string()).optional().openapi({ description: '409: the names of what is in the way.' }),
    }),
  })
  .openapi('Error');

const ERROR_TEXT: Record<ErrorStatus, string> = {
  400: 'Invalid input: the message and `field` name what is wrong',
  401: 'Missing or wrong bearer token',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'Request body larger than server.bodyLimitBytes',
  415: 'Unsupported media type',
  429: 'Refused for now: retry later',
  500: 'Internal error',
  503: 'Engine not ready, or too many stream clients',
};

/** Error responses for a route's `responses`, with what they mean on that route. */
export function errors(spec: Partial<Record<ErrorStatus, string>>): Record<number, { description: string; content: { 'application/json': { schema: typeof errorSchema } } }> {
  const out: Record<number, { description: string; content: { 'application/json': { schema: typeof errorSchema } } }> = {};
  for (const [status, text] of Object.entries(spec)) {
    out[Number(status)] = { description: text || ERROR_TEXT[Number(status) as ErrorStatus], content: { 'application/json': { schema: errorSchema } } };
  }
  return out;
}

/** The errors every mutating route can answer (auth, body limit, media type). */
export const MUTATION_ERRORS = { 401: '', 413: '', 415: '' } as const;

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export const nameParam = (name: string, description: string) =>
  z.string().min(1).max(64).openapi({ param: { name, in: 'path' }, description, example: name === 'tag' ? 'temp1' : undefined });

export const groupParams = z.object({ name: nameParam('name', 'Polling group name') });
export const deviceParams = z.object({ name: nameParam('name', 'Device name') });
export const tagParams = z.object({ name: nameParam('name', 'Tag name') });
export const groupTagParams = z.object({ name: nameParam('name', 'Polling group name'), tag: nameParam('tag', 'Tag name') });

/** Security requirement of mutating routes (and of reads under server.protectReads). */
export const BEARER = [{ bearerAuth: [] as string[] }];
