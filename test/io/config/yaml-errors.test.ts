import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/io/config/config-error.js';
import { parsePlantYaml } from '../../../src/io/config/yaml-file.js';

/** YAML syntax errors point at the line to fix, in plain words (issue 14). */
function syntaxError(text: string): { line: number | undefined; message: string }[] {
  try {
    parsePlantYaml(text, 'plant.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => ({ line: i.line, message: i.message }));
  }
  throw new Error('parsed without error');
}

const JARGON = /compact mapping|implicit key|indicator|Flow map|block collection/i;

describe('YAML syntax errors', () => {
  it('an over-indented key: the line itself, not the one above', () => {
    const issues = syntaxError(['devices:', '  - name: p', '    protocol: sim', '     port: 1', 'groups: []', ''].join('\n'));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.line).toBe(4);
    expect(issues[0]!.message).toContain('indented more than the line above');
    expect(issues[0]!.message).not.toMatch(JARGON);
  });

  it('a key indented out of its list item', () => {
    const issues = syntaxError(['devices: [{ name: p, protocol: sim, port: 1 }]', 'groups:', '  - name: g', '    device: p', '    tags:', '      - { name: t, address: D1 }', '   intervalMs: 200', ''].join('\n'));
    expect(issues[0]!.line).toBe(7);
    expect(issues[0]!.message).toContain('indentation does not match the list');
    expect(issues[0]!.message).not.toMatch(JARGON);
  });

  it('an unclosed { or quote: the line that opened it', () => {
    const brace = syntaxError(['devices:', '  - { name: p, protocol: sim, port: 1', 'groups: []', ''].join('\n'));
    expect(brace[0]).toMatchObject({ line: 2, message: expect.stringContaining('{ is not closed') as string });
    const quote = syntaxError(['groups:', '  - name: "abc', '  - name: d', ''].join('\n'));
    expect(quote[0]).toMatchObject({ line: 2, message: expect.stringContaining('quoted text is not closed') as string });
  });

  it('tabs and duplicate keys in plain words', () => {
    expect(syntaxError('devices:\n\t- x\n')[0]).toMatchObject({ line: 2, message: expect.stringContaining('spaces only') as string });
    expect(syntaxError('devices: []\ndevices: []\n')[0]).toMatchObject({ line: 2, message: expect.stringContaining('appears twice') as string });
  });
});
