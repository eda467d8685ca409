import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/http/app.js';
import { resolveToken, tokenMatcher, TOKEN_FILE } from '../../src/http/token.js';
import { makeApp, startPlant, TOKEN, type TestPlant } from './helpers.js';

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

const body = async (res: Response) => (await res.json()) as Record<string, any>;

/** Every operation of the OpenAPI document, with its path parameters filled in. */
function operations(app: HttpApp): { method: string; path: string; secured: boolean }[] {
  const doc = app.document() as unknown as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path: path.replace('{name}', 'fast').replace('{tag}', 'temp1').replace('{file}', 'swagger-ui.css'),
      secured: (op.security?.length ?? 0) > 0,
    })),
  );
}

describe('bearer token', () => {
  it('every mutating route answers 401 without a token, with a wrong one, and with a malformed header', async () => {
    const mutating = operations(http).filter((o) => o.method !== 'GET');
    // polling 5, devices 4, groups 4, tags 4, CSV import 1
    expect(mutating).toHaveLength(18);
    for (const op of mutating) {
      expect(op.secured, `${op.method} ${op.path} declares bearerAuth`).toBe(true);
      const init = (authorization?: string): RequestInit => ({ method: op.method, headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: op.method === 'DELETE' ? null : '{}' });
      const none = await http.request(op.path, init());
      expect(none.status, `${op.method} ${op.path}`).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="jsscada"');
      expect((await body(none)).error.message).toContain('needs a token');
      const wrong = await http.request(op.path, init(`Bearer ${TOKEN}x`));
      expect(wrong.status).toBe(401);
      expect(await body(wrong)).toEqual({ error: { code: 'UNAUTHORIZED', message: 'wrong token' } });
      expect((await http.request(op.path, init(`Basic ${TOKEN}`))).status).toBe(401);
    }
  });

  it('reads and streams are open by default', async () => {
    expect((await http.request('/api/polling/status')).status).toBe(200);
    const stream = await http.request('/api/devices/stream');
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
  });

  it('server.protectReads protects reads and streams too, but not probes and docs; streams take ?access_token=', async () => {
    const locked = makeApp(plant, { server: { protectReads: true } });
    const reads = operations(locked).filter((o) => o.method === 'GET');
    for (const op of reads) {
      const open = /^\/(health|ready|openapi\.json|docs)/.test(op.path);
      expect(op.secured, op.path).toBe(!open);
      const res = await locked.request(op.path);
      if (open) expect(res.status, op.path).not.toBe(401);
      else expect(res.status, op.path).toBe(401);
      await res.body?.cancel();
    }
    expect((await locked.request('/api/devices', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    const viaQuery = await locked.request(`/api/devices/stream?access_token=${TOKEN}`);
    expect(viaQuery.status).toBe(200);
    await viaQuery.body?.cancel();
    // Only streams take the token from the query (it ends up in access logs; EventSource leaves no choice).
    expect((await locked.request(`/api/devices?access_token=${TOKEN}`)).status).toBe(401);
    locked.close();
  });

  // Mutation check (issue 13): with the query token never compared, every stream opened to anyone.
  it('a stream\'s ?access_token= is checked like a header: a wrong or empty one is 401 on every stream', async () => {
    const locked = makeApp(plant, { server: { protectReads: true } });
    const streams = operations(locked).filter((o) => o.method === 'GET' && o.path.endsWith('/stream'));
    expect(streams.length).toBeGreaterThanOrEqual(3);
    for (const op of streams) {
      for (const given of ['wrong-token-of-enough-length', `${TOKEN}x`, TOKEN.slice(0, -1), '']) {
        const res = await locked.request(`${op.path}?access_token=${encodeURIComponent(given)}`);
        expect(res.status, `${op.path} with "${given}"`).toBe(401);
        expect(res.headers.get('content-type'), op.path).toMatch(/json/);
        await res.body?.cancel();
      }
      const ok = await locked.request(`${op.path}?access_token=${TOKEN}`);
      expect(ok.status, op.path).toBe(200);
      await ok.body?.cancel();
    }
    locked.close();
  });
});

describe('token resolution', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'jsscada-token-'));
    dirs.push(d);
    return d;
  };

  it('generates a token at first start, stores it 0600, prints it once; later starts reuse it silently', () => {
    const dir = tmp();
    const printed: string[] = [];
    const first = resolveToken({ dataDir: dir, print: (l) => printed.push(l) });
    expect(first.source).toBe('generated');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(first.token);
    expect(printed[0]).toContain('shown only this once');
    expect(statSync(join(dir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
    const again = resolveToken({ dataDir: dir, print: (l) => printed.push(l) });
    expect(again).toEqual({ token: first.token, source: 'file' });
    expect(printed).toHaveLength(1);
  });

  it('JSSCADA_TOKEN overrides the configuration, which overrides the file; short ones are refused', () => {
    const dir = tmp();
    writeFileSync(join(dir, TOKEN_FILE), 'file-token-0123456789\n');
    const print = () => expect.unreachable('nothing is printed');
    expect(resolveToken({ dataDir: dir, env: 'env-token-0123456789', configured: 'config-token-0123456789', print })).toEqual({ token: 'env-token-0123456789', source: 'env' });
    expect(resolveToken({ dataDir: dir, configured: 'config-token-0123456789', print })).toEqual({ token: 'config-token-0123456789', source: 'config' });
    expect(resolveToken({ dataDir: dir, print })).toEqual({ token: 'file-token-0123456789', source: 'file' });
    expect(() => resolveToken({ dataDir: dir, env: 'short', print })).toThrow(/at least 16 characters/);
  });

  it('refuses a broken token file instead of overwriting it', () => {
    const dir = tmp();
    writeFileSync(join(dir, TOKEN_FILE), 'x\n');
    expect(() => resolveToken({ dataDir: dir, print: () => undefined })).toThrow(/holds no valid token/);
    expect(readFileSync(join(dir, TOKEN_FILE), 'utf8')).toBe('x\n');
  });

  it('compares any length without throwing (both sides are hashed to 32 bytes)', () => {
    const matches = tokenMatcher(TOKEN);
    expect(matches(TOKEN)).toBe(true);
    expect(matches('')).toBe(false);
    expect(matches(`${TOKEN}${TOKEN}`)).toBe(false);
    expect(matches(TOKEN.slice(0, -1))).toBe(false);
  });
});
