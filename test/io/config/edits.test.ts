import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/io/config/config-error.js';
import {
  addDevice,
  addGroup,
  addTag,
  ConflictError,
  deleteDevice,
  deleteGroup,
  deleteTag,
  EditRefusedError,
  NotFoundError,
  patchDevice,
  patchGroup,
  patchTag,
  replaceDevice,
  replaceGroup,
  replaceTag,
} from '../../../src/io/config/edits.js';
import type { PlantInput } from '../../../src/io/config/schema.js';
import { validatePlant } from '../../../src/io/config/validate.js';

function plant(): PlantInput {
  return {
    devices: [
      { name: 'p1', protocol: 'sim', port: 1 },
      { name: 'p2', protocol: 'sim', port: 2, timeoutMs: 500 },
    ],
    groups: [
      { name: 'g1', device: 'p1', intervalMs: 500, tags: [{ name: 'a', address: 'D1', warn: 5 }, { name: 'b', address: 'D2' }] },
      { name: 'g2', device: 'p1', tags: [{ name: 'c', address: 'D3' }] },
    ],
  };
}

describe('device edits', () => {
  it('adds, and refuses a taken name with a 409 naming the field', () => {
    const edit = addDevice(plant(), { name: 'p3', protocol: 'sim', port: 3 });
    expect(edit.result).toBe('p3');
    expect(edit.at).toEqual(['devices', 2]);
    expect(() => validatePlant(edit.plant, 'test')).not.toThrow();
    const err = catchError(() => addDevice(plant(), { name: 'p1', protocol: 'sim', port: 9 }));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ message: 'device "p1" already exists', field: 'name' });
  });

  it('replaces the whole device, keeping its name from the URL', () => {
    const { plant: p } = replaceDevice(plant(), 'p2', { protocol: 'sim', port: 22 });
    expect(p.devices![1]).toEqual({ name: 'p2', protocol: 'sim', port: 22 });
  });

  it('patches some fields; null removes an optional one; undefined leaves it', () => {
    const { plant: p } = patchDevice(plant(), 'p2', { port: 23, timeoutMs: null, retries: undefined });
    expect(p.devices![1]).toEqual({ name: 'p2', protocol: 'sim', port: 23 });
  });

  it('refuses renames as an error on the entity, naming the name field', () => {
    const err = catchError(() => patchDevice(plant(), 'p2', { name: 'p9' }));
    expect(err).toBeInstanceOf(EditRefusedError);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as EditRefusedError).at).toEqual(['devices', 1]);
    expect((err as ConfigError).issues[0]!.path).toBe('devices[1].name');
    expect(() => replaceDevice(plant(), 'p2', { name: 'p2', protocol: 'sim', port: 1 })).not.toThrow();
  });

  it('deletes an unused device; a device in use is a 409 naming every group using it', () => {
    expect(deleteDevice(plant(), 'p2').plant.devices!.map((d) => d.name)).toEqual(['p1']);
    const err = catchError(() => deleteDevice(plant(), 'p1'));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ blockers: ['g1', 'g2'], message: 'device "p1" is used by groups "g1", "g2": delete those groups or move them to another device first' });
  });

  it('reports an unknown device as NotFound for every operation', () => {
    for (const run of [() => replaceDevice(plant(), 'x', { protocol: 'sim', port: 1 }), () => patchDevice(plant(), 'x', {}), () => deleteDevice(plant(), 'x')]) {
      expect(catchError(run)).toMatchObject({ name: 'NotFoundError', kind: 'device', key: 'x', message: 'unknown device "x"' });
    }
  });
});

describe('group edits', () => {
  it('adds, replaces, patches and deletes', () => {
    expect(addGroup(plant(), { name: 'g3', device: 'p2', tags: [{ name: 'd', address: 'D4' }] }).at).toEqual(['groups', 2]);
    expect(catchError(() => addGroup(plant(), { name: 'g1', device: 'p2', tags: [] }))).toBeInstanceOf(ConflictError);
    expect(replaceGroup(plant(), 'g2', { device: 'p2', tags: [{ name: 'c', address: 'D30' }] }).plant.groups![1]).toEqual({ name: 'g2', device: 'p2', tags: [{ name: 'c', address: 'D30' }] });
    const patched = patchGroup(plant(), 'g1', { intervalMs: 2000, enabled: false }).plant.groups![0]!;
    expect(patched).toMatchObject({ intervalMs: 2000, enabled: false, tags: [{ name: 'a' }, { name: 'b' }] });
    expect(deleteGroup(plant(), 'g1').plant.groups!.map((g) => g.name)).toEqual(['g2']);
    expect(catchError(() => deleteGroup(plant(), 'zz'))).toBeInstanceOf(NotFoundError);
  });

  it('patch does not touch tags', () => {
    const err = catchError(() => patchGroup(plant(), 'g1', { tags: [] }));
    expect(err).toBeInstanceOf(EditRefusedError);
    expect((err as ConfigError).issues[0]).toMatchObject({ path: 'groups[0].tags' });
  });

  it('leaves references to validation: a group on an unknown device is a ConfigError naming the field', () => {
    const { plant: p } = addGroup(plant(), { name: 'g3', device: 'ghost', tags: [{ name: 'd', address: 'D4' }] });
    const err = catchError(() => validatePlant(p, 'api'));
    expect((err as ConfigError).issues[0]).toMatchObject({ path: 'groups[2].device' });
  });
});

describe('tag edits', () => {
  it('adds to a group; a name used anywhere in the plant is a 409 naming the group holding it', () => {
    const edit = addTag(plant(), 'g2', { name: 'd', address: 'D4' });
    expect(edit.at).toEqual(['groups', 1, 'tags', 1]);
    const err = catchError(() => addTag(plant(), 'g2', { name: 'a', address: 'D9' }));
    expect(err).toMatchObject({ name: 'ConflictError', field: 'name', blockers: ['g1'], message: 'tag "a" already exists in group "g1" (tag names are unique in the plant)' });
    expect(catchError(() => addTag(plant(), 'nope', { name: 'z', address: 'D9' }))).toMatchObject({ kind: 'group', key: 'nope' });
  });

  it('replaces and patches (null removes a threshold)', () => {
    expect(replaceTag(plant(), 'g1', 'b', { address: 'D20', type: 'uint16' }).plant.groups![0]!.tags[1]).toEqual({ name: 'b', address: 'D20', type: 'uint16' });
    expect(patchTag(plant(), 'g1', 'a', { warn: null, crit: 9 }).plant.groups![0]!.tags[0]).toEqual({ name: 'a', address: 'D1', crit: 9 });
    expect(catchError(() => patchTag(plant(), 'g1', 'zz', {}))).toMatchObject({ kind: 'tag', message: 'group "g1" has no tag "zz"' });
  });

  it('deletes a tag, but not the last one of its group', () => {
    expect(deleteTag(plant(), 'g1', 'a').plant.groups![0]!.tags.map((t) => t.name)).toEqual(['b']);
    const err = catchError(() => deleteTag(plant(), 'g2', 'c'));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ blockers: ['g2'], message: '"c" is the last tag of group "g2" and a group needs at least one tag: delete the group instead' });
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
