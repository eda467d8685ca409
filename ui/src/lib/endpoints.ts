import { z } from 'zod';
import type { ApiClient, TextFile } from './api.js';
import {
  csvImportSchema,
  deviceViewSchema,
  groupViewSchema,
  tagViewSchema,
  type CsvImportResult,
  type DeviceInput,
  type DeviceView,
  type GroupInput,
  type GroupView,
  type TagInput,
  type TagView,
} from './schemas/config.js';
import {
  allGroupsResultSchema,
  bufferStatusSchema,
  deviceLatestSchema,
  groupStatusSchema,
  historySchema,
  pollingStatusSchema,
  triggerResultSchema,
  writerMetricsSchema,
  type BufferStatus,
  type GroupStatus,
  type History,
  type LatestReading,
  type PollingStatus,
  type TriggerResult,
  type WriterMetrics,
} from './schemas/status.js';

/** Every endpoint the panel uses, by name (paths as in src/http/routes/*.ts and /openapi.json). */

const seg = encodeURIComponent;

export type CsvMode = 'replace' | 'merge';

export class Endpoints {
  constructor(readonly client: ApiClient) {}

  // Polling
  pollingStatus(): Promise<PollingStatus> {
    return this.client.get('/api/polling/status', pollingStatusSchema);
  }
  startGroup(name: string): Promise<GroupStatus> {
    return this.client.send('POST', `/api/polling/groups/${seg(name)}/start`, undefined, groupStatusSchema);
  }
  stopGroup(name: string): Promise<GroupStatus> {
    return this.client.send('POST', `/api/polling/groups/${seg(name)}/stop`, undefined, groupStatusSchema);
  }
  triggerGroup(name: string): Promise<TriggerResult> {
    return this.client.send('POST', `/api/polling/groups/${seg(name)}/trigger`, undefined, triggerResultSchema);
  }
  startAll(): Promise<z.output<typeof allGroupsResultSchema>> {
    return this.client.send('POST', '/api/polling/start-all', undefined, allGroupsResultSchema);
  }
  stopAll(): Promise<z.output<typeof allGroupsResultSchema>> {
    return this.client.send('POST', '/api/polling/stop-all', undefined, allGroupsResultSchema);
  }

  // Buffer and writer
  bufferStatus(): Promise<BufferStatus> {
    return this.client.get('/api/buffer/status', bufferStatusSchema);
  }
  writerMetrics(): Promise<WriterMetrics> {
    return this.client.get('/api/writer/metrics', writerMetricsSchema);
  }

  // Devices and values
  devices(): Promise<DeviceView[]> {
    return this.client.get('/api/devices', z.array(deviceViewSchema));
  }
  deviceLatest(name: string): Promise<LatestReading[]> {
    return this.client.get(`/api/devices/${seg(name)}/latest`, deviceLatestSchema).then((d) => d.readings);
  }
  /** Raw points, or time buckets (min/max/avg) when the range holds more than maxPoints rows. */
  history(tag: string, from: number, to: number, limit: number, maxPoints?: number): Promise<History> {
    const q = new URLSearchParams({ from: String(Math.floor(from)), to: String(Math.ceil(to)), limit: String(limit) });
    if (maxPoints !== undefined) q.set('maxPoints', String(Math.round(maxPoints)));
    return this.client.get(`/api/tags/${seg(tag)}/history?${q.toString()}`, historySchema);
  }

  // Configuration
  groups(): Promise<GroupView[]> {
    return this.client.get('/api/groups', z.array(groupViewSchema));
  }
  groupTags(group: string): Promise<TagView[]> {
    return this.client.get(`/api/groups/${seg(group)}/tags`, z.array(tagViewSchema));
  }
  addDevice(device: DeviceInput): Promise<DeviceView> {
    return this.client.send('POST', '/api/devices', { json: device }, deviceViewSchema);
  }
  replaceDevice(name: string, device: DeviceInput): Promise<DeviceView> {
    return this.client.send('PUT', `/api/devices/${seg(name)}`, { json: device }, deviceViewSchema);
  }
  deleteDevice(name: string): Promise<void> {
    return this.client.sendNoContent('DELETE', `/api/devices/${seg(name)}`);
  }
  addGroup(group: GroupInput): Promise<GroupView> {
    return this.client.send('POST', '/api/groups', { json: group }, groupViewSchema);
  }
  /** Everything but the tags (PATCH: tags have their own endpoints). */
  patchGroup(name: string, patch: Partial<Omit<GroupInput, 'tags'>> | Record<string, unknown>): Promise<GroupView> {
    return this.client.send('PATCH', `/api/groups/${seg(name)}`, { json: patch }, groupViewSchema);
  }
  deleteGroup(name: string): Promise<void> {
    return this.client.sendNoContent('DELETE', `/api/groups/${seg(name)}`);
  }
  addTag(group: string, tag: TagInput): Promise<TagView> {
    return this.client.send('POST', `/api/groups/${seg(group)}/tags`, { json: tag }, tagViewSchema);
  }
  replaceTag(group: string, name: string, tag: TagInput): Promise<TagView> {
    return this.client.send('PUT', `/api/groups/${seg(group)}/tags/${seg(name)}`, { json: tag }, tagViewSchema);
  }
  deleteTag(group: string, name: string): Promise<void> {
    return this.client.sendNoContent('DELETE', `/api/groups/${seg(group)}/tags/${seg(name)}`);
  }
  exportYaml(): Promise<TextFile> {
    return this.client.getText('/api/config/export');
  }
  exportTagsCsv(): Promise<TextFile> {
    return this.client.getText('/api/config/tags.csv');
  }
  importTagsCsv(csv: string, mode: CsvMode): Promise<CsvImportResult> {
    return this.client.send('POST', `/api/config/tags.csv?mode=${mode}`, { text: csv, contentType: 'text/csv' }, csvImportSchema);
  }
}
