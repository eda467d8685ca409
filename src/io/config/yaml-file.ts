import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, stringify, isNode } from 'yaml';
import { ConfigError } from './config-error.js';
import { yamlSyntaxIssue } from './yaml-errors.js';
import type { PlantConfig } from './schema.js';
import { validatePlant, type Locate } from './validate.js';

/** Parse and validate a YAML plant text; `source` names the file in every error. */
export function parsePlantYaml(text: string, source: string): PlantConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // One issue per line: the parser often reports one slip twice.
    const issues = doc.errors.map((e) => yamlSyntaxIssue(e, text));
    throw new ConfigError(source, issues.filter((i, n) => issues.findIndex((j) => j.line === i.line && j.message === i.message) === n));
  }
  const locate: Locate = (path) => {
    // Walk up to the nearest node that exists (a missing field points at its parent).
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
  return validatePlant(doc.toJS() ?? {}, source, locate);
}

export function loadPlantFile(file: string): PlantConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read the file: ${(err as Error).message}` }]);
  }
  return parsePlantYaml(text, file);
}

/** The plant as YAML, in the shape the import reads (defaults left out where they add nothing). */
export function plantToYaml(plant: PlantConfig): string {
  return stringify(plant, { lineWidth: 0, flowCollectionPadding: true });
}
