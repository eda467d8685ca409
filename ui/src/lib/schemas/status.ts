import { z } from 'zod';

/**
 * The runtime views the panel reads, mirroring src/http/schemas/status.ts (the server's contract,
 * also in /openapi.json). Objects are not strict: a field the server adds later is ignored, not an
 * error. Enums are exact: a state the panel does not know is a protocol error worth seeing.
 */

export const groupStateSchema = z.enum(['idle', 'polling', 'error', 'backoff', 'restarting']);
export type GroupState = z.output<typeof groupStateSchema>;

export const groupModeSchema = z.enum(['FIXED', 'HANDSHAKE']);
export type GroupMode = z.output<typeof groupModeSchema>;

export const deviceStateSchema = z.enum(['ONLINE', 'OFFLINE', 'ERROR', 'UNKNOWN']);
export type DeviceState = z.output<typeof deviceStateSchema>;

export const groupCountersSchema = z.object({
  pollsOk: z.number().int(),
  errors: z.number().int(),
  skippedSlots: z.number().int(),
  triggersAccepted: z.number().int(),
  triggersIgnored: z.number().int(),
});

/** A tag whose address the device refuses (src/io/refused-tags.ts). */
export const tagErrorSchema = z.object({ tag: z.string(), address: z.string(), error: z.string(), since: z.string() });
export type TagError = z.output<typeof tagErrorSchema>;

/**
 * Fields added with issue 12 (refused addresses, the time of a last error): optional here, so a
 * panel talking to an older server still parses its payloads.
 */
export const tagErrorsShape = {
  /** Tags whose address the device refuses; the device itself stays ONLINE. */
  tagErrors: z.number().int().optional(),
  lastTagError: tagErrorSchema.nullable().optional(),
};

export const groupStatusSchema = z.object({
  name: z.string(),
  device: z.string(),
  mode: groupModeSchema,
  state: groupStateSchema,
  intervalMs: z.number(),
  enabled: z.boolean(),
  tagCount: z.number().int(),
  requestsPerPoll: z.number().int(),
  counters: groupCountersSchema,
  crashes: z.number().int(),
  lastCrash: z.string().nullable(),
  /** ISO time the last poll started. */
  lastPollAt: z.string().nullable(),
  lastDurationMs: z.number().nullable(),
  /** The last failed poll's error; it stays after a recovery: read it with lastErrorAt. */
  lastError: z.string().nullable(),
  /** ISO time of the poll that failed with lastError. */
  lastErrorAt: z.string().nullable().optional(),
  ...tagErrorsShape,
  /** 0..1, null before the first poll. */
  successRate: z.number().nullable(),
  deviceStatus: z
    .object({
      state: deviceStateSchema,
      /** Epoch ms. */
      lastReadingAt: z.number().nullable(),
      lastError: z.string().nullable(),
      /** Epoch ms of lastError. */
      lastErrorAt: z.number().nullable().optional(),
    })
    .nullable(),
});
export type GroupStatus = z.output<typeof groupStatusSchema>;

export const bufferStatusSchema = z.object({
  size: z.number().int(),
  capacity: z.number().int(),
  state: z.string(),
  produced: z.number().int(),
  written: z.number().int(),
  dropped: z.number().int(),
  inFlight: z.number().int(),
  batches: z.number().int(),
  failedWrites: z.number().int(),
  lastError: z.string().nullable(),
  writeLatencyMs: z.object({ avg: z.number(), p95: z.number() }),
  rowsPerSecond: z.number(),
});
export type BufferStatus = z.output<typeof bufferStatusSchema>;

export const engineSchema = z.object({
  /** The collector's name (absent from servers before 0.2). */
  collector: z.string().optional(),
  ready: z.boolean(),
  runningGroups: z.number().int(),
  maxConcurrentGroups: z.number().int(),
  groups: z.number().int(),
});
export type EngineStatus = z.output<typeof engineSchema>;

