import { createRoute, z } from '@hono/zod-openapi';
import { addTag, deleteTag, NotFoundError, patchTag, replaceTag } from '../../io/config/edits.js';
import { applyEdit } from '../config-edit.js';
import { BEARER, errors, groupParams, groupTagParams, json, MUTATION_ERRORS } from '../schemas/common.js';
import { tagBody, tagPatchBody, tagReplaceBody, tagViewSchema } from '../schemas/config.js';
import type { App, RouteContext } from '../route-context.js';

/** The tags of a polling group. Tag names are unique in the plant (they name the history). */
export function registerTagRoutes(app: App, ctx: RouteContext): void {
  const { collector, config } = ctx.services;
  const read = { security: ctx.readSecurity, tags: ['tags'] };
  const write = { security: BEARER, tags: ['tags'] };
  const tagsOf = (group: string) => {
    const found = collector.stored.plant.groups.find((g) => g.name === group);
    if (!found) throw new NotFoundError('group', group);
    return found.tags.map((t) => ({ ...t, group }));
  };
  const view = (group: string, name: string) => {
    const tag = tagsOf(group).find((t) => t.name === name);
    if (!tag) throw new NotFoundError('tag', name, `group "${group}" has no tag "${name}"`);
    return tag;
  };

  app.openapi(
    createRoute({ ...read, method: 'get', path: '/api/groups/{name}/tags', summary: 'The tags of a group', request: { params: groupParams }, responses: { 200: json(z.array(tagViewSchema), 'Tags'), ...errors({ 404: 'Unknown group' }) } }),
    (c) => c.json(tagsOf(c.req.valid('param').name), 200),
  );

  app.openapi(
    createRoute({ ...read, method: 'get', path: '/api/groups/{name}/tags/{tag}', summary: 'One tag', request: { params: groupTagParams }, responses: { 200: json(tagViewSchema, 'Tag'), ...errors({ 404: 'Unknown group or tag' }) } }),
    (c) => {
      const { name, tag } = c.req.valid('param');
      return c.json(view(name, tag), 200);
    },
  );

  app.openapi(
    createRoute({
      ...write,
      method: 'post',
      path: '/api/groups/{name}/tags',
      summary: 'Add a tag to a group',
      request: { params: groupParams, body: { content: { 'application/json': { schema: tagBody } }, required: true } },
      responses: { 201: json(tagViewSchema, 'Created'), ...errors({ ...MUTATION_ERRORS, 400: 'Invalid, e.g. an address the device cannot read', 404: 'Unknown group', 409: 'A tag with this name exists (in any group)' }) },
    }),
    async (c) => {
      const group = c.req.valid('param').name;
      const name = await applyEdit(config, (plant) => addTag(plant, group, c.req.valid('json')));
      c.header('Location', `/api/groups/${encodeURIComponent(group)}/tags/${encodeURIComponent(name)}`);
      return c.json(view(group, name), 201);
    },
  );

  app.openapi(
    createRoute({
      ...write,
      method: 'put',
      path: '/api/groups/{name}/tags/{tag}',
      summary: 'Replace a tag',
      request: { params: groupTagParams, body: { content: { 'application/json': { schema: tagReplaceBody } }, required: true } },
      responses: { 200: json(tagViewSchema, 'Replaced'), ...errors({ ...MUTATION_ERRORS, 400: '', 404: 'Unknown group or tag' }) },
    }),
    async (c) => {
      const { name: group, tag } = c.req.valid('param');
      const name = await applyEdit(config, (plant) => replaceTag(plant, group, tag, c.req.valid('json')));
      return c.json(view(group, name), 200);
    },
  );

  app.openapi(
    createRoute({
      ...write,
      method: 'patch',
      path: '/api/groups/{name}/tags/{tag}',
      summary: 'Change some fields of a tag (e.g. thresholds)',
      request: { params: groupTagParams, body: { content: { 'application/json': { schema: tagPatchBody } }, required: true } },
      responses: { 200: json(tagViewSchema, 'Changed'), ...errors({ ...MUTATION_ERRORS, 400: '', 404: 'Unknown group or tag' }) },
    }),
    async (c) => {
      const { name: group, tag } = c.req.valid('param');
      const name = await applyEdit(config, (plant) => patchTag(plant, group, tag, c.req.valid('json')));
      return c.json(view(group, name), 200);
    },
  );

  app.openapi(
    createRoute({
      ...write,
      method: 'delete',
      path: '/api/groups/{name}/tags/{tag}',
      summary: 'Remove a tag (its history stays in the store)',
      request: { params: groupTagParams },
      responses: { 204: { description: 'Removed' }, ...errors({ ...MUTATION_ERRORS, 404: 'Unknown group or tag', 409: 'The last tag of its group: delete the group instead' }) },
    }),
    async (c) => {
      const { name: group, tag } = c.req.valid('param');
      await applyEdit(config, (plant) => deleteTag(plant, group, tag));
      return c.body(null, 204);
    },
  );
}
