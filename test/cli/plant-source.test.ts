/**
 * `run --config FILE`: the plant file is the source (issue 14: a changed file was silently
 * ignored because the store already held a configuration; `import` of an unchanged file said
 * "~2 ~2 ~4"; `run` with no arguments started the demo plant).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector } from '../../src/app.js';
import { PlantSourceConflict } from '../../src/actors/plant-source.js';
import { main, type CliIo } from '../../src/cli/main.js';
import { writeSourceRecord } from '../../src/io/config/plant-source-record.js';
import { memoryLogger } from '../reliability/support/plants.js';

const tmp = mkdtempSync(join(tmpdir(), 'jsscada-source-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

function plantYaml(groups: { name: string; intervalMs: number; tags: string[] }[]): string {
  return [
    'devices: [{ name: plc, protocol: sim, port: 1 }]',
    'groups:',
    ...groups.map((g) => `  - { name: ${g.name}, device: plc, intervalMs: ${g.intervalMs}, tags: [${g.tags.map((t, i) => `{ name: ${t}, address: D${i + 1} }`).join(', ')}] }`),
    '',
  ].join('\n');
}

const V1 = plantYaml([
  { name: 'g1', intervalMs: 200, tags: ['a', 'b'] },
  { name: 'g2', intervalMs: 1000, tags: ['c'] },
]);
const V2 = plantYaml([
  { name: 'g1', intervalMs: 500, tags: ['a', 'b'] },
  { name: 'g2', intervalMs: 1000, tags: ['c'] },
  { name: 'g3', intervalMs: 1000, tags: ['d'] },
]);

/** Start on FILE (no HTTP), return what was logged about the plant file and the stored plant; stop. */
async function runOnce(file: string, data: string, edit?: (plant: { groups?: { name: string; intervalMs?: number }[] }) => void, configWins = false) {
  const log = memoryLogger();
  const running = await startCollector({ configFile: file, configWins, dataDir: data, logger: log.logger });
  try {
    if (edit) await running.services.config.change((p) => (edit(p as never), { plant: p, result: null }), 'api');
    return { lines: log.lines().map((l) => String(l.msg)), plant: running.services.config.current().plant };
  } finally {
    await running.stop();
  }
}

