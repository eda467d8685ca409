import type { z } from 'zod';
import { protocolOf } from '../protocols.js';
import { ConfigError, formatPath, type ConfigIssue } from './config-error.js';
import { plantSchema, type PlantConfig } from './schema.js';

/** Maps a document path to a line/column in the source text (YAML import); absent for API input. */
export type Locate = (path: readonly PropertyKey[]) => { line: number; column: number } | undefined;

/**
 * Validate a whole plant: shape and ranges (zod), then the rules that need the whole document:
 * unique names, groups naming existing devices, addresses that the device's protocol can read.
 * Collects every problem and throws one ConfigError naming the file, line and field of each.
 */
export function validatePlant(raw: unknown, source: string, locate?: Locate): PlantConfig {
  const parsed = plantSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(source, zodIssues(parsed.error, locate));
  const issues = crossCheck(parsed.data).map((i) => withLocation(i, locate));
  if (issues.length > 0) throw new ConfigError(source, issues);
  return parsed.data;
}

export function zodIssues(error: z.ZodError, locate?: Locate): ConfigIssue[] {
  return error.issues.map((issue) => withLocation({ path: issue.path as PropertyKey[], message: describeZodIssue(issue) }, locate));
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_value') return `${issue.message}`;
  return issue.message;
}

interface RawIssue {
  readonly path: PropertyKey[];
  readonly message: string;
}

function withLocation(issue: RawIssue, locate?: Locate): ConfigIssue {
  const at = locate?.(issue.path);
  return { path: formatPath(issue.path), message: issue.message, line: at?.line, column: at?.column };
}

/** Rules that zod's per-field schemas cannot see. Exported for the REST API's partial edits. */
export function crossCheck(plant: PlantConfig): RawIssue[] {
  const issues: RawIssue[] = [];
  if ('passwordFile' in plant.sink && plant.sink.passwordFile !== undefined && plant.sink.password !== undefined) {
    issues.push({ path: ['sink', 'passwordFile'], message: 'give sink.password or sink.passwordFile, not both' });
  }
  const devices = new Map<string, number>();
  plant.devices.forEach((device, i) => {
    if (devices.has(device.name)) {
      issues.push({ path: ['devices', i, 'name'], message: `duplicate device name "${device.name}" (also devices[${devices.get(device.name)}])` });
    } else devices.set(device.name, i);
  });
  const groups = new Map<string, number>();
  const tags = new Map<string, string>();
  plant.groups.forEach((group, g) => {
    if (groups.has(group.name)) {
      issues.push({ path: ['groups', g, 'name'], message: `duplicate group name "${group.name}" (also groups[${groups.get(group.name)}])` });
    } else groups.set(group.name, g);
    const deviceIndex = devices.get(group.device);
    const device = deviceIndex === undefined ? undefined : plant.devices[deviceIndex];
    if (!device) {
      const known = [...devices.keys()].join(', ') || 'none defined';
      issues.push({ path: ['groups', g, 'device'], message: `unknown device "${group.device}" (devices: ${known})` });
    }
    if (group.trigger && group.mode !== 'handshake') {
      issues.push({ path: ['groups', g, 'trigger'], message: 'a trigger bit needs mode: handshake' });
    }
    const protocol = device ? protocolOf(device.protocol) : undefined;
    if (device && protocol && group.trigger) {
      const bitProblem = protocol.checkBit(group.trigger.bit, device);
      if (bitProblem) issues.push({ path: ['groups', g, 'trigger', 'bit'], message: bitProblem });
      if (group.trigger.ack !== undefined) {
        const ackProblem = protocol.checkBit(group.trigger.ack, device);
        if (ackProblem) issues.push({ path: ['groups', g, 'trigger', 'ack'], message: ackProblem });
      }
    }
    group.tags.forEach((tag, t) => {
      const where = `${group.name}.${tag.name}`;
      const previous = tags.get(tag.name);
      if (previous !== undefined) {
        issues.push({ path: ['groups', g, 'tags', t, 'name'], message: `duplicate tag name "${tag.name}" (also in group "${previous}"); tag names are unique in the plant` });
      } else tags.set(tag.name, group.name);
      if (device && protocol) {
        const problem = protocol.checkTag(tag, device);
        if (problem) issues.push({ path: ['groups', g, 'tags', t, 'address'], message: `${where}: ${problem}` });
      }
    });
  });
  return issues;
}
