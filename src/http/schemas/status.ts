import { z } from '@hono/zod-openapi';

/** Response schemas of the runtime views (they mirror src/actors/status.ts, latest.ts and the buffer). */

export const groupCountersSchema = z.object({
  pollsOk: z.number().int(),
  errors: z.number().int(),
  skippedSlots: z.number().int().openapi({ description: 'FIXED: slots skipped because a poll overran' }),
  triggersAccepted: z.number().int(),
  triggersIgnored: z.number().int(),
});

export const deviceStateSchema = z.enum(['ONLINE', 'OFFLINE', 'ERROR', 'UNKNOWN']);

export const deviceStatusSchema = z.object({
  state: deviceStateSchema,
  lastReadingAt: z.number().nullable().openapi({ description: 'Epoch ms of the last successful read' }),
  lastError: z.string().nullable().openapi({ description: 'The last error seen; kept after a recovery as a diagnostic (see lastErrorAt)' }),
  lastErrorAt: z.number().nullable().openapi({ description: 'Epoch ms of lastError: before lastReadingAt it is from before the recovery, not current' }),
});

export const tagErrorSchema = z
  .object({
    tag: z.string(),
    address: z.string(),
    error: z.string().openapi({ description: 'The device\'s answer: "C056 ADDRESS_OUT_OF_RANGE", "exception 2 ILLEGAL DATA ADDRESS"' }),
    since: z.string().openapi({ description: 'ISO time since when the device refuses the address' }),
  })
  .openapi('TagError', { description: 'A tag whose address the device refuses: read on its own every refusedRetryMs, merged back once accepted' });

const tagErrorsShape = {
  tagErrors: z.number().int().openapi({ description: 'Tags whose address the device refuses (bad_device rows); the device itself stays ONLINE' }),
  lastTagError: tagErrorSchema.nullable().openapi({ description: 'The most recent refusal, or null' }),
};

export const groupStatusSchema = z
  .object({
    name: z.string(),
    device: z.string(),
    mode: z.enum(['FIXED', 'HANDSHAKE']),
    state: z.enum(['idle', 'polling', 'error', 'backoff', 'restarting']),
    intervalMs: z.number().int(),
    enabled: z.boolean(),
    tagCount: z.number().int(),
    requestsPerPoll: z.number().int(),
    counters: groupCountersSchema,
    crashes: z.number().int(),
    lastCrash: z.string().nullable(),
    lastPollAt: z.string().nullable().openapi({ description: 'ISO time the last poll started' }),
    lastDurationMs: z.number().nullable(),
    lastError: z.string().nullable().openapi({ description: 'The last failed poll\'s error; kept after a recovery (see lastErrorAt)' }),
    lastErrorAt: z.string().nullable().openapi({ description: 'ISO time of the poll that failed with lastError' }),
    ...tagErrorsShape,
    successRate: z.number().nullable(),
    deviceStatus: deviceStatusSchema.nullable(),
  })
  .openapi('GroupStatus');

export const bufferStatusSchema = z
  .object({
    size: z.number().int(),
    capacity: z.number().int(),
    state: z.string(),
    produced: z.number().int(),
    written: z.number().int(),
    dropped: z.number().int().openapi({ description: 'Rows dropped by overflow (oldest first)' }),
    inFlight: z.number().int(),
    batches: z.number().int(),
    failedWrites: z.number().int(),
    lastError: z.string().nullable(),
    writeLatencyMs: z.object({ avg: z.number(), p95: z.number() }),
    rowsPerSecond: z.number(),
  })
  .openapi('BufferStatus');

export const engineSchema = z
  .object({
    /** This collector's name on the value database (collector.name, else the host name). */
    collector: z.string(),
    ready: z.boolean(),
    runningGroups: z.number().int(),
    maxConcurrentGroups: z.number().int(),
    groups: z.number().int(),
  })
  .openapi('EngineStatus');

export const pollingStatusSchema = z
  .object({ ready: z.boolean(), engine: engineSchema, groups: z.array(groupStatusSchema), buffer: bufferStatusSchema })
  .openapi('PollingStatus');

export const latestReadingSchema = z
  .object({
    device: z.string(),
    group: z.string(),
    tag: z.string(),
    value: z.union([z.number(), z.string()]).nullable(),
    unit: z.string().nullable(),
    level: z.enum(['normal', 'warning', 'critical']).nullable().openapi({ description: 'From the tag thresholds; null when the value is bad or not numeric' }),
    quality: z.enum(['good', 'bad_comm', 'bad_device', 'bad_config']),
    timestamp: z.string(),
    error: z.string().optional().openapi({ description: 'Only on a tag whose address the device refuses: its answer, e.g. "C056 ADDRESS_OUT_OF_RANGE"' }),
  })
  .openapi('LatestReading');

export const deviceRuntimeShape = {
  status: deviceStateSchema,
  lastReadingAt: z.string().nullable().openapi({ description: 'ISO time of the last successful read' }),
  lastError: z.string().nullable().openapi({ description: 'The last error seen; kept after a recovery as a diagnostic (see lastErrorAt)' }),
  lastErrorAt: z.string().nullable().openapi({ description: 'ISO time of lastError: before lastReadingAt it is from before the recovery, not current' }),
  ...tagErrorsShape,
  queueDepth: z.number().int().openapi({ description: 'Requests waiting or running on the connection' }),
  groups: z.array(z.string()),
};

export const writerMetricsSchema = z
  .object({
    written: z.number().int(),
    inFlight: z.number().int(),
    batches: z.number().int(),
    failedWrites: z.number().int(),
    lastError: z.string().nullable(),
    writeLatencyMs: z.object({ avg: z.number(), p95: z.number() }),
    rowsPerSecond: z.number(),
  })
  .catchall(z.unknown())
  .openapi('WriterMetrics');
export type WriterMetrics = z.output<typeof writerMetricsSchema>;
