import { z } from 'zod';
import { protocolOf } from '../protocols.js';
import { ConfigError, formatPath, type ConfigIssue } from './config-error.js';
import { groupSchema, plantSchema, tagSchema, type DeviceConfig, type GroupConfig, type PlantConfig, type TagConfig } from './schema.js';
import { Slicer } from './slices.js';

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
  for (const _ of crossCheckSteps(plant, issues)) {
    // one step per tag; the synchronous form runs them all at once
  }
  return issues;
}

/**
 * Tags that passed validation: the objects zod returned (never changed afterwards: edits replace
 * a tag, they do not modify it), each with the device it was checked against. A change to a
 * plant of 100,000 tags then validates the few tags it touched, not all of them again.
 */
export class KnownTags {
  private readonly tags = new WeakMap<object, string>();

  has(tag: unknown): tag is TagConfig {
    return typeof tag === 'object' && tag !== null && this.tags.has(tag);
  }

  /** Tags of a plant read from the store (readPlant validated each one). */
  addPlant(plant: PlantConfig): void {
    for (const g of plant.groups) for (const t of g.tags) if (!this.tags.has(t)) this.tags.set(t, '');
  }

  add(tag: TagConfig): void {
    this.tags.set(tag, '');
  }

  checkedAgainst(tag: TagConfig, deviceKey: string): boolean {
    return this.tags.get(tag) === deviceKey;
  }

  markChecked(tag: TagConfig, deviceKey: string): void {
    this.tags.set(tag, deviceKey);
  }
}

/** A group as validated without its tags (they are validated one by one, in slices). */
const groupShellSchema = groupSchema.extend({ tags: z.array(z.unknown()).min(1, 'a group needs at least one tag') });
const plantShellSchema = plantSchema.extend({ groups: z.array(groupShellSchema).default([]) });

/**
 * validatePlant for a running collector: the same rules, applied in slices of a few
 * milliseconds so that a 100,000-tag change never holds up a FIXED poll, and only to the tags
 * that are new since the last validation (`known`). Devices and groups equal to those of
 * `previous` keep their object identity, so the collector can see at a glance what changed.
 */
export async function validatePlantSliced(raw: unknown, source: string, options: { known?: KnownTags; previous?: PlantConfig } = {}): Promise<PlantConfig> {
  const known = options.known ?? new KnownTags();
  const slicer = new Slicer();
  const rawGroups = raw !== null && typeof raw === 'object' && Array.isArray((raw as { groups?: unknown }).groups) ? ((raw as { groups: unknown[] }).groups) : [];
  // The shell sees one stand-in per non-empty tag list (zod would walk all 100,000 in one go).
  const shellInput = rawGroups.length === 0 ? raw : { ...(raw as object), groups: rawGroups.map((g) => (g !== null && typeof g === 'object' && Array.isArray((g as { tags?: unknown }).tags) && (g as { tags: unknown[] }).tags.length > 0 ? { ...g, tags: [0] } : g)) };
  const shell = plantShellSchema.safeParse(shellInput);
  const issues: ConfigIssue[] = shell.success ? [] : zodIssues(shell.error);
  const tagsOf: TagConfig[][] = [];
  for (let g = 0; g < rawGroups.length; g++) {
    const group = rawGroups[g];
    const tags = group !== null && typeof group === 'object' ? (group as { tags?: unknown }).tags : undefined;
    const out: TagConfig[] = [];
    if (Array.isArray(tags)) {
      for (let t = 0; t < tags.length; t++) {
        const tag: unknown = tags[t];
        if (known.has(tag)) out.push(tag);
        else {
          const parsed = tagSchema.safeParse(tag);
          if (parsed.success) {
            known.add(parsed.data);
            out.push(parsed.data);
          } else for (const issue of parsed.error.issues) issues.push(withLocation({ path: ['groups', g, 'tags', t, ...(issue.path as PropertyKey[])], message: describeZodIssue(issue) }));
        }
        await slicer.pause();
      }
    }
    tagsOf.push(out);
  }
  if (issues.length > 0 || !shell.success) throw new ConfigError(source, issues);
  const plant = keepIdentity({ ...shell.data, groups: shell.data.groups.map((g, i) => ({ ...g, tags: tagsOf[i]! })) }, options.previous);
  const cross: RawIssue[] = [];
  for (const _ of crossCheckSteps(plant, cross, known)) await slicer.pause();
  if (cross.length > 0) throw new ConfigError(source, cross.map((i) => withLocation(i)));
  return plant;
}

