import { connect, createServer, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommError, DeviceError } from '../../src/io/errors.js';
import { McClient } from '../../src/io/mc/client.js';
import { createResponseParser, type McResponse } from '../../src/io/mc/codec/response.js';
import { createFrameSplitter, DEFAULT_MAX_DATA_LENGTH } from '../../src/io/mc/codec/splitter.js';
import { headerLength, type Encoding } from '../../src/io/mc/codec/wire.js';
import { startMcSimulator } from '../../src/io/mc/simulator/index.js';
import { ModbusSession } from '../../src/io/modbus/client.js';
import { ModbusExceptionError, ModbusProtocolError } from '../../src/io/modbus/exceptions.js';
import { MbapReader, startModbusSimulator } from '../../src/io/modbus/simulator/index.js';
import { ascii3eRequest, ascii3eResponse, ascii4eResponse, binary3eRequest, binary3eResponse, binary4eRequest, binary4eResponse, concat, hx, le } from '../io/mc/frame-builder.js';
import { onCleanup, pick } from './support/harness.js';
import { closeLater } from './support/plants.js';

/**
 * Torture 6: arbitrary bytes at both protocol parsers and at both clients and simulators over
 * real sockets. Fixed seeds, run counts sized for CI (x5 in the long form). Beyond what
 * test/io/mc/properties.test.ts and test/io/modbus/simulator-pdu.test.ts already prove (no throw
 * on random bytes; valid binary frames come out whole), these check: frames mixed with garbage
 * in both encodings, memory held by the parsers bounded by one frame, a clean restart right
 * after a malformed frame, MBAP streams of many frames cut anywhere, and the network side:
 * every request to a hostile server settles (typed error or correctly sized data) with no
 * uncaught exception, and both simulators survive hostile clients.
 *
 * The HTTP API is fuzzed in test/http/fuzz.test.ts (every route of the OpenAPI document,
 * arbitrary bodies, params, queries and content types, no 500), so it is not repeated here.
 */
const RUNS = pick(1, 5);

// ---------------------------------------------------------------------------------------------
// Test-only frame generators (built by hand with test/io/mc/frame-builder.ts, never our encoder).

interface McFrame {
  readonly bytes: Uint8Array;
  /** What the parser must return for it. */
  readonly expect: { kind: 'ok'; serial: number | null; data: string } | { kind: 'error'; serial: number | null; endCode: number };
}

const mcFrame = (encoding: Encoding): fc.Arbitrary<McFrame> =>
  fc
    .record({
      fourE: fc.boolean(),
      serial: fc.integer({ min: 0, max: 0xffff }),
      endCode: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, fc.integer({ min: 1, max: 0xffff })),
      words: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 24 }),
    })
    .map(({ fourE, serial, endCode, words }) => {
      const serialOut = fourE ? serial : null;
      if (encoding === 'binary') {
        const data = endCode === 0 ? words.map((w) => le(w, 2)).join('') : `00ffff0300${le(0x0401, 2)}${le(0, 2)}`;
        const bytes = fourE ? binary4eResponse(serial, endCode, data) : binary3eResponse(endCode, data);
        return { bytes, expect: endCode === 0 ? { kind: 'ok', serial: serialOut, data } : { kind: 'error', serial: serialOut, endCode } };
      }
      const data = endCode === 0 ? words.map((w) => hx(w, 4)).join('') : `00FF03FF00${hx(0x0401, 4)}${hx(0, 4)}`;
      const bytes = fourE ? ascii4eResponse(serial, endCode, data) : ascii3eResponse(endCode, data);
      const dataHex = Buffer.from(data, 'latin1').toString('hex');
      return { bytes, expect: endCode === 0 ? { kind: 'ok', serial: serialOut, data: dataHex } : { kind: 'error', serial: serialOut, endCode } };
    });

function describeMc(r: McResponse, encoding: Encoding): unknown {
  if (r.kind === 'ok') return { kind: 'ok', serial: r.serial, data: Buffer.from(r.data).toString('hex') };
  if (r.kind === 'error') return { kind: 'error', serial: r.serial, endCode: r.endCode };
  return { kind: 'malformed', encoding };
}

