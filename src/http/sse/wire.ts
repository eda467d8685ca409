/**
 * The Server-Sent Events wire format (WHATWG HTML, "Server-sent events", section 9.2.6):
 * fields `id`, `event`, `data` and `retry`, one per line, a blank line ending the event; a line
 * starting with ":" is a comment, which clients ignore (we use it to keep proxies from closing
 * an idle connection).
 */

export interface SseFrame {
  readonly id?: number | undefined;
  readonly event?: string | undefined;
  /** Already serialised (JSON); a newline in it becomes one `data:` line per line, per the spec. */
  readonly data: string;
}

export function encodeFrame(frame: SseFrame): string {
  let out = '';
  if (frame.id !== undefined) out += `id: ${frame.id}\n`;
  if (frame.event !== undefined) out += `event: ${frame.event}\n`;
  for (const line of frame.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

export const KEEP_ALIVE = ': keep-alive\n\n';

/** How long a disconnected EventSource waits before it reconnects (sent once per connection). */
export function retryFrame(ms: number): string {
  return `retry: ${ms}\n\n`;
}

/**
 * The Last-Event-ID a client resumes from (header, as EventSource sends it, or `?lastEventId=`
 * for clients that cannot set headers). Only our own decimal ids are understood.
 */
export function parseLastEventId(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