describe('run --config: the plant file is the source', () => {
  it('applies a file that changed since its last import and logs +added ~changed -retired =unchanged', async () => {
    const data = join(tmp, 'changed');
    const file = join(tmp, 'changed.yaml');
    writeFileSync(file, V1);
    const first = await runOnce(file, data);
    expect(first.lines).toContain('plant file applied: devices +1 ~0 -0 =0, groups +2 ~0 -0 =0, tags +3 ~0 -0 =0');
    const again = await runOnce(file, data);
    expect(again.lines).toContain('plant file unchanged: devices +0 ~0 -0 =1, groups +0 ~0 -0 =2, tags +0 ~0 -0 =3');
    writeFileSync(file, V2);
    const second = await runOnce(file, data);
    expect(second.lines).toContain('plant file applied: devices +0 ~0 -0 =1, groups +1 ~1 -0 =1, tags +1 ~0 -0 =3');
    expect(second.plant.groups.map((g) => [g.name, g.intervalMs])).toEqual([
      ['g1', 500],
      ['g2', 1000],
      ['g3', 1000],
    ]);
  });

  it('refuses a changed file when the store was edited through the API since, naming export and --config-wins; --config-wins applies it', async () => {
    const data = join(tmp, 'conflict');
    const file = join(tmp, 'conflict.yaml');
    writeFileSync(file, V1);
    await runOnce(file, data, (p) => (p.groups![1]!.intervalMs = 2000));
    writeFileSync(file, V2);
    const refused = await startCollector({ configFile: file, dataDir: data, logger: memoryLogger().logger }).then(
      async (r) => (await r.stop(), undefined),
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(PlantSourceConflict);
    const message = (refused as Error).message;
    expect(message).toContain(`${file} changed since it was last imported`);
    expect(message).toContain(`jsscada export ${file} --data`);
    expect(message).toContain('--config-wins');
    expect(message).toContain('file vs store: devices +0 ~0 -0 =1, groups +1 ~2 -0 =0');

    // Through the CLI: exit 2 (a service unit does not restart-loop on it), message on stderr.
    const io = capture();
    expect(await main(['run', '--config', file, '--data', data, '--port', '0'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('--config-wins');

    const wins = await runOnce(file, data, undefined, true);
    expect(wins.lines).toContain('plant file applied: devices +0 ~0 -0 =1, groups +1 ~2 -0 =0, tags +1 ~0 -0 =3');
    expect(wins.plant.groups.map((g) => g.intervalMs)).toEqual([500, 1000, 1000]);
  });

  it('keeps API edits when the file did not change since its last import (a restart does not undo them)', async () => {
    const data = join(tmp, 'kept');
    const file = join(tmp, 'kept.yaml');
    writeFileSync(file, V1);
    await runOnce(file, data, (p) => (p.groups![1]!.intervalMs = 2000));
    const restarted = await runOnce(file, data);
    expect(restarted.plant.groups[1]!.intervalMs).toBe(2000);
    expect(restarted.lines.some((l) => l.includes('the store was edited through the API since and is kept') && l.includes('jsscada export'))).toBe(true);
  });

  it('refuses a file over a store it did not come from, unless --config-wins', async () => {
    const data = join(tmp, 'foreign');
    const other = join(tmp, 'other.yaml');
    writeFileSync(other, V1);
    await runOnce(other, data);
    rmSync(join(data, 'plant-source.json'));
    const file = join(tmp, 'foreign.yaml');
    writeFileSync(file, V2);
    await expect(startCollector({ configFile: file, dataDir: data, logger: memoryLogger().logger })).rejects.toThrow(/holds a plant that was not imported from/);
    expect((await runOnce(file, data, undefined, true)).plant.groups).toHaveLength(3);
  });
});

describe('import reports real differences', () => {
  it('an unchanged file is "=", a changed one counts what changed', async () => {
    const data = join(tmp, 'import');
    const file = join(tmp, 'import.yaml');
    writeFileSync(file, V1);
    const first = capture();
    expect(await main(['import', file, '--data', data], first)).toBe(0);
    expect(first.stdout[0]).toContain('devices +1 ~0 -0 =0, groups +2 ~0 -0 =0, tags +3 ~0 -0 =0');
    const same = capture();
    expect(await main(['import', file, '--data', data], same)).toBe(0);
    expect(same.stdout[0]).toContain('devices +0 ~0 -0 =1, groups +0 ~0 -0 =2, tags +0 ~0 -0 =3');
    writeFileSync(file, V2);
    const changed = capture();
    expect(await main(['import', file, '--data', data], changed)).toBe(0);
    expect(changed.stdout[0]).toContain('devices +0 ~0 -0 =1, groups +1 ~1 -0 =1, tags +1 ~0 -0 =3');
    // The import is recorded: running on the same file afterwards changes nothing.
    expect((await runOnce(file, data)).lines).toContain('plant file unchanged: devices +0 ~0 -0 =1, groups +0 ~0 -0 =3, tags +0 ~0 -0 =4');
  });
});

describe('run without --config', () => {
  it('without a store: says what to do (exit 2) instead of starting anything', async () => {
    const io = capture();
    expect(await main(['run', '--data', join(tmp, 'nothing'), '--port', '0'], io)).toBe(2);
    const text = io.stderr.join('\n');
    expect(text).toContain('no plant configuration');
    expect(text).toContain('jsscada run --config plant.yaml');
    expect(text).toContain('jsscada demo');
  });

  it("on the demo's store: refuses to run the simulators' plant without the simulators", async () => {
    const data = join(tmp, 'demo-store');
    mkdirSync(data);
    writeFileSync(join(data, 'jsscada.db'), '');
    writeSourceRecord(data, { hash: 'x', file: 'config/demo.yaml', by: 'demo' });
    const io = capture();
    expect(await main(['run', '--data', data, '--port', '0'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('holds the demo plant');
  });
});
