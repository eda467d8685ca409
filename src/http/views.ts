import type { Collector } from '../actors/collector.js';
import type { GroupStatus } from '../actors/status.js';

/** The engine as the status API and the polling stream show it. */
export function engineView(collector: Collector, groups: readonly GroupStatus[] = collector.groupStatuses()) {
  return {
    collector: collector.name,
    ready: collector.ready,
    runningGroups: groups.filter((g) => g.state !== 'idle').length,
    maxConcurrentGroups: collector.stored.plant.collector.maxConcurrentGroups,
    groups: groups.length,
  };
}

/** A device's configuration with its live status (GET /api/devices, /api/devices/{name}). */
export function deviceViews(collector: Collector) {
  const summaries = new Map(collector.devices().map((s) => [s.name, s]));
  return collector.stored.plant.devices.map((config) => {
    const s = summaries.get(config.name);
    return {
      ...config,
      status: s?.status ?? ('UNKNOWN' as const),
      lastReadingAt: s?.lastReadingAt ?? null,
      lastError: s?.lastError ?? null,
      lastErrorAt: s?.lastErrorAt ?? null,
      tagErrors: s?.tagErrors ?? 0,
      lastTagError: s?.lastTagError ?? null,
      queueDepth: s?.queueDepth ?? 0,
      groups: [...(s?.groups ?? [])],
    };
  });
}

/** A group's configuration with its live status. */
export function groupViews(collector: Collector) {
  const statuses = new Map(collector.groupStatuses().map((s) => [s.name, s]));
  return collector.stored.plant.groups.map((config) => ({ ...config, status: statuses.get(config.name)! }));
}