/** Cut a byte stream into chunks of the given sizes (cycled). */
function cut(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

const cuts = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 12 });
const garbage = fc.uint8Array({ minLength: 1, maxLength: 80 });
/** Garbage that starts like a response header, so it gets past the subheader check. */
const lookalike = (encoding: Encoding): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 40 })).map(([fourE, length, rest]) =>
    encoding === 'binary'
      ? concat(Uint8Array.from(Buffer.from(fourE ? 'd40001000000ffff0300' : 'd00000ffff0300', 'hex')), Uint8Array.from(Buffer.from(le(length, 2), 'hex')), rest)
      : concat(Uint8Array.from(Buffer.from(`${fourE ? 'D4000001' + '0000' : 'D000'}00FF03FF00${hx(length, 4)}`, 'latin1')), rest),
  );

describe('fuzzing the MC frame parser', () => {
  for (const encoding of ['binary', 'ascii'] as const) {
    it(`${encoding}: frames mixed with garbage, cut anywhere: no throw, at most one frame held, every frame before the garbage whole, a clean start after a malformed frame`, () => {
      const maxData = DEFAULT_MAX_DATA_LENGTH[encoding];
      const bound = headerLength('4e', encoding) + maxData;
      const item = fc.oneof({ arbitrary: mcFrame(encoding).map((f) => ({ frame: f })), weight: 4 }, { arbitrary: fc.oneof(garbage, lookalike(encoding)).map((g) => ({ garbage: g })), weight: 1 });
      fc.assert(
        fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), cuts, fc.array(mcFrame(encoding), { minLength: 1, maxLength: 3 }), (items, sizes, after) => {
          const parser = createResponseParser({ encoding });
          const stream = concat(...items.map((i) => ('frame' in i ? i.frame.bytes : i.garbage)));
          const out: McResponse[] = [];
          for (const chunk of cut(stream, sizes)) {
            for (const r of parser.push(chunk)) {
              out.push(r);
              if (r.kind === 'malformed') {
                // The parser starts clean after a malformed frame: nothing of it is kept.
                expect(parser.buffered).toBe(0);
              }
            }
            expect(parser.buffered).toBeLessThan(bound);
          }
          // Every frame before the first garbage comes out exactly, in order.
          const firstGarbage = items.findIndex((i) => 'garbage' in i);
          const clean = items.slice(0, firstGarbage < 0 ? items.length : firstGarbage).map((i) => (i as { frame: McFrame }).frame.expect);
          expect(out.slice(0, clean.length).map((r) => describeMc(r, encoding))).toEqual(clean);
          // Nothing held means a frame boundary (the stream ended there, or a malformed frame was
          // dropped); a partial frame held is dropped with the connection (the client's reset).
          if (parser.buffered > 0) parser.reset();
          const next = after.flatMap((f) => parser.push(f.bytes));
          expect(next.map((r) => describeMc(r, encoding))).toEqual(after.map((f) => f.expect));
        }),
        { seed: encoding === 'binary' ? 0x5eed_0001 : 0x5eed_0002, numRuns: 600 * RUNS },
      );
    });
  }

  it('the request splitter (simulator side) in both encodings: no throw, at most one frame held, requests after a malformed one read whole', () => {
    const request = (encoding: Encoding) =>
      fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 20 }), fc.boolean()).map(([serial, body, fourE]) => {
        const bodyHex = Buffer.from(body).toString('hex');
        if (encoding === 'ascii') return ascii3eRequest(0x0401, 0, bodyHex.toUpperCase());
        return fourE ? binary4eRequest(serial, 0x0401, 0, bodyHex) : binary3eRequest(0x0401, 0, bodyHex);
      });
    fc.assert(
      fc.property(
        fc.constantFrom<Encoding>('binary', 'ascii').chain((encoding) => fc.tuple(fc.constant(encoding), fc.array(fc.oneof(request(encoding), garbage), { maxLength: 6 }), cuts, fc.array(request(encoding), { minLength: 1, maxLength: 3 }))),
        ([encoding, items, sizes, after]) => {
          const splitter = createFrameSplitter({ encoding, direction: 'request' });
          const bound = headerLength('4e', encoding) + DEFAULT_MAX_DATA_LENGTH[encoding];
          for (const chunk of cut(concat(...items), sizes)) {
            const frames = splitter.push(chunk);
            if (frames.at(-1)?.kind === 'malformed') expect(splitter.buffered).toBe(0);
            expect(splitter.buffered).toBeLessThan(bound);
          }
          if (splitter.buffered > 0) splitter.reset();
          const frames = after.flatMap((r) => splitter.push(r));
          expect(frames.map((f) => f.kind)).toEqual(after.map(() => 'frame'));
        },
      ),
      { seed: 0x5eed_0003, numRuns: 600 * RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Modbus MBAP

/** A well-formed MBAP frame (test-only builder). */
function mbap(tid: number, unit: number, pdu: Uint8Array, protocol = 0, length = pdu.length + 1): Uint8Array {
  const b = Buffer.alloc(7 + pdu.length);
  b.writeUInt16BE(tid & 0xffff, 0);
  b.writeUInt16BE(protocol & 0xffff, 2);
  b.writeUInt16BE(length & 0xffff, 4);
  b[6] = unit & 0xff;
  b.set(pdu, 7);
  return Uint8Array.from(b);
}

const pendingOf = (reader: MbapReader): number => (reader as unknown as { pending: Buffer }).pending.length;

describe('fuzzing the Modbus MBAP reader (simulator side)', () => {
  it('many frames cut anywhere come out whole and in order; a bad header is reported once and ends the stream; memory held stays under one frame', () => {
    const frame = fc.record({ tid: fc.integer({ min: 0, max: 0xffff }), unit: fc.integer({ min: 0, max: 255 }), pdu: fc.uint8Array({ minLength: 1, maxLength: 253 }) });
    const bad = fc.oneof(
      fc.record({ protocol: fc.integer({ min: 1, max: 0xffff }), length: fc.integer({ min: 2, max: 254 }) }),
      fc.record({ protocol: fc.constant(0), length: fc.oneof(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 255, max: 0xffff })) }),
    );
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 20 }), fc.option(bad, { nil: undefined }), cuts, (frames, badHeader, sizes) => {
        const parts = frames.map((f) => mbap(f.tid, f.unit, f.pdu));
        if (badHeader) parts.push(mbap(1, 1, Uint8Array.of(3, 0, 0, 0, 1), badHeader.protocol, badHeader.length), mbap(2, 1, Uint8Array.of(3, 0, 0, 0, 1)));
        const reader = new MbapReader();
        const items = [];
        for (const chunk of cut(concat(...parts), sizes)) {
          items.push(...reader.push(Buffer.from(chunk)));
          expect(pendingOf(reader)).toBeLessThan(7 + 253);
        }
        const got = items.filter((i) => i.kind === 'frame').map((i) => (i.kind === 'frame' ? [i.transactionId, i.unitId, Buffer.from(i.pdu).toString('hex')] : null));
        expect(got).toEqual(frames.map((f) => [f.tid, f.unit, Buffer.from(f.pdu).toString('hex')]));
        expect(items.filter((i) => i.kind === 'error')).toHaveLength(badHeader ? 1 : 0);
        if (badHeader) expect(reader.push(Buffer.from(mbap(3, 1, Uint8Array.of(3, 0, 0, 0, 1))))).toEqual([]);
      }),
      { seed: 0x5eed_0004, numRuns: 400 * RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Clients against a hostile server, and simulators against hostile clients (real loopback sockets)

/** A TCP server that answers each request chunk with what `reply` says, in separate writes. */
async function hostileServer(): Promise<{ port: number; reply: (request: Buffer) => Uint8Array[]; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = {
    port: 0,
    reply: (_request: Buffer): Uint8Array[] => [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (request: Buffer) => {
      const parts = state.reply(request);
      const send = (i: number): void => {
        if (i >= parts.length || socket.destroyed) return;
        socket.write(parts[i]!);
        setImmediate(() => send(i + 1));
      };
      send(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.port = (server.address() as { port: number }).port;
  onCleanup('simulators', state.close, 'hostile server');
  return state;
}

type Outcome = { ok: Uint8Array } | { error: unknown };
const settle = (p: Promise<Uint8Array>): Promise<Outcome> => p.then((ok) => ({ ok }), (error: unknown) => ({ error }));
const DEADLINE_MS = 80;

describe('clients against a server that answers anything', () => {
  it('Modbus (our session over modbus-serial): every read settles before its deadline with correctly sized data or a typed error; a reply behind frames of other transactions is still found', async () => {
    const server = await hostileServer();
    const reply = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 300 }) }), weight: 2 },
      {
        arbitrary: fc.record({
          kind: fc.constant('framed' as const),
          sameTid: fc.boolean(),
          tid: fc.integer({ min: 0, max: 0xffff }),
          protocol: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })),
          unit: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 255 })),
          fc: fc.oneof(fc.constant(3), fc.constant(0x83), fc.integer({ min: 0, max: 255 })),
          byteCount: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
          data: fc.uint8Array({ maxLength: 40 }),
          lengthDelta: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, fc.integer({ min: -8, max: 8 })),
        }),
        weight: 3,
      },
      { arbitrary: fc.record({ kind: fc.constant('foreign-then-valid' as const), others: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 4 }) }), weight: 1 },
    );
    const failures = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(reply, fc.integer({ min: 1, max: 10 }), cuts, async (plan, count, sizes) => {
        let expected: string | null = null;
        server.reply = (request) => {
          const tid = request.readUInt16BE(0);
          const registers = Uint8Array.from({ length: count * 2 }, (_, i) => (i * 37 + count) & 0xff);
          const good = mbap(tid, 1, concat(Uint8Array.of(3, count * 2), registers));
          if (plan.kind === 'garbage') return cut(plan.bytes, sizes);
          if (plan.kind === 'foreign-then-valid') {
            expected = Buffer.from(registers).toString('hex');
            return cut(concat(...plan.others.filter((t) => t !== tid).map((t) => mbap(t, 1, concat(Uint8Array.of(3, 2), Uint8Array.of(9, 9)))), good), sizes);
          }
          const pdu = concat(Uint8Array.of(plan.fc), plan.byteCount === undefined ? new Uint8Array(0) : Uint8Array.of(plan.byteCount), plan.data);
          return cut(mbap(plan.sameTid ? tid : plan.tid, plan.unit, pdu, plan.protocol, pdu.length + 1 + plan.lengthDelta), sizes);
        };
        const open = new AbortController();
        const session = await ModbusSession.open({ host: '127.0.0.1', port: server.port, unitId: 1, backstopTimeoutMs: 5_000 }, open.signal);
        try {
          const signal = AbortSignal.timeout(DEADLINE_MS);
          const started = Date.now();
          const outcome = await settle(session.readRegisters('holding', 0, count, signal));
          expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_000);
          if ('ok' in outcome) {
            expect(outcome.ok.length).toBe(count * 2);
            if (expected !== null) expect(Buffer.from(outcome.ok).toString('hex')).toBe(expected);
          } else {
            expect(expected, `a valid reply behind foreign frames was lost: ${String(outcome.error)}`).toBeNull();
            const e = outcome.error;
            expect(e instanceof CommError || e instanceof ModbusExceptionError || e instanceof ModbusProtocolError, String(e)).toBe(true);
            const name = e instanceof CommError ? `CommError ${e.code}` : (e as Error).constructor.name;
            failures.set(name, (failures.get(name) ?? 0) + 1);
          }
        } finally {
          await session.close();
        }
      }),
      { seed: 0x5eed_0005, numRuns: 120 * RUNS },
    );
    console.log(`[torture] Modbus client vs hostile server: ${JSON.stringify(Object.fromEntries(failures))}`);
  }, 120_000);

  it('MC 3E/4E, binary and ASCII: every request settles before its deadline with data, an end code or a CommError; the connection is dropped after anything malformed', async () => {
    const server = await hostileServer();
    const failures = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Encoding>('binary', 'ascii').chain((encoding) =>
          fc.tuple(fc.constant(encoding), fc.boolean(), fc.oneof(garbage, lookalike(encoding), mcFrame(encoding).map((f) => f.bytes)), fc.option(mcFrame(encoding), { nil: undefined }), cuts),
        ),
        async ([encoding, wants4e, first, second, sizes]) => {
          const fourE = wants4e && encoding === 'binary';
          server.reply = () => cut(second ? concat(first, second.bytes) : first, sizes);
          const client = await McClient.connect({ host: '127.0.0.1', port: server.port, frame: fourE ? '4e' : '3e', encoding, timeoutMs: DEADLINE_MS, connectTimeoutMs: 1_000 });
          try {
            const frame = encoding === 'binary' ? (fourE ? binary4eRequest(1, 0x0401, 0, '000000a80a00') : binary3eRequest(0x0401, 0, '000000a80a00')) : ascii3eRequest(0x0401, 0, 'D*0000000010');
            const started = Date.now();
            const outcome = await settle(client.request({ frame, label: 'fuzz read' }));
            expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_000);
            if ('error' in outcome) {
              const e = outcome.error;
              expect(e instanceof CommError || e instanceof DeviceError, String(e)).toBe(true);
              const name = e instanceof CommError ? `CommError ${e.code}` : (e as Error).constructor.name;
              failures.set(name, (failures.get(name) ?? 0) + 1);
              if (e instanceof CommError && e.code === 'MALFORMED') expect(client.closed).toBe(true);
            }
          } finally {
            await client.close();
          }
        },
      ),
      { seed: 0x5eed_0006, numRuns: 120 * RUNS },
    );
    console.log(`[torture] MC client vs hostile server: ${JSON.stringify(Object.fromEntries(failures))}`);
  }, 120_000);
});

