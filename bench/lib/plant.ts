import { plantSchema, type CollectorConfig, type PlantConfig } from '../../src/io/config/schema.js';

/**
 * Generated plants for the figures: G groups of N int16 tags each at one interval, the groups
 * spread round-robin over the given PLC ports. Groups read the same addresses (D0.. / HR0..)
 * of their device, which costs the simulator nothing extra and keeps every read a full block.
 */
export interface PlantShape {
  readonly protocol: 'mc3e' | 'modbus';
  readonly ports: readonly number[];
  readonly groups: number;
  readonly tagsPerGroup: number;
  readonly intervalMs: number;
  readonly mode?: 'fixed' | 'handshake';
  readonly collector?: Partial<CollectorConfig>;
  /** Group and tag name prefix (default "g"), so two shapes can be merged into one plant. */
  readonly prefix?: string;
  /** Each group reads its own block (group g from g x tagsPerGroup); default: all read from 0. */
  readonly distinct?: boolean;
  /** Per-request timeout of every device (ms). */
  readonly timeoutMs?: number;
}

export function generatePlant(shape: PlantShape): PlantConfig {
  const p = shape.prefix ?? 'g';
  const devices = shape.ports.map((port, d) => ({
    name: `plc${d}`,
    protocol: shape.protocol,
    host: '127.0.0.1',
    port,
    timeoutMs: shape.timeoutMs ?? 2000,
  }));
  const groups = Array.from({ length: shape.groups }, (_, g) => ({
    name: `${p}${g}`,
    device: `plc${g % shape.ports.length}`,
    mode: shape.mode ?? 'fixed',
    intervalMs: shape.intervalMs,
    tags: Array.from({ length: shape.tagsPerGroup }, (_, t) => ({
      name: `${p}${g}t${t}`,
      address: `${shape.protocol === 'modbus' ? 'HR' : 'D'}${(shape.distinct ? g * shape.tagsPerGroup : 0) + t}`,
      type: 'int16' as const,
    })),
  }));
  return plantSchema.parse({
    devices,
    groups,
    collector: { maxConcurrentGroups: Math.max(10, shape.groups), ...shape.collector },
  });
}

/** Two generated plants on the same devices as one (groups of both, the larger concurrency limit). */
export function mergePlants(a: PlantConfig, b: PlantConfig): PlantConfig {
  return plantSchema.parse({
    ...a,
    groups: [...a.groups, ...b.groups],
    collector: { ...a.collector, maxConcurrentGroups: a.groups.length + b.groups.length },
  });
}
