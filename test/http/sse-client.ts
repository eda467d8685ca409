import { request, type ClientRequest, type IncomingMessage } from 'node:http';

/** One parsed SSE block: a comment, or an event with its fields. */
export interface SseBlock {
  readonly raw: string;
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly comment?: string;
}

/** A test-only SSE reader over a real socket (node:http), independent of the server's encoder. */
export class SseReader {
  readonly blocks: SseBlock[] = [];
  status = 0;
  headers: IncomingMessage['headers'] = {};
  ended = false;
  private buffer = '';
  private req: ClientRequest | null = null;
  private res: IncomingMessage | null = null;
  private waiters = new Set<() => void>();

  /** `localAddress`: another loopback address (127.0.0.2, ...) plays another client host. */
  static open(port: number, path: string, headers: Record<string, string> = {}, localAddress?: string): Promise<SseReader> {
    const reader = new SseReader();
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream', ...headers }, agent: false, ...(localAddress ? { localAddress } : {}) }, (res) => {
        reader.res = res;
        reader.status = res.statusCode ?? 0;
        reader.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => reader.feed(chunk));
        res.on('end', () => {
          reader.ended = true;
          reader.wake();
        });
        res.on('error', () => undefined);
        resolve(reader);
      });
      req.on('error', reject);
      req.end();
      reader.req = req;
    });
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const raw = this.buffer.slice(0, end + 2);
      this.buffer = this.buffer.slice(end + 2);
      this.blocks.push(parse(raw));
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters) w();
  }

  /** The body so far, when the response is not a stream (an error). */
  get text(): string {
    return this.blocks.map((b) => b.raw).join('') + this.buffer;
  }

  events(name?: string): SseBlock[] {
    return this.blocks.filter((b) => b.event !== undefined && (name === undefined || b.event === name));
  }

  /** Wait (bounded) until `check` holds on the blocks received. */
  async until(check: (r: SseReader) => boolean, timeoutMs = 5_000, what = 'stream condition'): Promise<void> {
    if (check(this)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(poke);
        reject(new Error(`timed out waiting for ${what}; got ${this.blocks.length} blocks: ${this.text.slice(0, 300)}`));
      }, timeoutMs);
      const poke = () => {
        if (!check(this)) return;
        clearTimeout(timer);
        this.waiters.delete(poke);
        resolve();
      };
      this.waiters.add(poke);
    });
  }

  close(): void {
    this.res?.destroy();
    this.req?.destroy();
  }
}

function parse(raw: string): SseBlock {
  const out: { raw: string; id?: string; event?: string; data?: string; comment?: string } = { raw };
  const data: string[] = [];
  for (const line of raw.split('\n')) {
    if (line === '') continue;
    if (line.startsWith(':')) out.comment = line.slice(1).trim();
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') out.id = value;
    else if (field === 'event') out.event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length > 0) out.data = data.join('\n');
  return out;
}
