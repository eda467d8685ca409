import type { StateGraph, StateValue } from '../schemas/inspect.js';

/**
 * The state ids a snapshot value makes active, found by walking the machine's own graph by state
 * keys (so custom state ids work too): { polling: "due" } on pollGroup -> pollGroup,
 * pollGroup.polling, pollGroup.polling.due. Keys the graph does not know are skipped.
 */
export function activeStateIds(root: StateGraph, value: StateValue | null): Set<string> {
  const out = new Set<string>();
  if (value === null) return out;
  out.add(root.id);
  walk(root, value, out);
  return out;
}

function walk(node: StateGraph, value: StateValue, out: Set<string>): void {
  if (typeof value === 'string') {
    const child = node.states.find((s) => s.key === value);
    if (child) out.add(child.id);
    return;
  }
  for (const [key, sub] of Object.entries(value)) {
    const child = node.states.find((s) => s.key === key);
    if (!child) continue;
    out.add(child.id);
    walk(child, sub, out);
  }
}

/** The deepest active ids (leaves of the active configuration). */
export function activeLeaves(root: StateGraph, active: ReadonlySet<string>): string[] {
  const leaves: string[] = [];
  const visit = (node: StateGraph): void => {
    if (!active.has(node.id)) return;
    const activeChildren = node.states.filter((s) => active.has(s.id));
    if (activeChildren.length === 0) leaves.push(node.id);
    else activeChildren.forEach(visit);
  };
  visit(root);
  return leaves;
}
