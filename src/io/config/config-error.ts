/** One problem in a configuration: where (file, line, path in the document) and what. */
export interface ConfigIssue {
  /** Dotted path in the document, e.g. `groups[0].tags[2].address`. */
  readonly path: string;
  readonly message: string;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
}

/**
 * A configuration that cannot be used. Carries every problem found (not just the first),
 * each naming the file, the line and the field, so a user fixes the file in one pass.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(`${source}: invalid configuration\n${issues.map((i) => `  ${formatIssue(source, i)}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function formatIssue(source: string, issue: ConfigIssue): string {
  const where = issue.line !== undefined ? `${source}:${issue.line}${issue.column !== undefined ? `:${issue.column}` : ''}` : source;
  return `${where}: ${issue.path || '(document)'}: ${issue.message}`;
}

/** `['groups', 0, 'tags', 2, 'address']` -> `groups[0].tags[2].address` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
