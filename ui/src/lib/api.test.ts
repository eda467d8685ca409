// @vitest-environment node
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import pollingStatus from '../test-fixtures/pollingStatus.json';
import { ApiClient } from './api.js';
import { ApiError, ProtocolError } from './api-error.js';
import { Endpoints } from './endpoints.js';
import { createTokenStore } from './token.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly auth: string | null;
  readonly body: string | null;
}

/** A fetch that answers from a list and records what it was asked. */
function scripted(answers: (() => Response)[]) {
  const seen: Seen[] = [];
  const fetchFn = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    seen.push({ method: init?.method ?? 'GET', url: String(url), auth: headers.get('authorization'), body: typeof init?.body === 'string' ? init.body : null });
    const next = answers.shift();
    if (!next) throw new TypeError('Failed to fetch');
    return next();
  };
  return { seen, fetch: fetchFn };
}

const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const unauthorized = json(401, { error: { code: 'UNAUTHORIZED', message: 'this request changes the collector and needs a token' } });
const GROUP = pollingStatus.groups[0];

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

function setup(answers: (() => Response)[], prompt?: (reason: string) => Promise<string | null>) {
  return createRoot(() => {
    const server = scripted(answers);
    const storage = memoryStorage();
    const tokens = createTokenStore(storage);
    const api = new Endpoints(new ApiClient({ tokens, fetch: server.fetch, promptToken: prompt }));
    return { server, tokens, storage, api };
  });
}

describe('ApiClient', () => {
  it('reads and validates a payload', async () => {
    const { api, server } = setup([json(200, pollingStatus)]);
    const status = await api.pollingStatus();
    expect(status.groups).toHaveLength(7);
    expect(server.seen[0]).toMatchObject({ method: 'GET', url: '/api/polling/status', auth: null });
  });

  it('asks for the token once on a 401, remembers it, and repeats the request', async () => {
    const reasons: string[] = [];
    const { api, server, tokens, storage } = setup([unauthorized, json(200, GROUP), json(200, GROUP)], async (reason) => {
      reasons.push(reason);
      return 'the-token-0123456789';
    });
    await api.stopGroup('press-fast');
    expect(server.seen.map((s) => s.auth)).toEqual([null, 'Bearer the-token-0123456789']);
    expect(server.seen[1]).toMatchObject({ method: 'POST', url: '/api/polling/groups/press-fast/stop' });
    expect(reasons).toHaveLength(1);
    expect(tokens.token()).toBe('the-token-0123456789');
    expect(storage.getItem('jsscada.token')).toBe('the-token-0123456789');
    // Next time: no question.
    await api.startGroup('press-fast');
    expect(server.seen[2]!.auth).toBe('Bearer the-token-0123456789');
    expect(reasons).toHaveLength(1);
  });

  it('says the saved token was refused when it was, and stops asking after three tries', async () => {
    const reasons: string[] = [];
    const { api, tokens } = setup([unauthorized, unauthorized, unauthorized, unauthorized], async (r) => {
      reasons.push(r);
      return 'wrong-token-0123456789';
    });
    tokens.set('old-token-0123456789');
    await expect(api.stopGroup('oven')).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toContain('saved token was refused');
  });

  it('gives up without sending when the operator cancels the token question', async () => {
    const { api, server } = setup([unauthorized], async () => null);
    await expect(api.startAll()).rejects.toMatchObject({ code: 'TOKEN_CANCELLED' });
    expect(server.seen).toHaveLength(1);
  });

  it('turns a 400 into an ApiError with the field and issues', async () => {
    const { api } = setup([json(400, { error: { code: 'CONFIG_INVALID', message: 'invalid configuration: warn: warn (100) is above crit (90)', field: 'warn', issues: [{ path: 'groups[0].tags[0].warn', field: 'warn', message: 'warn (100) is above crit (90)' }] } })]);
    const err = await api.replaceTag('press-fast', 'temp1', { name: 'temp1', address: 'D100', warn: 100, crit: 90 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'CONFIG_INVALID', field: 'warn' });
    expect(err instanceof ApiError ? err.issues[0]?.message : '').toBe('warn (100) is above crit (90)');
  });

  it('reports a refusal that is not JSON (a proxy page) by its status', async () => {
    const { api } = setup([() => new Response('<html>Bad Gateway</html>', { status: 502 })]);
    await expect(api.pollingStatus()).rejects.toMatchObject({ status: 502, code: 'HTTP_502' });
  });

  it('refuses an answer that does not match the schema, naming the field', async () => {
    const { api } = setup([json(200, { ...pollingStatus, buffer: { size: 'lots' } })]);
    const err = await api.pollingStatus().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect(String(err)).toContain('buffer.size');
  });

  it('says the collector cannot be reached when the network fails', async () => {
    const { api } = setup([]);
    await expect(api.pollingStatus()).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
  });

  it('sends JSON bodies and CSV text with their content types, names escaped in paths', async () => {
    const { api, server } = setup([json(201, { name: 'a.b', address: 'D1', type: 'int16', group: 'g/1' }), json(200, { groups: ['g'], rows: 1, summary: { devices: { added: 0, updated: 0, retired: 0 }, groups: { added: 0, updated: 0, retired: 0 }, tags: { added: 1, updated: 0, retired: 0 } } })]);
    await api.addTag('g/1', { name: 'a.b', address: 'D1' });
    expect(server.seen[0]!.url).toBe('/api/groups/g%2F1/tags');
    expect(JSON.parse(server.seen[0]!.body ?? '')).toEqual({ name: 'a.b', address: 'D1' });
    const r = await api.importTagsCsv('group,name,address\n', 'merge');
    expect(r.summary.tags.added).toBe(1);
    expect(server.seen[1]!.url).toBe('/api/config/tags.csv?mode=merge');
  });
});
