import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Context, Env, Hono } from 'hono';
import { packageRoot } from '../package-root.js';

/**
 * The operator panel (ui/, built by Vite into ui/dist) served at / by the API's own server: one
 * process, one port, nothing fetched from the internet.
 *
 * - Files under /assets/ carry a content hash in their name (Vite): cached for a year, immutable.
 * - index.html is never cached (`no-cache` + ETag): a new build is picked up at the next load,
 *   while an unchanged one costs a 304.
 * - Any other GET that names no file and is not an API path gets index.html: the panel's own
 *   routes (/devices, /inspector...) survive a reload. A path that looks like a file (has an
 *   extension) and does not exist is a 404, never HTML served as a script.
 * - API and documentation paths are left alone, so their 404s stay JSON.
 * - Paths are resolved inside distDir only (no traversal), files are read with a small cache.
 */

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Not the panel's: the API, its docs and the probes answer (or 404) on their own. */
const NOT_PANEL = /^\/(api|docs|openapi\.json|health|ready|metrics)(\/|$)/;

/**
 * The browser may only talk to this server: a plant has no internet, and a panel that tried to
 * would hang on timeouts. Inline styles are allowed for the chart library's sizing.
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT = 'public, max-age=300';
const NO_CACHE = 'no-cache';

/** Where `npm run build` puts the panel (ui/dist beside package.json). */
export function defaultPanelDir(): string {
  return join(packageRoot(), 'ui', 'dist');
}

interface CachedFile {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly etag: string;
  readonly mtimeMs: number;
}

export interface PanelOptions {
  /** Cache files in memory (default true); hashed assets never change, index.html is re-checked by mtime. */
  readonly cache?: boolean;
}

/** Serve the built panel from `distDir` at /. Register after the API routes. */
export function registerPanel<E extends Env>(app: Hono<E>, distDir: string, options: PanelOptions = {}): void {
  const root = resolve(distDir);
  const useCache = options.cache ?? true;
  const files = new Map<string, CachedFile>();

  const load = async (path: string): Promise<CachedFile | null> => {
    let info;
    try {
      info = await stat(path);
    } catch {
      return null;
    }
    if (!info.isFile()) return null;
    const hit = files.get(path);
    if (hit && hit.mtimeMs === info.mtimeMs) return hit;
    const body = new Uint8Array(await readFile(path));
    const file = { body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`, mtimeMs: info.mtimeMs };
    if (useCache) files.set(path, file);
    return file;
  };

  const send = (c: Context<E>, file: CachedFile, type: string, cacheControl: string): Response => {
    const headers: Record<string, string> = {
      'content-type': type,
      'cache-control': cacheControl,
      etag: file.etag,
      'x-content-type-options': 'nosniff',
    };
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] = CSP;
      headers['referrer-policy'] = 'no-referrer';
      headers['x-frame-options'] = 'DENY';
    }
    if (c.req.header('if-none-match') === file.etag) return c.body(null, 304, headers);
    return c.body(file.body, 200, headers);
  };

  app.get('*', async function servePanel(c, next) {
    const path = c.req.path;
    if (NOT_PANEL.test(path)) return next();
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return c.text('bad path', 400);
    }
    if (decoded.includes('\0')) return c.text('bad path', 400);
    const target = resolve(root, `.${decoded}`);
    if (target !== root && !target.startsWith(root + sep)) return c.text('not found', 404);

    const ext = extname(decoded).toLowerCase();
    if (ext !== '' && decoded !== '/') {
      const file = await load(target);
      if (!file) return next();
      const type = TYPES[ext] ?? 'application/octet-stream';
      const hashed = decoded.startsWith('/assets/');
      return send(c, file, type, ext === '.html' ? NO_CACHE : hashed ? IMMUTABLE : SHORT);
    }
    // "/" or a client route: the app.
    const index = await load(join(root, 'index.html'));
    if (!index) return c.html(NOT_BUILT, 503, { 'cache-control': 'no-store' });
    return send(c, index, TYPES['.html']!, NO_CACHE);
  });
}

/** The panel's files are missing: say how to build them instead of a bare 404. */
const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>JSScada</title></head>
<body style="font-family:system-ui,sans-serif;background:#15181c;color:#e7e9ec;padding:2rem">
<h1>The operator panel is not built</h1>
<p>Run <code>npm run build</code> in the JSScada folder, then reload. The HTTP API works meanwhile: see <a href="/docs" style="color:#5aa9ff">/docs</a>.</p>
</body></html>`;

/** For tests and diagnostics: is there a built panel in `distDir`? */
export function panelBuilt(distDir: string): boolean {
  return existsSync(join(distDir, 'index.html'));
}
