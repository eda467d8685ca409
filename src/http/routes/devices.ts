import { createRoute, z } from '@hono/zod-openapi';
import { addDevice, deleteDevice, NotFoundError, patchDevice, replaceDevice } from '../../io/config/edits.js';
import { applyEdit } from '../config-edit.js';
import { ApiError } from '../errors.js';
import { BEARER, deviceParams, errors, json, MUTATION_ERRORS } from '../schemas/common.js';
import { deviceBody, devicePatchBody, deviceReplaceBody, deviceViewSchema } from '../schemas/config.js';
import { latestReadingSchema } from '../schemas/status.js';
import type { App, RouteContext } from '../route-context.js';
import { deviceViews } from '../views.js';

const latestSchema = z.object({ device: z.string(), readings: z.array(latestReadingSchema) }).openapi('DeviceLatest');

/** Devices: status with configuration, latest readings, and configuration CRUD (applied hot). */
export function registerDeviceRoutes(app: App, ctx: RouteContext): void {
  const { collector, config } = ctx.services;
  const read = { security: ctx.readSecurity, tags: ['devices'] };
  const write = { security: BEARER, tags: ['devices'] };
  const view = (name: string) => {
    const found = deviceViews(collector).find((d) => d.name === name);
    if (!found) throw new NotFoundError('device', name);
    return found;
  };

  app.openapi(
    createRoute({ ...read, method: 'get', path: '/api/devices', summary: 'Every device: configuration, connection status, last reading, queue', responses: { 200: json(z.array(deviceViewSchema), 'Devices') } }),
    (c) => c.json(deviceViews(collector), 200),
  );

  app.openapi(
    createRoute({ ...read, method: 'get', path: '/api/devices/{name}', summary: 'One device', request: { params: deviceParams }, responses: { 200: json(deviceViewSchema, 'Device'), ...errors({ 404: 'Unknown device' }) } }),
    (c) => c.json(view(c.req.valid('param').name), 200),
  );

  app.openapi(
    createRoute({
      ...read,
      method: 'get',
      path: '/api/devices/{name}/latest',
      summary: 'Latest value of each tag, with its alarm level from the tag thresholds',
      request: { params: deviceParams },
      responses: { 200: json(latestSchema, 'Readings'), ...errors({ 404: 'DEVICE_NOT_FOUND (unknown device) or NO_READINGS (never polled yet)' }) },
    }),
    (c) => {
      const { name } = c.req.valid('param');
      const readings = collector.latest(name);
      if (readings === undefined) throw new NotFoundError('device', name, `unknown device "${name}"`);
      if (readings === null) {
        const groups = collector.stored.plant.groups.filter((g) => g.device === name).map((g) => g.name);
        const hint = groups.length === 0 ? 'no polling group uses it' : `its groups (${groups.join(', ')}) have not completed a poll yet: are they running?`;
        throw new ApiError(404, 'NO_READINGS', `device "${name}" has never been polled: ${hint}`);
      }
      return c.json({ device: name, readings }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...write,
      method: 'post',
      path: '/api/devices',
      summary: 'Add a device',
      request: { body: { content: { 'application/json': { schema: deviceBody } }, required: true } },
      responses: { 201: json(deviceViewSchema, 'Created'), ...errors({ ...MUTATION_ERRORS, 400: '', 409: 'A device with this name exists' }) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const name = await applyEdit(config, (plant) => addDevice(plant, body));
      c.header('Location', `/api/devices/${encodeURIComponent(name)}`);
      return c.json(view(name), 201);
    },
  );

  app.openapi(
    createRoute({
      ...write,
      method: 'put',
      path: '/api/devices/{name}',
      summary: 'Replace a device (its groups reconnect with the new settings)',
      request: { params: deviceParams, body: { content: { 'application/json': { schema: deviceReplaceBody } }, required: true } },
      responses: { 200: json(deviceViewSchema, 'Replaced'), ...errors({ ...MUTATION_ERRORS, 400: '', 404: 'Unknown device' }) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const name = await applyEdit(config, (plant) => replaceDevice(plant, c.req.valid('param').name, body));
      return c.json(view(name), 200);
    },
  );

  app.openapi(
    createRoute({
      ...write,
      method: 'patch',
      path: '/api/devices/{name}',
      summary: 'Change some fields of a device',
      request: { params: deviceParams, body: { content: { 'application/json': { schema: devicePatchBody } }, required: true } },
      responses: { 200: json(deviceViewSchema, 'Changed'), ...errors({ ...MUTATION_ERRORS, 400: '', 404: 'Unknown device' }) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const name = await applyEdit(config, (plant) => patchDevice(plant, c.req.valid('param').name, body));
      return c.json(view(name), 200);
    },
  );

  app.openapi(
    createRoute({
      ...write,
      method: 'delete',
      path: '/api/devices/{name}',
      summary: 'Remove a device (refused while a group uses it)',
      request: { params: deviceParams },
      responses: { 204: { description: 'Removed' }, ...errors({ ...MUTATION_ERRORS, 404: 'Unknown device', 409: 'Groups still use the device (listed in blockers)' }) },
    }),
    async (c) => {
      await applyEdit(config, (plant) => deleteDevice(plant, c.req.valid('param').name));
      return c.body(null, 204);
    },
  );
}
