/**
 * An incremental Server-Sent Events parser (WHATWG HTML, "Server-sent events", 9.2.6 "Interpreting
 * an event stream"). Feed it decoded text as it arrives, in chunks of any size; it returns the
 * events completed by that chunk. Lines may end in CRLF, LF or CR, and a CRLF may be split across
 * two chunks. The parser knows no transport: the client feeds it bytes from fetch.
 */

export interface SseMessage {
  /** The `event` field, "message" when absent. */
  readonly type: string;
  readonly data: string;
  /** The last event id seen on the stream so far (it persists across events, per the spec). */
  readonly lastEventId: string;
}

export interface SseParseResult {
  readonly messages: SseMessage[];
  /** A `retry:` field in this chunk: the server's reconnection delay in ms. */
  readonly retryMs: number | undefined;
}

export class SseParser {
  private buffer = '';
  private data = '';
  private hasData = false;
  private type = '';
  private lastEventId = '';
  /** The previous chunk ended in CR: a LF at the start of this one belongs to that line end. */
  private pendingCr = false;
  private started = false;
  private scanned = 0;

  get eventId(): string {
    return this.lastEventId;
  }

  feed(chunk: string): SseParseResult {
    const messages: SseMessage[] = [];
    let retryMs: number | undefined;
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      // One leading U+FEFF BYTE ORDER MARK is ignored.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;

    let start = 0;
    // Where to look for the next line end: text before it was already searched (a long data
    // line arriving in many chunks is scanned once, not once per chunk).
    let from = this.scanned;
    // Each search result is kept until passed: with no CR in the text at all, searching for one
    // per line would rescan the rest of the buffer every line (quadratic on a big batch).
    let lf = -2;
    let cr = -2;
    for (;;) {
      if (lf !== -1 && lf < from) lf = this.buffer.indexOf('\n', from);
      if (cr !== -1 && cr < from) cr = this.buffer.indexOf('\r', from);
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(lf, cr);
      if (end < 0) break;
      let next = end + 1;
      if (end === cr) {
        if (end + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(end + 1) === 10) next = end + 2;
        } else {
          // A CR at the very end: the line is complete, but a LF may follow in the next chunk.
          this.pendingCr = true;
        }
      }
      const line = this.buffer.slice(start, end);
      start = next;
      from = next;
      const r = this.line(line, messages);
      if (r !== undefined) retryMs = r;
    }
    this.buffer = this.buffer.slice(start);
    this.scanned = this.buffer.length;
    return { messages, retryMs };
  }

  /** Drop a partial event (the connection ended: an unterminated event is not dispatched). */
  reset(): void {
    this.buffer = '';
    this.data = '';
    this.hasData = false;
    this.type = '';
    this.pendingCr = false;
    this.started = false;
    this.scanned = 0;
  }

  private line(line: string, out: SseMessage[]): number | undefined {
    if (line === '') {
      this.dispatch(out);
      return undefined;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        return undefined;
      case 'data':
        this.data += value + '\n';
        this.hasData = true;
        return undefined;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        return undefined;
      case 'retry':
        return /^\d+$/.test(value) ? Number(value) : undefined;
      default:
        return undefined;
    }
  }

  private dispatch(out: SseMessage[]): void {
    if (!this.hasData) {
      this.type = '';
      return;
    }
    const data = this.data.endsWith('\n') ? this.data.slice(0, -1) : this.data;
    out.push({ type: this.type === '' ? 'message' : this.type, data, lastEventId: this.lastEventId });
    this.data = '';
    this.hasData = false;
    this.type = '';
  }
}
