import type { YAMLError } from 'yaml';
import type { ConfigIssue } from './config-error.js';

/**
 * YAML syntax errors as an engineer reads them: the line to fix, in plain words. The parser
 * reports where it noticed the problem, which for an indentation slip is often the line above
 * (a key that "continues" onto an over-indented next line) or below (an unclosed { or quote)
 * (issue 14: "Nested mappings are not allowed in compact mappings", one line too early).
 */
export function yamlSyntaxIssue(error: YAMLError, text: string): ConfigIssue {
  const lines = text.split(/\r?\n/);
  const at = error.linePos?.[0];
  const end = error.linePos?.[1];
  const line = at?.line;
  const raw = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
  const issue = (l: number | undefined, message: string, column?: number): ConfigIssue => ({ path: '', message, line: l, column: column ?? (l === line ? at?.col : undefined) });
  const indent = (l: number): number => /^ */.exec(lines[l - 1] ?? '')![0].length;
  const quote = (l: number): string => JSON.stringify((lines[l - 1] ?? '').trim());

  switch (error.code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY': {
      // "a: 1\n   b: 2": the parser stops at a; the slip is the next, deeper-indented line.
      const from = line ?? 1;
      const to = Math.max(end?.line ?? from, from + 1);
      for (let l = from + 1; l <= Math.min(to, lines.length); l++) {
        if (lines[l - 1]!.trim() === '' || lines[l - 1]!.trim().startsWith('#')) continue;
        return issue(l, `this line is indented more than the line above (${quote(l)} under ${quote(from)}): keys of one mapping must start in the same column`, indent(l) + 1);
      }
      return issue(line, `a key must be on one line, followed by ":" (${raw})`);
    }
    case 'MISSING_CHAR': {
      if (/quote/i.test(raw)) {
        for (let l = (line ?? 1) - 1; l >= 1; l--) {
          const q = (lines[l - 1]!.match(/"/g) ?? []).length;
          if (q % 2 === 1) return issue(l, `this quoted text is not closed: add the missing " (${quote(l)})`);
        }
        return issue(line, 'a quoted text is not closed: add the missing quote');
      }
      if (/- indicator/.test(raw) && line !== undefined) {
        return issue(line, `this line's indentation does not match the list around it (${quote(line)}): list items start with "- " in the same column, and a key of an item lines up with the item's first key`);
      }
      return issue(line, raw);
    }
    case 'BAD_INDENT':
      if (/Flow (map|sequence)/.test(raw)) {
        const [open, close] = /Flow map/.test(raw) ? ['{', '}'] : ['[', ']'];
        for (let l = (line ?? 1) - 1; l >= 1; l--) {
          const t = lines[l - 1]!;
          if (t.split(open).length > t.split(close).length) return issue(l, `this ${open} is not closed with ${close} on its line (${quote(l)})`, t.indexOf(open) + 1);
        }
      }
      return issue(line, `the indentation is wrong here (${raw})`);
    case 'TAB_AS_INDENT':
      return issue(line, 'a tab in the indentation: YAML indents with spaces only');
    case 'DUPLICATE_KEY':
      return issue(line, `this key appears twice in the same mapping (${quote(line ?? 1)})`);
    default:
      return issue(line, raw);
  }
}