/** Devices and groups unchanged from `previous` are the previous objects (tags compared by identity). */
function keepIdentity(plant: PlantConfig, previous: PlantConfig | undefined): PlantConfig {
  if (!previous) return plant;
  const devices = new Map(previous.devices.map((d) => [d.name, d]));
  const groups = new Map(previous.groups.map((g) => [g.name, g]));
  return {
    ...plant,
    devices: plant.devices.map((d) => {
      const old = devices.get(d.name);
      return old && JSON.stringify(old) === JSON.stringify(d) ? old : d;
    }),
    groups: plant.groups.map((g) => {
      const old = groups.get(g.name);
      return old && sameGroup(old, g) ? old : g;
    }),
  };
}

function sameGroup(a: GroupConfig, b: GroupConfig): boolean {
  if (a.tags.length !== b.tags.length) return false;
  for (let i = 0; i < a.tags.length; i++) if (a.tags[i] !== b.tags[i]) return false;
  const { tags: _a, ...restA } = a;
  const { tags: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

/** The cross-checks, one step (yield) per tag, so the sliced form can pause between them. */
function* crossCheckSteps(plant: PlantConfig, issues: RawIssue[], known?: KnownTags): Generator<void> {
  if ('passwordFile' in plant.sink && plant.sink.passwordFile !== undefined && plant.sink.password !== undefined) {
    issues.push({ path: ['sink', 'passwordFile'], message: 'give sink.password or sink.passwordFile, not both' });
  }
  const devices = new Map<string, number>();
  plant.devices.forEach((device, i) => {
    if (devices.has(device.name)) {
      issues.push({ path: ['devices', i, 'name'], message: `duplicate device name "${device.name}" (also devices[${devices.get(device.name)}])` });
    } else devices.set(device.name, i);
    if (device.transport === 'udp' && !device.protocol.startsWith('mc')) {
      issues.push({ path: ['devices', i, 'transport'], message: `transport udp is for MC devices (mc1e, mc3e, mc4e), not ${device.protocol}` });
    }
    const deviceProblem = protocolOf(device.protocol).checkDevice?.(device);
    if (deviceProblem) issues.push({ path: ['devices', i, 'protocol'], message: deviceProblem });
  });
  const groups = new Map<string, number>();
  const tags = new Map<string, string>();
  for (let g = 0; g < plant.groups.length; g++) {
    const group = plant.groups[g]!;
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
    const deviceKey = device ? deviceKeyOf(device) : '';
    if (device && protocol && group.trigger) {
      const bitProblem = protocol.checkBit(group.trigger.bit, device);
      if (bitProblem) issues.push({ path: ['groups', g, 'trigger', 'bit'], message: bitProblem });
      if (group.trigger.ack !== undefined) {
        const ackProblem = protocol.checkBit(group.trigger.ack, device);
        if (ackProblem) issues.push({ path: ['groups', g, 'trigger', 'ack'], message: ackProblem });
      }
    }
    for (let t = 0; t < group.tags.length; t++) {
      const tag = group.tags[t]!;
      const where = `${group.name}.${tag.name}`;
      const previous = tags.get(tag.name);
      if (previous !== undefined) {
        issues.push({ path: ['groups', g, 'tags', t, 'name'], message: `duplicate tag name "${tag.name}" (also in group "${previous}"); tag names are unique in the plant` });
      } else tags.set(tag.name, group.name);
      if (device && protocol && !known?.checkedAgainst(tag, deviceKey)) {
        const problem = protocol.checkTag(tag, device);
        if (problem) issues.push({ path: ['groups', g, 'tags', t, 'address'], message: `${where}: ${problem}` });
        else known?.markChecked(tag, deviceKey);
      }
      yield;
    }
  }
}

const deviceKeys = new WeakMap<DeviceConfig, string>();
/** What a tag's address check depends on: the whole device configuration. */
function deviceKeyOf(device: DeviceConfig): string {
  let key = deviceKeys.get(device);
  if (key === undefined) deviceKeys.set(device, (key = JSON.stringify(device)));
  return key;
}
