import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/io/config/config-error.js';
import { parsePlantYaml } from '../../../src/io/config/yaml-file.js';

/** Plant-file rules for protocol mc1e (series fx3) and transport udp. */

function problems(yaml: string): ConfigError['issues'] {
  try {
    parsePlantYaml(yaml, 'plant.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

const group = (device: string, address = 'D1') => `  - { name: g_${device}, device: ${device}, tags: [{ name: t_${device}, address: ${address} }] }\n`;

describe('plant files with mc1e and UDP', () => {
  it('accepts an FX3 over 1E and a Q over UDP beside a TCP device', () => {
    const plant = parsePlantYaml(
      `devices:
  - { name: fx3, protocol: mc1e, series: fx3, host: 192.0.2.20, port: 5551 }
  - { name: q, protocol: mc4e, host: 192.0.2.21, port: 5000, transport: udp, localPort: 5001 }
  - { name: l, protocol: mc3e, host: 192.0.2.22, port: 5002 }
groups:
${group('fx3', 'D8000')}${group('q')}${group('l')}`,
      'plant.yaml',
    );
    expect(plant.devices.map((d) => [d.protocol, d.series, d.transport, d.localPort])).toEqual([
      ['mc1e', 'fx3', 'tcp', undefined],
      ['mc4e', 'q', 'udp', 5001],
      ['mc3e', 'q', 'tcp', undefined],
    ]);
  });

  it('mc1e needs series fx3, and fx3 needs mc1e, each named at its line', () => {
    const issues = problems(`devices:
  - { name: a, protocol: mc1e, port: 5551 }
  - { name: b, protocol: mc3e, series: fx3, port: 5552 }
groups:
${group('a')}${group('b')}`);
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['devices[0].protocol', 2],
      ['devices[1].protocol', 3],
    ]);
    expect(issues[0]!.message).toMatch(/mc1e .* FX3 family: set series: fx3 \(not q\)/);
    expect(issues[1]!.message).toMatch(/1E frame only: use protocol: mc1e/);
  });

  it('refuses UDP for Modbus and a local port without UDP', () => {
    const issues = problems(`devices:
  - { name: m, protocol: modbus, port: 502, transport: udp }
  - { name: q, protocol: mc3e, port: 5000, localPort: 6000 }
groups:
${group('m', 'HR1')}${group('q')}`);
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['devices[0].transport', 'transport udp is for MC devices (mc1e, mc3e, mc4e), not modbus'],
      ['devices[1].protocol', 'localPort is for transport: udp'],
    ]);
  });

  it('checks FX3 tag addresses against the FX3 device list', () => {
    const issues = problems(`devices:
  - { name: fx3, protocol: mc1e, series: fx3, port: 5551 }
groups:
  - name: g
    device: fx3
    tags:
      - { name: a, address: W10 }
      - { name: b, address: X18, type: bit }
      - { name: c, address: D8600 }
      - { name: d, address: M7700, type: bit }
`);
    expect(issues.map((i) => i.path)).toEqual(['groups[0].tags[0].address', 'groups[0].tags[1].address', 'groups[0].tags[2].address', 'groups[0].tags[3].address']);
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/FX3 has no W device/),
      expect.stringMatching(/octal/),
      expect.stringMatching(/beyond the last D of an FX3U \(D8511\)/),
      expect.stringMatching(/M7680-M7999 do not exist/),
    ]);
  });
});
