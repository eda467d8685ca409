import { describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from './sse-parser.js';

/** Frames as the server writes them (src/http/sse/wire.ts), built here by hand. */
const STREAM =
  'retry: 3000\n\n' +
  'id: 1700000000000001\nevent: snapshot\ndata: {"a":1}\n\n' +
  ': keep-alive\n\n' +
  'id: 1700000000000002\nevent: group\ndata: {"name":"press-fast",\ndata: "state":"polling"}\n\n' +
  'data: plain\n\n';

const EXPECTED: SseMessage[] = [
  { type: 'snapshot', data: '{"a":1}', lastEventId: '1700000000000001' },
  { type: 'group', data: '{"name":"press-fast",\n"state":"polling"}', lastEventId: '1700000000000002' },
  // No id field: the last one seen still applies (per the spec).
  { type: 'message', data: 'plain', lastEventId: '1700000000000002' },
];

function feedAll(chunks: readonly string[]): { messages: SseMessage[]; retry: number | undefined } {
  const p = new SseParser();
  const messages: SseMessage[] = [];
  let retry: number | undefined;
  for (const c of chunks) {
    const r = p.feed(c);
    messages.push(...r.messages);
    if (r.retryMs !== undefined) retry = r.retryMs;
  }
  return { messages, retry };
}

describe('SseParser', () => {
  it('parses a whole stream: events, multi-line data, comments, retry, ids', () => {
    const { messages, retry } = feedAll([STREAM]);
    expect(messages).toEqual(EXPECTED);
    expect(retry).toBe(3000);
  });

  it('gives the same events however the stream is split: at every offset', () => {
    for (let i = 0; i <= STREAM.length; i++) {
      expect(feedAll([STREAM.slice(0, i), STREAM.slice(i)]).messages).toEqual(EXPECTED);
    }
  });

  it('gives the same events when fed one character at a time', () => {
    expect(feedAll([...STREAM]).messages).toEqual(EXPECTED);
  });

  it('accepts CRLF and CR line ends, with a CRLF split across chunks', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    for (let i = 0; i <= crlf.length; i++) expect(feedAll([crlf.slice(0, i), crlf.slice(i)]).messages).toEqual(EXPECTED);
    expect(feedAll([STREAM.replace(/\n/g, '\r')]).messages).toEqual(EXPECTED);
  });

  it('ignores one leading byte order mark', () => {
    expect(feedAll(['\uFEFF', STREAM]).messages).toEqual(EXPECTED);
  });

  it('does not dispatch an event without data, nor an unterminated one', () => {
    const p = new SseParser();
    expect(p.feed('event: x\n\n').messages).toEqual([]);
    expect(p.feed('data: half').messages).toEqual([]);
    p.reset();
    expect(p.feed('data: next\n\n').messages).toEqual([{ type: 'message', data: 'next', lastEventId: '' }]);
  });

  it('keeps the last event id across a reset (it is what a reconnect resumes from)', () => {
    const p = new SseParser();
    p.feed('id: 42\ndata: x\n\n');
    p.reset();
    expect(p.eventId).toBe('42');
  });

  it('ignores unknown fields and a non-numeric retry; a field without a colon has an empty value', () => {
    const { messages, retry } = feedAll(['foo: bar\nretry: soon\ndata\n\n']);
    expect(retry).toBeUndefined();
    expect(messages).toEqual([{ type: 'message', data: '', lastEventId: '' }]);
  });

  it('parses a 5,000-reading batch arriving in 64 KB chunks in linear time', () => {
    const readings = Array.from({ length: 5000 }, (_, i) => ({ tag: `t${i}`, value: i * 1.5, unit: 'C' }));
    const frame = `id: 9\nevent: batch\ndata: ${JSON.stringify({ readings })}\n\n`;
    const chunks: string[] = [];
    for (let i = 0; i < frame.length; i += 65_536) chunks.push(frame.slice(i, i + 65_536));
    const t0 = performance.now();
    const { messages } = feedAll(chunks);
    const ms = performance.now() - t0;
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]!.data).readings).toHaveLength(5000);
    expect(ms).toBeLessThan(200);
  });
});
