import { hostname } from 'node:os';
import type { PlantConfig } from './schema.js';

/**
 * The collector's name on the value database: `collector.name`, else the host name made to fit
 * the name rules (letters, digits, "_", "-", "."; 64 characters; starting with a letter or digit).
 */
export function collectorName(plant: PlantConfig, host: string = hostname()): string {
  if (plant.collector.name) return plant.collector.name;
  const cleaned = host.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return cleaned || 'collector';
}
