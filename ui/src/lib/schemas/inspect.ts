import { z } from 'zod';

/** /api/inspect/stream (src/actors/inspection/*): machine graphs, live actors, records. */

export interface TransitionGraph {
  readonly event: string;
  readonly targets: readonly string[];
  readonly guard: string | null;
}

export interface StateGraph {
  readonly id: string;
  readonly key: string;
  readonly type: string;
  readonly initial: string | null;
  readonly states: readonly StateGraph[];
  readonly transitions: readonly TransitionGraph[];
}

export const transitionGraphSchema = z.object({ event: z.string(), targets: z.array(z.string()), guard: z.string().nullable() });

export const stateGraphSchema: z.ZodType<StateGraph> = z.lazy(() =>
  z.object({
    id: z.string(),
    key: z.string(),
    type: z.string(),
    initial: z.string().nullable(),
    states: z.array(stateGraphSchema),
    transitions: z.array(transitionGraphSchema),
  }),
);

export const definitionsSchema = z.record(z.string(), stateGraphSchema);
export type Definitions = z.output<typeof definitionsSchema>;

/** A state value as XState serialises it: "idle", or { polling: "due" }, or parallel regions. */
export type StateValue = string | { readonly [key: string]: StateValue };
export const stateValueSchema: z.ZodType<StateValue> = z.lazy(() => z.union([z.string(), z.record(z.string(), stateValueSchema)]));

const context = z.record(z.string(), z.unknown());

export const liveActorSchema = z.object({
  actorId: z.string(),
  machine: z.string().nullable(),
  parentId: z.string().nullable(),
  value: stateValueSchema.nullable(),
  status: z.string(),
  context,
  updatedAt: z.number(),
});
export type LiveActor = z.output<typeof liveActorSchema>;
export const liveActorsSchema = z.array(liveActorSchema);

const base = { seq: z.number(), at: z.number(), actorId: z.string() };
export const inspectionRecordSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('actor'), machine: z.string().nullable(), parentId: z.string().nullable() }),
  z.object({ ...base, kind: z.literal('event'), sourceId: z.string().nullable(), event: z.object({ type: z.string() }).catchall(z.unknown()) }),
  z.object({ ...base, kind: z.literal('snapshot'), machine: z.string().nullable(), value: stateValueSchema.nullable(), status: z.string(), context }),
  z.object({ ...base, kind: z.literal('stopped') }),
]);
export type InspectionRecord = z.output<typeof inspectionRecordSchema>;

export const recordsBatchSchema = z.object({ records: z.array(inspectionRecordSchema), dropped: z.number().int() });
export type RecordsBatch = z.output<typeof recordsBatchSchema>;
