import type { AnyStateMachine } from 'xstate';

/**
 * A compact, JSON-safe description of a machine for the panel's statechart drawing:
 * states (nested) and their transitions (event, targets, guard). Built from the machine's
 * own definition, so the drawing can never disagree with the code.
 */
export interface StateGraph {
  readonly id: string;
  readonly key: string;
  readonly type: string;
  readonly initial: string | null;
  readonly states: StateGraph[];
  readonly transitions: TransitionGraph[];
}

export interface TransitionGraph {
  readonly event: string;
  readonly targets: string[];
  readonly guard: string | null;
}

interface RawTransition {
  eventType: string;
  target?: { id: string }[] | undefined;
  guard?: unknown;
}

interface RawNode {
  id: string;
  key: string;
  type: string;
  initial?: { target?: { id: string }[] } | undefined;
  states: Record<string, RawNode>;
  transitions: Map<string, RawTransition[]>;
  always?: RawTransition[] | undefined;
  after: RawTransition[];
}

function guardName(guard: unknown): string | null {
  if (!guard) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String((guard as { type: unknown }).type);
  return 'guard';
}

/** Internal event names become what a reader of the chart expects: after, done, error. */
function eventLabel(event: string): string {
  if (event.startsWith('xstate.after')) return 'after';
  if (event.startsWith('xstate.done.actor')) return 'done';
  if (event.startsWith('xstate.error.actor')) return 'error';
  return event;
}

function walk(node: RawNode): StateGraph {
  const transitions: TransitionGraph[] = [];
  const add = (event: string, t: RawTransition): void => {
    transitions.push({ event, targets: (t.target ?? []).map((s) => s.id), guard: guardName(t.guard) });
  };
  for (const [event, list] of node.transitions) for (const t of list) add(eventLabel(event), t);
  for (const t of node.always ?? []) add('always', t);
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    initial: node.initial?.target?.[0]?.id ?? null,
    states: Object.values(node.states).map(walk),
    transitions,
  };
}

export function machineGraph(machine: AnyStateMachine): StateGraph {
  return walk(machine.root as unknown as RawNode);
}
