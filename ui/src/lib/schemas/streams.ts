import { z } from 'zod';
import { bufferStatusSchema, deviceStateSchema, engineSchema, groupStatusSchema, latestReadingSchema } from './status.js';

/** Payloads of the SSE streams (src/http/sse/*.ts), one schema per event name. */

/** /api/polling/stream */
export const pollingSnapshotSchema = z.object({ engine: engineSchema, groups: z.array(groupStatusSchema), buffer: bufferStatusSchema });
export const groupRemovedSchema = z.object({ name: z.string() });

/** /api/devices/stream: `snapshot` on connect, then `batch` every server.devicesStreamIntervalMs. */
export const devicesPayloadSchema = z.object({
  at: z.string(),
  devices: z.array(
    z.object({
      name: z.string(),
      status: deviceStateSchema,
      lastReadingAt: z.string().nullable(),
      lastError: z.string().nullable(),
      /** ISO time of lastError (optional: older servers do not send it). */
      lastErrorAt: z.string().nullable().optional(),
      tagErrors: z.number().int().optional(),
    }),
  ),
  readings: z.array(latestReadingSchema),
});
export type DevicesPayload = z.output<typeof devicesPayloadSchema>;
export type DeviceLive = DevicesPayload['devices'][number];