describe('simulators against clients that send anything', () => {
  it('neither simulator crashes or stops serving: after hundreds of hostile connections a well-behaved client still reads', async () => {
    const mc = closeLater(await startMcSimulator(), 'MC simulator');
    const mb = closeLater(await startModbusSimulator(), 'Modbus simulator');
    mc.memory.setWord('D100', 1234);
    mb.memory.set('HR7', 'int16', 4321);
    const send = (port: number, chunks: Uint8Array[]): Promise<void> =>
      new Promise((resolve) => {
        const s = connect(port, '127.0.0.1');
        s.on('error', () => resolve());
        s.on('data', () => undefined);
        s.once('connect', () => {
          for (const c of chunks) s.write(c);
          setTimeout(() => s.destroy(), 5);
        });
        s.once('close', () => resolve());
      });
    await fc.assert(
      fc.asyncProperty(fc.oneof(garbage, lookalike('binary'), fc.uint8Array({ maxLength: 30 }).map((b) => binary3eRequest(0x0401, 0, Buffer.from(b).toString('hex')))), cuts, async (bytes, sizes) => {
        await send(mc.port, cut(bytes, sizes));
      }),
      { seed: 0x5eed_0007, numRuns: 150 * RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(garbage, fc.record({ tid: fc.nat(0xffff), unit: fc.nat(255), pdu: fc.uint8Array({ minLength: 1, maxLength: 253 }) }).map((f) => mbap(f.tid, f.unit, f.pdu))), cuts, async (bytes, sizes) => {
        await send(mb.port, cut(bytes, sizes));
      }),
      { seed: 0x5eed_0008, numRuns: 150 * RUNS },
    );
    // Still serving: a real client reads what the memory holds.
    const client = await McClient.connect({ host: '127.0.0.1', port: mc.port, frame: '3e', encoding: 'binary', timeoutMs: 2_000 });
    const data = await client.request({ frame: binary3eRequest(0x0401, 0, '640000a80100'), label: 'D100' });
    await client.close();
    expect(Buffer.from(data).readUInt16LE(0)).toBe(1234);
    const session = await ModbusSession.open({ host: '127.0.0.1', port: mb.port, unitId: 1, backstopTimeoutMs: 2_000 }, new AbortController().signal);
    const regs = await session.readRegisters('holding', 7, 1, AbortSignal.timeout(2_000));
    await session.close();
    expect(Buffer.from(regs).readInt16BE(0)).toBe(4321);
    expect(mc.stats.ignored).toBeGreaterThan(0);
  }, 120_000);
});