export const pollingStatusSchema = z.object({
  ready: z.boolean(),
  engine: engineSchema,
  groups: z.array(groupStatusSchema),
  buffer: bufferStatusSchema,
});
export type PollingStatus = z.output<typeof pollingStatusSchema>;

export const alarmLevelSchema = z.enum(['normal', 'warning', 'critical']);
export type AlarmLevel = z.output<typeof alarmLevelSchema>;

export const qualitySchema = z.enum(['good', 'bad_comm', 'bad_device', 'bad_config']);
export type Quality = z.output<typeof qualitySchema>;

export const latestReadingSchema = z.object({
  device: z.string(),
  group: z.string(),
  tag: z.string(),
  value: z.union([z.number(), z.string()]).nullable(),
  unit: z.string().nullable(),
  level: alarmLevelSchema.nullable(),
  quality: qualitySchema,
  timestamp: z.string(),
  /** Only on a tag whose address the device refuses: its answer ("C056 ADDRESS_OUT_OF_RANGE"). */
  error: z.string().optional(),
});
export type LatestReading = z.output<typeof latestReadingSchema>;

export const deviceLatestSchema = z.object({ device: z.string(), readings: z.array(latestReadingSchema) });

/** Delivery metrics (src/io/sink/delivery/metrics.ts): only what the panel shows is required. */
export const deliveryMetricsSchema = z.object({
  sink: z.string(),
  health: z.enum(['ok', 'degraded', 'down', 'unknown']),
  lastError: z.object({ message: z.string(), at: z.number() }).nullable(),
  rowsWritten: z.number(),
  spooledRows: z.number(),
  replayedRows: z.number(),
  rejectedRows: z.number(),
  retries: z.number(),
  spoolPending: z.object({ files: z.number(), bytes: z.number() }),
  /** Rows the spool size cap deleted (absent from older servers). */
  spoolDroppedRows: z.number().optional(),
});
export type DeliveryMetrics = z.output<typeof deliveryMetricsSchema>;

export const writerMetricsSchema = z.object({
  written: z.number().int(),
  inFlight: z.number().int(),
  batches: z.number().int(),
  failedWrites: z.number().int(),
  lastError: z.string().nullable(),
  writeLatencyMs: z.object({ avg: z.number(), p95: z.number() }),
  rowsPerSecond: z.number(),
  /** Present when the collector runs a Delivery in front of its sink (always, in the product). */
  delivery: deliveryMetricsSchema.optional(),
});
export type WriterMetrics = z.output<typeof writerMetricsSchema>;

export const triggerResultSchema = z.object({
  group: z.string(),
  accepted: z.literal(true),
  completed: z.boolean(),
  ok: z.boolean().optional(),
  tagCount: z.number().int().optional(),
  durationMs: z.number().nullable().optional(),
  error: z.string().nullable().optional(),
});
export type TriggerResult = z.output<typeof triggerResultSchema>;

export const allGroupsResultSchema = z.object({
  groups: z.array(groupStatusSchema),
  refused: z.array(z.object({ name: z.string(), reason: z.string() })),
});

export const historyBucketSchema = z.object({
  ts: z.number(),
  timestamp: z.string(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  avg: z.number().nullable(),
  count: z.number().int(),
  last: z.number().nullable(),
  bad: z.number().int(),
});
export type HistoryBucket = z.output<typeof historyBucketSchema>;

export const historySchema = z.object({
  tag: z.string(),
  from: z.string(),
  to: z.string(),
  limit: z.number().int(),
  // A server from before buckets sends neither: raw points.
  mode: z.enum(['raw', 'buckets']).default('raw'),
  truncated: z.boolean(),
  points: z.array(z.object({ ts: z.number(), timestamp: z.string(), value: z.number().nullable(), text: z.string().nullable(), quality: qualitySchema })),
  bucketMs: z.number().int().optional(),
  buckets: z.array(historyBucketSchema).optional(),
});
export type History = z.output<typeof historySchema>;
