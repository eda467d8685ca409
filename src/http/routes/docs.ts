import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import { ApiError } from '../errors.js';
import { errors } from '../schemas/common.js';
import type { App } from '../route-context.js';

/**
 * /openapi.json and an interactive page at /docs that works offline: plants have no internet,
 * so Swagger UI's files are served from the installed swagger-ui-dist package, never a CDN.
 */

const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>JSScada API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// validatorUrl null: the default badge calls validator.swagger.io, which a plant network cannot reach.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  validatorUrl: null,
  persistAuthorization: true,
});
`;

export function swaggerUiDir(): string {
  // swagger-ui-dist has no "exports" map: its package.json resolves, and the files sit beside it.
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

export function registerDocsRoutes(app: App, document: () => unknown): void {
  const dir = swaggerUiDir();
  const cache = new Map<string, Uint8Array>();
  const tags = ['docs'];

  app.openapi(
    createRoute({ tags, method: 'get', path: '/openapi.json', summary: 'This document (OpenAPI 3)', responses: { 200: { description: 'OpenAPI document', content: { 'application/json': { schema: z.object({}).passthrough() } } } } }),
    (c) => c.json(document() as Record<string, unknown>, 200),
  );

  app.openapi(createRoute({ tags, method: 'get', path: '/docs', summary: 'Interactive API documentation (offline)', responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } } }), (c) => c.html(PAGE, 200));

  app.openapi(
    createRoute({ tags, method: 'get', path: '/docs/init.js', summary: 'Docs page script', responses: { 200: { description: 'JavaScript', content: { 'text/javascript': { schema: z.string() } } } } }),
    (c) => c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );

  app.openapi(
    createRoute({
      tags,
      method: 'get',
      path: '/docs/{file}',
      summary: 'Swagger UI files, from the installed swagger-ui-dist',
      request: { params: z.object({ file: z.string().max(64).openapi({ param: { name: 'file', in: 'path' }, description: `One of ${Object.keys(ASSETS).join(', ')}` }) }) },
      responses: { 200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string() } } }, ...errors({ 404: 'Not one of the files' }) },
    }),
    async (c) => {
      const { file } = c.req.valid('param');
      // A fixed list, never a path from the request: no traversal out of the package.
      const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
      if (type === undefined) throw new ApiError(404, 'NOT_FOUND', `no docs file "${file}"`);
      let bytes = cache.get(file);
      if (!bytes) {
        bytes = new Uint8Array(await readFile(join(dir, file)));
        cache.set(file, bytes);
      }
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
    },
  );
}
