import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors.js';

/** Hono's body limit, answering with our error shape (413 naming the limit). */
export function limitBody(maxBytes: number): MiddlewareHandler {
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new Error(`limitBody: maxBytes must be a positive integer, got ${maxBytes}`);
  const inner = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'BODY_TOO_LARGE', `request body larger than ${maxBytes} bytes (server.bodyLimitBytes)`);
    },
  });
  return async function limitBody(c, next) {
    return inner(c, next);
  };
}
