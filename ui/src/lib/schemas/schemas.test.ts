import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import actors from '../../test-fixtures/actors.json';
import definitions from '../../test-fixtures/definitions.json';
import deviceLatest from '../../test-fixtures/deviceLatest.json';
import devices from '../../test-fixtures/devices.json';
import devicesSnapshot from '../../test-fixtures/devicesSnapshot.json';
import groups from '../../test-fixtures/groups.json';
import history from '../../test-fixtures/history.json';
import historyBuckets from '../../test-fixtures/historyBuckets.json';
import pollingSnapshot from '../../test-fixtures/pollingSnapshot.json';
import pollingStatus from '../../test-fixtures/pollingStatus.json';
import records from '../../test-fixtures/records.json';
import writerMetrics from '../../test-fixtures/writerMetrics.json';
import { describeIssues } from '../zod-issues.js';
import { deviceViewSchema, groupViewSchema } from './config.js';
import { errorBodySchema } from './errors.js';
import { definitionsSchema, liveActorsSchema, recordsBatchSchema } from './inspect.js';
import { deviceLatestSchema, groupStatusSchema, historySchema, pollingStatusSchema, writerMetricsSchema } from './status.js';
import { devicesPayloadSchema, pollingSnapshotSchema } from './streams.js';

// Payloads captured from the running demo (test-fixtures/*.json): the panel's schemas must accept
// what the server really sends, field for field.
describe('the schemas accept what the server sends', () => {
  it.each([
    ['GET /api/polling/status', pollingStatusSchema, pollingStatus],
    ['GET /api/writer/metrics', writerMetricsSchema, writerMetrics],
    ['GET /api/devices', z.array(deviceViewSchema), devices],
    ['GET /api/groups', z.array(groupViewSchema), groups],
    ['GET /api/devices/line1/latest', deviceLatestSchema, deviceLatest],
    ['GET /api/tags/temp1/history', historySchema, history],
    ['GET /api/tags/temp/history?maxPoints=3 (buckets)', historySchema, historyBuckets],
    ['polling stream: snapshot', pollingSnapshotSchema, pollingSnapshot],
    ['devices stream: snapshot', devicesPayloadSchema, devicesSnapshot],
    ['inspect stream: definitions', definitionsSchema, definitions],
    ['inspect stream: actors', liveActorsSchema, actors],
    ['inspect stream: records', recordsBatchSchema, records],
  ] as const)('%s', (_what, schema, payload) => {
    const r = schema.safeParse(payload);
    expect(r.success ? 'ok' : describeIssues(r.error)).toBe('ok');
  });

  it('reads a history from before buckets as raw, and buckets with their band', () => {
    expect(historySchema.parse(history).mode).toBe('raw');
    const b = historySchema.parse(historyBuckets);
    expect(b).toMatchObject({ mode: 'buckets', bucketMs: 3334, points: [] });
    expect(b.buckets?.[0]).toMatchObject({ min: 0, max: 20, count: 21, bad: 2 });
  });

  it('keeps the delivery metrics the panel shows (spooled, replayed, health)', () => {
    const m = writerMetricsSchema.parse(writerMetrics);
    expect(m.delivery?.health).toBe('ok');
    expect(m.delivery?.spooledRows).toBe(0);
  });

  it('ignores fields a newer server adds', () => {
    const g = groupStatusSchema.parse({ ...pollingStatus.groups[0], somethingNew: 1 });
    expect('somethingNew' in g).toBe(false);
  });
});

describe('the schemas refuse what the panel would misread', () => {
  it('names the field of a wrong type', () => {
    const bad = { ...pollingStatus.groups[0], counters: { ...pollingStatus.groups[0]!.counters, pollsOk: 'many' } };
    const r = groupStatusSchema.safeParse(bad);
    expect(r.success).toBe(false);
    if (!r.success) expect(describeIssues(r.error)).toContain('counters.pollsOk');
  });

  it('refuses a group state it does not know (a colour would be guessed)', () => {
    expect(groupStatusSchema.safeParse({ ...pollingStatus.groups[0], state: 'dancing' }).success).toBe(false);
  });

  it('parses the error body with its field and issues', () => {
    const body = {
      error: { code: 'CONFIG_INVALID', message: 'invalid configuration: device: unknown device "nodev"', field: 'device', issues: [{ path: 'groups[7].device', field: 'device', message: 'unknown device "nodev"' }] },
    };
    expect(errorBodySchema.parse(body).error.issues?.[0]?.field).toBe('device');
    expect(errorBodySchema.safeParse({ message: 'nope' }).success).toBe(false);
  });

  it('parses every kind of inspection record, and refuses an unknown kind', () => {
    const base = { seq: 1, at: 2, actorId: 'a#0' };
    const batch = {
      dropped: 0,
      records: [
        { ...base, kind: 'actor', machine: 'pollGroup', parentId: 'x:1' },
        { ...base, kind: 'event', sourceId: null, event: { type: 'group.start', extra: 1 } },
        { ...base, kind: 'snapshot', machine: 'pollGroup', value: { polling: 'due' }, status: 'active', context: {} },
        { ...base, kind: 'stopped' },
      ],
    };
    expect(recordsBatchSchema.parse(batch).records.map((r) => r.kind)).toEqual(['actor', 'event', 'snapshot', 'stopped']);
    expect(recordsBatchSchema.safeParse({ dropped: 0, records: [{ ...base, kind: 'weird' }] }).success).toBe(false);
  });
});
