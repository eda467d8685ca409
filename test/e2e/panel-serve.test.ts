import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPanel } from '../../src/http/panel.js';

/** registerPanel on a plain Hono app and a fake dist folder: what the browser gets, header by header. */
describe('registerPanel', () => {
  let base: string;
  let dir: string;
  let app: Hono;
  const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'jsscada-panel-'));
    dir = join(base, 'dist');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    // Beside the panel folder: what a path traversal would reach.
    writeFileSync(join(base, 'jsscada-secret.txt'), 'secret');
    app = new Hono();
    app.get('/api/polling/status', (c) => c.json({ ok: true }));
    registerPanel(app, dir);
    app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no route for ${c.req.path}` } }, 404));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('serves index.html at / and for client routes, never cached, with a strict CSP', async () => {
    for (const path of ['/', '/devices', '/inspector', '/config/whatever']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect(await res.text()).toBe(INDEX);
    }
  });

  it('answers 304 to a revalidation of an unchanged index.html', async () => {
    const first = await app.request('/');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const again = await app.request('/', { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
  });

  it('serves hashed assets with their type and a one-year immutable cache', async () => {
    const js = await app.request('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const css = await app.request('/assets/index-abc123.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await app.request('/favicon.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await app.request('/assets/index-abc123.js', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('leaves the API alone: its routes answer, its 404s stay JSON', async () => {
    expect(await (await app.request('/api/polling/status')).json()).toEqual({ ok: true });
    const missing = await app.request('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
    for (const path of ['/docs', '/openapi.json', '/health', '/metrics']) expect((await app.request(path)).status, path).toBe(404);
  });

  it('gives a 404, not the page, for a missing file (a stale script URL must not get HTML)', async () => {
    const res = await app.request('/assets/index-old999.js');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
  });

  it('never serves a file outside the panel folder', async () => {
    for (const path of ['/../jsscada-secret.txt', '/%2e%2e/jsscada-secret.txt', '/assets/..%2f..%2fjsscada-secret.txt', '/..%5cjsscada-secret.txt']) {
      const res = await app.request(path);
      expect(await res.text(), path).not.toBe('secret');
    }
    expect((await app.request('/%E0%A4%A')).status).toBe(400);
  });

  it('explains how to build the panel when it is missing', async () => {
    const bare = new Hono();
    registerPanel(bare, join(dir, 'nope'));
    const res = await bare.request('/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});
