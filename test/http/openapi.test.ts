import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/http/app.js';
import { makeApp, startPlant, type TestPlant } from './helpers.js';

let plant: TestPlant;
let http: HttpApp;

beforeAll(async () => {
  plant = await startPlant();
  http = makeApp(plant);
});
afterAll(async () => {
  http.close();
  await plant.stop();
});

type Doc = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>; components: { securitySchemes: Record<string, unknown> } };

describe('OpenAPI document', () => {
  it('is served at /openapi.json and validates as OpenAPI 3', async () => {
    const res = await http.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe('3.0.3');
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('covers every route the app registered', () => {
    const doc = http.document() as unknown as Doc;
    // GET /* is the operator panel's files (src/http/panel.ts), not part of the API.
    const routes = http.app.routes.filter((r) => r.method !== 'ALL' && !(r.method === 'GET' && r.path === '/*')).map((r) => `${r.method} ${r.path.replace(/:([^/]+)/g, '{$1}')}`);
    expect(routes.length).toBeGreaterThan(40);
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((d) => !routes.includes(d))).toEqual([]);
  });

  it('describes the streams as text/event-stream and every error with the error schema', () => {
    const doc = http.document() as unknown as Doc;
    for (const path of ['/api/devices/stream', '/api/polling/stream', '/api/inspect/stream']) {
      expect(Object.keys(doc.paths[path]!.get!.responses['200']!.content!)).toEqual(['text/event-stream']);
      expect(doc.paths[path]!.get!.responses['503']).toBeDefined();
    }
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400) expect(response.content!['application/json']).toEqual({ schema: { $ref: '#/components/schemas/Error' } });
        }
      }
    }
  });
});

describe('/docs works offline', () => {
  it('serves the page, its script and the Swagger UI files from the installed package, with no external URL', async () => {
    const page = await http.request('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const init = await (await http.request('/docs/init.js')).text();
    expect(`${html}${init}`).not.toMatch(/https?:\/\//);
    expect(init).toContain("url: '/openapi.json'");
    expect(init).toContain('validatorUrl: null');
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      const res = await http.request(src);
      expect(res.status, src).toBe(200);
      expect((await res.arrayBuffer()).byteLength, src).toBeGreaterThan(100);
    }
    const bundle = await http.request('/docs/swagger-ui-bundle.js');
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await bundle.text()).toContain('SwaggerUIBundle');
    expect((await http.request('/docs/..%2Fpackage.json')).status).toBe(404);
    expect((await http.request('/docs/index.html')).status).toBe(404);
  });
});
