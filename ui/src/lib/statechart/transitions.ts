import type { StateGraph } from '../schemas/inspect.js';
import { transitionText } from './layout.js';

/** A state's transitions and those it inherits from its ancestors (nearest first), as XState picks them. */
export interface TransitionRow {
  /** The state that defines the transition (the state itself or an ancestor). */
  readonly from: string;
  readonly text: string;
  /** Target ids relative to the machine ("polling.reading"), or "" when the state stays. */
  readonly to: string;
}

export function findState(root: StateGraph, id: string): StateGraph[] | null {
  if (root.id === id) return [root];
  for (const s of root.states) {
    const path = findState(s, id);
    if (path) return [root, ...path];
  }
  return null;
}

export function transitionsOf(root: StateGraph, id: string): TransitionRow[] {
  const path = findState(root, id);
  if (!path) return [];
  const rows: TransitionRow[] = [];
  const strip = (target: string) => (target.startsWith(`${root.id}.`) ? target.slice(root.id.length + 1) : target);
  for (const node of [...path].reverse()) {
    for (const t of node.transitions) {
      rows.push({ from: node === root ? root.key : strip(node.id), text: transitionText(t), to: t.targets.map(strip).join(', ') });
    }
  }
  return rows;
}
