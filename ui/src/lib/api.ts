import type { z } from 'zod';
import { ApiError, ProtocolError } from './api-error.js';
import { errorBodySchema } from './schemas/errors.js';
import type { TokenStore } from './token.js';
import { describeIssues } from './zod-issues.js';

/**
 * The HTTP API, typed at the edge: every answer is checked against its zod schema, every refusal
 * becomes an ApiError carrying the server's code and field. A 401 asks the operator for the token
 * (once; it is then remembered) and repeats the request.
 */

export interface ApiClientOptions {
  readonly tokens: TokenStore;
  /** Ask the operator for the token; null when they cancel. Absent: a 401 is just an error. */
  readonly promptToken?: (reason: string) => Promise<string | null>;
  readonly fetch?: typeof fetch;
  readonly baseUrl?: string;
  /** Per request; a trigger waits for its poll (5 s by default on the server). */
  readonly timeoutMs?: number;
}

export type Body = { readonly json: unknown } | { readonly text: string; readonly contentType: string };

export interface TextFile {
  readonly text: string;
  readonly filename: string | null;
  readonly contentType: string;
}

const MAX_TOKEN_PROMPTS = 3;

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get tokens(): TokenStore {
    return this.options.tokens;
  }

  async get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    return this.parse(path, schema, await this.request('GET', path));
  }

  async send<S extends z.ZodType>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body: Body | undefined, schema: S): Promise<z.output<S>> {
    return this.parse(path, schema, await this.request(method, path, body));
  }

  /** A request answered with 204 (DELETE). */
  async sendNoContent(method: 'POST' | 'DELETE', path: string, body?: Body): Promise<void> {
    const response = await this.request(method, path, body);
    await response.body?.cancel();
  }

  /** A text download (YAML export, tags CSV), with the name the server suggests. */
  async getText(path: string): Promise<TextFile> {
    const response = await this.request('GET', path);
    const disposition = response.headers.get('content-disposition') ?? '';
    const m = /filename="?([^";]+)"?/i.exec(disposition);
    return { text: await response.text(), filename: m?.[1] ?? null, contentType: response.headers.get('content-type') ?? 'text/plain' };
  }

  private async parse<S extends z.ZodType>(path: string, schema: S, response: Response): Promise<z.output<S>> {
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new ProtocolError(path, `HTTP ${response.status} without a JSON body`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ProtocolError(path, describeIssues(parsed.error));
    return parsed.data;
  }

  /** Fetch; a non-2xx answer throws ApiError. A 401 prompts for the token and repeats. */
  private async request(method: string, path: string, body?: Body): Promise<Response> {
    for (let prompts = 0; ; prompts++) {
      const response = await this.once(method, path, body);
      if (response.ok) return response;
      const error = await toApiError(response);
      if (response.status !== 401 || !this.options.promptToken || prompts >= MAX_TOKEN_PROMPTS) throw error;
      const hadToken = this.options.tokens.token() !== null;
      const reason = hadToken ? `The saved token was refused (${error.message}). Enter the current token.` : 'This action changes the collector and needs the API token.';
      const token = await this.options.promptToken(reason);
      if (token === null) throw new ApiError(401, 'TOKEN_CANCELLED', 'not done: no token given');
      this.options.tokens.set(token);
    }
  }

  private async once(method: string, path: string, body?: Body): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.options.tokens.token();
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = body.contentType;
      payload = body.text;
    }
    const doFetch = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    try {
      return await doFetch((this.options.baseUrl ?? '') + path, {
        method,
        headers,
        body: payload,
        cache: 'no-store',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') throw new ApiError(0, 'TIMEOUT', `no answer from the collector within ${Math.round((this.options.timeoutMs ?? 15_000) / 1000)} s`);
      throw new ApiError(0, 'NETWORK', 'cannot reach the collector (network or server down)');
    }
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The body is lost; the status still says something.
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = errorBodySchema.safeParse(json);
  if (parsed.success) {
    const e = parsed.data.error;
    return new ApiError(response.status, e.code, e.message, e.field, e.issues ?? [], e.blockers ?? []);
  }
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 120);
  return new ApiError(response.status, `HTTP_${response.status}`, `HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`);
}
