import type { z } from 'zod';
import { ConfigError, formatPath } from './config-error.js';
import type { deviceSchema, groupSchema, PlantInput, tagSchema } from './schema.js';

/**
 * Pure CRUD edits on a plant (a deep copy handed over by ConfigService.change). They only
 * check what the whole-plant validation cannot say well: that the named thing exists (404),
 * that a new name is free and that a removal leaves nothing dangling (409). Everything else
 * (ranges, addresses, references) is left to validatePlant, so the API applies exactly the
 * rules of the YAML import.
 */

export type DeviceInput = z.input<typeof deviceSchema>;
export type GroupInput = z.input<typeof groupSchema>;
export type TagInput = z.input<typeof tagSchema>;
export type EntityKind = 'device' | 'group' | 'tag';

/** The named device, group or tag does not exist. */
export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly kind: EntityKind,
    readonly key: string,
    message = `unknown ${kind} "${key}"`,
  ) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The edit contradicts the current plant: a name already taken, a removal others depend on. */
export class ConflictError extends Error {
  readonly code = 'CONFLICT';
  constructor(
    message: string,
    /** The request field at fault, when there is one. */
    readonly field?: string,
    /** Names of the things in the way (the groups still using a device, ...). */
    readonly blockers: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Where the edited entity sits in the plant: validation issues under it concern the request body. */
export type EntityPath = readonly (string | number)[];

/** A field an edit refuses by itself (a rename), raised like a validation error on that entity. */
export class EditRefusedError extends ConfigError {
  constructor(
    readonly at: EntityPath,
    field: string,
    message: string,
  ) {
    super('api', [{ path: formatPath([...at, field]), message }]);
  }
}

export interface Edit<T> {
  readonly plant: PlantInput;
  readonly result: T;
  readonly at: EntityPath;
}

/** A body without its name (PUT/PATCH take it from the URL). */
export type Unnamed<T> = Omit<T, 'name'> & { name?: string | undefined };
/** PATCH: the fields to change; null removes an optional field (JSON merge patch, RFC 7396, one level). */
export type Patch = Readonly<Record<string, unknown>>;

// ---- devices ---------------------------------------------------------------------------------

export function addDevice(plant: PlantInput, device: DeviceInput): Edit<string> {
  const devices = (plant.devices ??= []);
  if (devices.some((d) => d.name === device.name)) throw new ConflictError(`device "${device.name}" already exists`, 'name');
  devices.push(device);
  return { plant, result: device.name, at: ['devices', devices.length - 1] };
}

export function replaceDevice(plant: PlantInput, name: string, device: Unnamed<DeviceInput>): Edit<string> {
  const i = deviceIndex(plant, name);
  keepName(device.name, name, ['devices', i]);
  plant.devices![i] = { ...device, name };
  return { plant, result: name, at: ['devices', i] };
}

export function patchDevice(plant: PlantInput, name: string, patch: Patch): Edit<string> {
  const i = deviceIndex(plant, name);
  keepName(patch.name, name, ['devices', i]);
  plant.devices![i] = merged(plant.devices![i]!, patch);
  return { plant, result: name, at: ['devices', i] };
}

export function deleteDevice(plant: PlantInput, name: string): Edit<string> {
  const i = deviceIndex(plant, name);
  const users = (plant.groups ?? []).filter((g) => g.device === name).map((g) => g.name);
  if (users.length > 0) {
    const list = users.map((g) => `"${g}"`).join(', ');
    throw new ConflictError(`device "${name}" is used by group${users.length > 1 ? 's' : ''} ${list}: delete those groups or move them to another device first`, undefined, users);
  }
  plant.devices!.splice(i, 1);
  return { plant, result: name, at: ['devices', i] };
}

// ---- groups ----------------------------------------------------------------------------------

export function addGroup(plant: PlantInput, group: GroupInput): Edit<string> {
  const groups = (plant.groups ??= []);
  if (groups.some((g) => g.name === group.name)) throw new ConflictError(`group "${group.name}" already exists`, 'name');
  groups.push(group);
  return { plant, result: group.name, at: ['groups', groups.length - 1] };
}

export function replaceGroup(plant: PlantInput, name: string, group: Unnamed<GroupInput>): Edit<string> {
  const i = groupIndex(plant, name);
  keepName(group.name, name, ['groups', i]);
  plant.groups![i] = { ...group, name };
  return { plant, result: name, at: ['groups', i] };
}

/** Changes the group's own fields; its tags are edited through the tag functions (or a PUT). */
export function patchGroup(plant: PlantInput, name: string, patch: Patch): Edit<string> {
  const i = groupIndex(plant, name);
  keepName(patch.name, name, ['groups', i]);
  if ('tags' in patch) throw new EditRefusedError(['groups', i], 'tags', 'PATCH does not change tags: use the tag endpoints, or PUT the whole group');
  plant.groups![i] = merged(plant.groups![i]!, patch);
  return { plant, result: name, at: ['groups', i] };
}

export function deleteGroup(plant: PlantInput, name: string): Edit<string> {
  const i = groupIndex(plant, name);
  plant.groups!.splice(i, 1);
  return { plant, result: name, at: ['groups', i] };
}

// ---- tags ------------------------------------------------------------------------------------

export function addTag(plant: PlantInput, group: string, tag: TagInput): Edit<string> {
  const g = groupIndex(plant, group);
  const holder = (plant.groups ?? []).find((x) => x.tags.some((t) => t.name === tag.name));
  if (holder) throw new ConflictError(`tag "${tag.name}" already exists in group "${holder.name}" (tag names are unique in the plant)`, 'name', [holder.name]);
  const tags = plant.groups![g]!.tags;
  tags.push(tag);
  return { plant, result: tag.name, at: ['groups', g, 'tags', tags.length - 1] };
}

export function replaceTag(plant: PlantInput, group: string, name: string, tag: Unnamed<TagInput>): Edit<string> {
  const [g, t] = tagIndex(plant, group, name);
  keepName(tag.name, name, ['groups', g, 'tags', t]);
  plant.groups![g]!.tags[t] = { ...tag, name };
  return { plant, result: name, at: ['groups', g, 'tags', t] };
}

export function patchTag(plant: PlantInput, group: string, name: string, patch: Patch): Edit<string> {
  const [g, t] = tagIndex(plant, group, name);
  keepName(patch.name, name, ['groups', g, 'tags', t]);
  plant.groups![g]!.tags[t] = merged(plant.groups![g]!.tags[t]!, patch);
  return { plant, result: name, at: ['groups', g, 'tags', t] };
}

export function deleteTag(plant: PlantInput, group: string, name: string): Edit<string> {
  const [g, t] = tagIndex(plant, group, name);
  const tags = plant.groups![g]!.tags;
  if (tags.length === 1) throw new ConflictError(`"${name}" is the last tag of group "${group}" and a group needs at least one tag: delete the group instead`, undefined, [group]);
  tags.splice(t, 1);
  return { plant, result: name, at: ['groups', g, 'tags', t] };
}

// ---- lookups ---------------------------------------------------------------------------------

function deviceIndex(plant: PlantInput, name: string): number {
  const i = (plant.devices ?? []).findIndex((d) => d.name === name);
  if (i < 0) throw new NotFoundError('device', name);
  return i;
}

function groupIndex(plant: PlantInput, name: string): number {
  const i = (plant.groups ?? []).findIndex((g) => g.name === name);
  if (i < 0) throw new NotFoundError('group', name);
  return i;
}

function tagIndex(plant: PlantInput, group: string, name: string): [number, number] {
  const g = groupIndex(plant, group);
  const t = plant.groups![g]!.tags.findIndex((x) => x.name === name);
  if (t < 0) throw new NotFoundError('tag', name, `group "${group}" has no tag "${name}"`);
  return [g, t];
}

/**
 * Renames are refused: a tag's name is its identity in the store (and in every trend), and a
 * device or group rename would silently re-point references. Delete and re-create instead.
 */
function keepName(given: unknown, name: string, at: EntityPath): void {
  if (given === undefined || given === name) return;
  throw new EditRefusedError(at, 'name', `the name in the body ("${String(given)}") differs from the URL ("${name}"); renaming is not supported: create the new one and delete the old`);
}

function merged<T extends object>(current: T, patch: Patch): T {
  const out = { ...current } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (value !== undefined) out[key] = value;
  }
  return out as T;
}
