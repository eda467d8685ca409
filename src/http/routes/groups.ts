import { createRoute, z } from '@hono/zod-openapi';
import { addGroup, deleteGroup, NotFoundError, patchGroup, replaceGroup } from '../../io/config/edits.js';
import { applyEdit } from '../config-edit.js';
import { BEARER, errors, groupParams, json, MUTATION_ERRORS } from '../schemas/common.js';
import { groupBody, groupPatchBody, groupReplaceBody, groupViewSchema } from '../schemas/config.js';
import type { App, RouteContext } from '../route-context.js';
import { groupViews } from '../views.js';

/**
 * Polling groups: configuration with status, and CRUD applied hot: a new group starts polling
 * (if enabled) at once, a changed interval takes effect at the next cycle, a deleted group stops.
 */
export function registerGroupRoutes(app: App, ctx: RouteContext): void {
  const { collector, config } = ctx.services;
  const read = { security: ctx.readSecurity, tags: ['groups'] };
  const write = { security: BEARER, tags: ['groups'] };
  const view = (name: string) => {
    const found = groupViews(collector).find((g) => g.name === name);
    if (!found) throw new NotFoundError('group', name);
    return found;
  };

  app.openapi(
    createRoute({ ...read, method: 'get', path: '/api/groups', summary: 'Every polling group: configuration and status', responses: { 200: json(z.array(groupViewSchema), 'Groups') } }),
    (c) => c.json(groupViews(collector), 200),
  );

  app.openapi(
    createRoute({ ...read, method: 'get', path: '/api/groups/{name}', summary: 'One polling group', request: { params: groupParams }, responses: { 200: json(groupViewSchema, 'Group'), ...errors({ 404: 'Unknown group' }) } }),
    (c) => c.json(view(c.req.valid('param').name), 200),
  );

  app.openapi(
    createRoute({
      ...write,
      method: 'post',
      path: '/api/groups',
      summary: 'Add a group (it starts polling at once when enabled)',
      request: { body: { content: { 'application/json': { schema: groupBody } }, required: true } },
      responses: { 201: json(groupViewSchema, 'Created'), ...errors({ ...MUTATION_ERRORS, 400: 'Invalid, e.g. an unknown device or a bad address', 409: 'A group with this name exists' }) },
    }),
    async (c) => {
      const name = await applyEdit(config, (plant) => addGroup(plant, c.req.valid('json')));
      c.header('Location', `/api/groups/${encodeURIComponent(name)}`);
      return c.json(view(name), 201);
    },
  );

  app.openapi(
    createRoute({
      ...write,
      method: 'put',
      path: '/api/groups/{name}',
      summary: 'Replace a group, tags included',
      request: { params: groupParams, body: { content: { 'application/json': { schema: groupReplaceBody } }, required: true } },
      responses: { 200: json(groupViewSchema, 'Replaced'), ...errors({ ...MUTATION_ERRORS, 400: '', 404: 'Unknown group' }) },
    }),
    async (c) => {
      const name = await applyEdit(config, (plant) => replaceGroup(plant, c.req.valid('param').name, c.req.valid('json')));
      return c.json(view(name), 200);
    },
  );

  app.openapi(
    createRoute({
      ...write,
      method: 'patch',
      path: '/api/groups/{name}',
      summary: 'Change some fields of a group (e.g. intervalMs, enabled)',
      request: { params: groupParams, body: { content: { 'application/json': { schema: groupPatchBody } }, required: true } },
      responses: { 200: json(groupViewSchema, 'Changed'), ...errors({ ...MUTATION_ERRORS, 400: '', 404: 'Unknown group' }) },
    }),
    async (c) => {
      const name = await applyEdit(config, (plant) => patchGroup(plant, c.req.valid('param').name, c.req.valid('json')));
      return c.json(view(name), 200);
    },
  );

  app.openapi(
    createRoute({
      ...write,
      method: 'delete',
      path: '/api/groups/{name}',
      summary: 'Remove a group (it stops at once)',
      request: { params: groupParams },
      responses: { 204: { description: 'Removed' }, ...errors({ ...MUTATION_ERRORS, 404: 'Unknown group' }) },
    }),
    async (c) => {
      await applyEdit(config, (plant) => deleteGroup(plant, c.req.valid('param').name));
      return c.body(null, 204);
    },
  );
}
