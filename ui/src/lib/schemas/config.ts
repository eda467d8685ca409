import { z } from 'zod';
// The very schemas the API validates request bodies with (and the YAML import): a form checked
// here fails exactly where the server would fail it. Pure zod, no I/O: safe to bundle.
import { deviceSchema, groupSchema, MAX_INTERVAL_MS, MIN_INTERVAL_MS, PROTOCOLS, tagSchema } from '../../../../src/io/config/schema.js';
import { DATA_TYPES } from '../../../../src/io/types.js';
import { deviceStateSchema, groupStatusSchema, tagErrorsShape } from './status.js';

export { deviceSchema, groupSchema, tagSchema, PROTOCOLS, DATA_TYPES, MIN_INTERVAL_MS, MAX_INTERVAL_MS };

export type DeviceInput = z.input<typeof deviceSchema>;
export type GroupInput = z.input<typeof groupSchema>;
export type TagInput = z.input<typeof tagSchema>;
export type DataType = (typeof DATA_TYPES)[number];

/** GET /api/devices: configuration plus live status. Unknown fields are dropped, not refused. */
export const deviceViewSchema = deviceSchema
  .extend({
    status: deviceStateSchema,
    lastReadingAt: z.string().nullable(),
    lastError: z.string().nullable(),
    /** ISO time of lastError: before lastReadingAt it is from before a recovery, not current. */
    lastErrorAt: z.string().nullable().optional(),
    ...tagErrorsShape,
    queueDepth: z.number().int(),
    groups: z.array(z.string()),
  })
  .strip();
export type DeviceView = z.output<typeof deviceViewSchema>;

export const tagViewSchema = z.object({ ...tagSchema.shape, group: z.string() });
export type TagView = z.output<typeof tagViewSchema>;

export const groupViewSchema = groupSchema.extend({ status: groupStatusSchema }).strip();
export type GroupView = z.output<typeof groupViewSchema>;

const counts = z.object({ added: z.number().int(), updated: z.number().int(), retired: z.number().int() });
export const importSummarySchema = z.object({ devices: counts, groups: counts, tags: counts });
export type ImportSummary = z.output<typeof importSummarySchema>;

export const csvImportSchema = z.object({ groups: z.array(z.string()), rows: z.number().int(), summary: importSummarySchema });
export type CsvImportResult = z.output<typeof csvImportSchema>;
