import { z } from '@hono/zod-openapi';
import { deviceSchema, groupSchema, tagSchema } from '../../io/config/schema.js';
import { deviceRuntimeShape, groupStatusSchema } from './status.js';

/**
 * Request bodies of the configuration API, built from the same schemas the YAML import uses
 * (src/io/config/schema.ts): POST takes the full schema, PUT the same without a required name
 * (it comes from the URL), PATCH any subset of fields, where null removes an optional field.
 * Cross-field rules (addresses, references, uniqueness) run on the whole plant afterwards.
 */

type Shape = Readonly<Record<string, z.ZodType>>;

/** Every field optional and nullable, defaults removed (a PATCH must not reset what it omits). */
function patchOf(shape: Shape, without: readonly string[]) {
  const out: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(shape)) {
    if (without.includes(key)) continue;
    let inner = schema;
    while (inner.def.type === 'default') inner = (inner.def as unknown as { innerType: z.ZodType }).innerType;
    if (inner.def.type === 'optional') inner = (inner.def as unknown as { innerType: z.ZodType }).innerType;
    out[key] = key === 'name' ? inner.optional() : inner.nullable().optional();
  }
  return z.object(out).strict();
}

/**
 * Name a schema of src/io/config in the OpenAPI components. zod 4 copies methods onto each
 * instance when it is built, so a schema built before @hono/zod-openapi extended zod (it depends
 * on import order) has no `.openapi`: take the method from the prototype instead.
 */
function named<T extends z.ZodType>(schema: T, refId: string): T {
  return (z.ZodType.prototype as unknown as { openapi(this: T, refId: string): T }).openapi.call(schema, refId);
}

export const deviceBody = named(deviceSchema, 'DeviceInput');
export const deviceReplaceBody = deviceSchema.partial({ name: true }).openapi('DeviceReplace');
export const devicePatchBody = patchOf(deviceSchema.shape, []).openapi('DevicePatch', { description: 'Fields to change; null removes an optional field (JSON merge patch, one level).' });

export const tagBody = named(tagSchema, 'TagInput');
export const tagReplaceBody = z.object({ ...tagSchema.shape, name: tagSchema.shape.name.optional() }).strict().openapi('TagReplace');
export const tagPatchBody = patchOf(tagSchema.shape, []).openapi('TagPatch', { description: 'Fields to change; null removes an optional field. Nested objects (record) are replaced as a whole.' });

export const groupBody = named(groupSchema, 'GroupInput');
export const groupReplaceBody = groupSchema.partial({ name: true }).openapi('GroupReplace');
export const groupPatchBody = patchOf(groupSchema.shape, ['tags']).openapi('GroupPatch', {
  description: 'Fields to change (not tags: use the tag endpoints or PUT); null removes an optional field. A new intervalMs takes effect at the next cycle.',
});

export const deviceViewSchema = deviceSchema.extend(deviceRuntimeShape).openapi('Device');
export const tagViewSchema = z.object({ ...tagSchema.shape, group: z.string() }).openapi('Tag');
export const groupViewSchema = groupSchema.extend({ status: groupStatusSchema }).openapi('Group');

export const importSummarySchema = z
  .object({
    devices: z.object({ added: z.number().int(), updated: z.number().int(), retired: z.number().int() }),
    groups: z.object({ added: z.number().int(), updated: z.number().int(), retired: z.number().int() }),
    tags: z.object({ added: z.number().int(), updated: z.number().int(), retired: z.number().int() }),
  })
  .openapi('ImportSummary');
