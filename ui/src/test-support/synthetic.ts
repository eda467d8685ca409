import type { GroupStatus, LatestReading } from '../lib/schemas/status.js';

/** A plant of any size, for load tests: `groups` groups, `tags` tags over `devices` devices. */
export function syntheticGroup(i: number, tick = 0): GroupStatus {
  const handshake = i % 10 === 9;
  return {
    name: `group-${String(i).padStart(3, '0')}`,
    device: `plc-${i % 10}`,
    mode: handshake ? 'HANDSHAKE' : 'FIXED',
    state: i % 23 === 7 ? 'backoff' : 'polling',
    intervalMs: 1000,
    enabled: true,
    tagCount: 50,
    requestsPerPoll: 2,
    counters: { pollsOk: 1000 + tick * 4 + i, errors: i % 23 === 7 ? tick : 0, skippedSlots: 0, triggersAccepted: handshake ? tick : 0, triggersIgnored: 0 },
    crashes: 0,
    lastCrash: null,
    lastPollAt: new Date(1_700_000_000_000 + tick * 250).toISOString(),
    lastDurationMs: 1 + ((i * 7 + tick) % 30) / 10,
    lastError: i % 23 === 7 ? 'timeout after 2000 ms' : null,
    successRate: i % 23 === 7 ? 0.97 : 1,
    deviceStatus: { state: 'ONLINE', lastReadingAt: 1_700_000_000_000 + tick * 250, lastError: null },
  };
}

export function syntheticReadings(tags: number, devices: number, tick = 0): LatestReading[] {
  const out: LatestReading[] = [];
  const ts = new Date(1_700_000_000_000 + tick * 1000).toISOString();
  for (let i = 0; i < tags; i++) {
    const value = Math.round((50 + 40 * Math.sin((i + tick) / 7)) * 100) / 100;
    out.push({
      device: `plc-${i % devices}`,
      group: `group-${String(i % 100).padStart(3, '0')}`,
      tag: `tag-${String(i).padStart(5, '0')}`,
      value,
      unit: 'C',
      level: value >= 85 ? 'critical' : value >= 75 ? 'warning' : 'normal',
      quality: 'good',
      timestamp: ts,
    });
  }
  return out;
}
