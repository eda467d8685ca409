import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/io/config/config-error.js';
import { parsePlantYaml } from '../../../src/io/config/yaml-file.js';

function problems(yaml: string): ConfigError['issues'] {
  try {
    parsePlantYaml(yaml, 'plant.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('plant.yaml:');
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

const DEVICE = `devices:
  - { name: plc1, protocol: sim, host: 127.0.0.1, port: 5001 }
`;

describe('plant validation', () => {
  it('accepts a valid plant and fills defaults', () => {
    const plant = parsePlantYaml(`${DEVICE}groups:\n  - { name: g, device: plc1, tags: [{ name: t, address: D1 }] }\n`, 'plant.yaml');
    expect(plant.groups[0]).toMatchObject({ mode: 'fixed', intervalMs: 1000, enabled: true });
    expect(plant.groups[0]!.tags[0]!.type).toBe('int16');
    expect(plant.sink).toEqual({ kind: 'sqlite', path: 'jsscada.db', retentionDays: 0 });
  });

  it('names an unknown device with its line and the devices that exist', () => {
    const issues = problems(`${DEVICE}groups:\n  - name: g\n    device: plc9\n    tags: [{ name: t, address: D1 }]\n`);
    expect(issues).toEqual([{ path: 'groups[0].device', line: 5, column: 13, message: 'unknown device "plc9" (devices: plc1)' }]);
  });

  it('rejects a duplicate tag name across groups', () => {
    const issues = problems(
      `${DEVICE}groups:\n  - { name: a, device: plc1, tags: [{ name: t1, address: D1 }] }\n  - { name: b, device: plc1, tags: [{ name: t1, address: D2 }] }\n`,
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'groups[1].tags[0].name', line: 5 });
    expect(issues[0]!.message).toMatch(/duplicate tag name "t1" \(also in group "a"\)/);
  });

  it('rejects an interval out of range', () => {
    const low = problems(`${DEVICE}groups:\n  - { name: g, device: plc1, intervalMs: 50, tags: [{ name: t, address: D1 }] }\n`);
    expect(low).toEqual([expect.objectContaining({ path: 'groups[0].intervalMs', line: 4, message: 'interval must be at least 100 ms' })]);
    const high = problems(`${DEVICE}groups:\n  - { name: g, device: plc1, intervalMs: 3600001, tags: [{ name: t, address: D1 }] }\n`);
    expect(high[0]!.message).toBe('interval must be at most 3600000 ms (1 hour)');
  });

  it('rejects a bad address syntax with the tag named', () => {
    const issues = problems(`${DEVICE}groups:\n  - name: g\n    device: plc1\n    tags:\n      - { name: t, address: "D-1" }\n`);
    expect(issues).toEqual([expect.objectContaining({ path: 'groups[0].tags[0].address', line: 7 })]);
    expect(issues[0]!.message).toMatch(/^g\.t: bad address "D-1"/);
  });

  it('rejects unknown fields (a typo must not pass silently)', () => {
    const issues = problems(`${DEVICE}groups:\n  - { name: g, device: plc1, interval: 500, tags: [{ name: t, address: D1 }] }\n`);
    expect(issues[0]).toMatchObject({ path: 'groups[0]', message: 'unknown field "interval"' });
  });

  it('reports a YAML syntax error with its line', () => {
    const issues = problems(`${DEVICE}groups:\n  - name: g\n   device: [\n`);
    expect(issues[0]!.line).toBeGreaterThanOrEqual(4);
  });

  it('reports every problem at once, each with its own line', () => {
    const issues = problems(
      `devices:\n  - { name: plc1, protocol: sim, port: 70000 }\n  - { name: plc1, protocol: s7, port: 102 }\ngroups:\n  - { name: g, device: plc1, mode: sometimes, tags: [] }\n`,
    );
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['devices[0].port', 'devices[1].protocol', 'groups[0].mode', 'groups[0].tags']));
    expect(issues.every((i) => typeof i.line === 'number')).toBe(true);
  });

  it('needs a length for strings, warn not above crit, and a handshake mode for a trigger bit', () => {
    const issues = problems(
      `${DEVICE}groups:\n  - name: g\n    device: plc1\n    trigger: { bit: M100 }\n    tags:\n      - { name: s, address: D1, type: string }\n      - { name: t, address: D2, warn: 90, crit: 80 }\n`,
    );
    expect(issues.map((i) => [i.path, i.message])).toEqual(
      expect.arrayContaining([
        ['groups[0].tags[0].length', 'a string tag needs length (words)'],
        ['groups[0].tags[1].warn', 'warn (90) is above crit (80)'],
      ]),
    );
  });
});
