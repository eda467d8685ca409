import type { Clock } from '../../clock.js';
import type { DeviceConfig } from '../config/schema.js';
import type { DeviceDriver, ReadPlan } from '../driver.js';
import { AddressError, CommError, DeviceError } from '../errors.js';
import { createDeviceLink } from '../link/device-link.js';
import type { DeviceLink } from '../link/types.js';
import type { DriverContext } from '../protocol-module.js';
import { Quality, type PollBatch, type TagSpec } from '../types.js';
import { formatMcAddress, parseMcAddress, type McAddress } from './address.js';
import { McClient, type McFrame, type McRequest, type McSession } from './client.js';
import { bitsFromData, randomWordsFromData, wordsFromData } from './codec/data.js';
import { DEFAULT_ROUTE, encodeRequestFrame, type RequestFrameOptions } from './codec/frame.js';
import { batchReadBits1e, batchReadWords1e, batchWriteBits1e, encode1eRequestFrame } from './codec/requests-1e.js';
import { batchReadBits, batchReadWords, batchWriteBits, type CodecContext, type McCommand } from './codec/requests.js';
import { McWire, type Encoding } from './codec/wire.js';
import { mcDeviceProblem } from './device-check.js';
import { McUdpClient } from './udp-client.js';
import { DEFAULT_REFUSED_RETRY_MS, RefusalIsolation, type RefusedTag } from '../refused-tags.js';
import { decodeBitReply, decodeWordReply, markFailed, newBatch, type MutableBatch } from './plan-decode.js';
import { planMcRead, planMcRequests, type McPlanOptions, type McPlannedRequest, type McReadPlan } from './planner.js';

/**
 * The MC driver: plans with the planner, runs each planned request as one device-link job (the
 * link owns the connection, timeouts, retries and reconnects) and decodes replies into a batch.
 * 3E runs with link concurrency 1 (one request in flight); 4E with `pipeline` lets the link run
 * several jobs at once on the one connection, matched by serial in the client.
 *
 * 1E (protocol mc1e, series fx3) runs one request in flight like 3E, with the 1E codec. With
 * `transport: udp` the session is a bound UDP socket (udp-client.ts) instead of a TCP connection;
 * the link treats both alike (a timeout closes the session; OFFLINE after the retries).
 *
 * A read where some requests fail and others succeed resolves: the failed requests' tags carry
 * BAD_DEVICE (end code) or BAD_COMM, the rest are good, so one bad address never hides 999
 * good values. A request refused with an address-class end code (C056...) is bisected until the
 * refused tags stand alone (src/io/refused-tags.ts); they are parked and retried every
 * `refusedRetryMs`. A read where nothing was answered rejects with the first error.
 */

export interface McDriverDeps {
  /** The actor clock for the link (SimulatedClock in tests). */
  readonly clock?: Clock | undefined;
  /** Epoch ms for batch timestamps. */
  readonly now?: (() => number) | undefined;
}

/** Link concurrency with 4E pipelining: requests in flight on one connection. */
export const PIPELINE_DEPTH = 8;

interface PlanEntry {
  readonly plan: McReadPlan;
  readonly refusals: RefusalIsolation<McPlannedRequest>;
}

export function createMcDriver(device: DeviceConfig, ctx: DriverContext, deps: McDriverDeps = {}): DeviceDriver {
  if (device.protocol !== 'mc1e' && device.protocol !== 'mc3e' && device.protocol !== 'mc4e') throw new TypeError(`device "${device.name}" is ${device.protocol}, not MC`);
  const frame: McFrame = device.protocol === 'mc1e' ? '1e' : device.protocol === 'mc4e' ? '4e' : '3e';
  if ((frame === '1e') !== (device.series === 'fx3')) throw new TypeError(`device "${device.name}": ${mcDeviceProblem(device) ?? 'series and frame do not match'}`);
  const pipeline = frame === '4e' && device.pipeline;
  const codec: CodecContext = { series: device.series, encoding: device.encoding };
  // Ask the module to give up on a remote route before we give up on the module, so a slow route
  // comes back as C05E (a named error) rather than a timeout.
  const monitoringTimer = Math.max(1, Math.floor((device.timeoutMs * 0.8) / McWire.MONITORING_TIMER_UNIT_MS));
  const frameOptions: RequestFrameOptions = {
    frame: frame === '4e' ? '4e' : '3e',
    encoding: device.encoding,
    route: { ...DEFAULT_ROUTE, network: device.network, pc: device.station },
    monitoringTimer,
  };
  const toRequest = (command: McCommand): McRequest =>
    frame === '1e'
      ? {
          // 1E: PC number (FFH = the adapter's own PLC) and the same monitoring timer, in 250 ms units.
          frame: encode1eRequestFrame({ encoding: device.encoding, pc: device.station, monitoringTimer }, command),
          label: `${command.label} on ${device.name}`,
          expect: { command: command.command, replyLength: command.replyLength ?? 0 },
        }
      : {
          frame: encodeRequestFrame(frameOptions, command.command, command.subcommand, command.body),
          label: `${command.label} on ${device.name}`,
        };
  const clientOptions = { host: device.host, port: device.port, frame, encoding: device.encoding, pipeline, maxInFlight: PIPELINE_DEPTH, timeoutMs: 0, connectTimeoutMs: device.connectTimeoutMs };
  const link: DeviceLink<McSession> = createDeviceLink<McSession>(
    {
      open: (signal) =>
        device.transport === 'udp' ? McUdpClient.open({ ...clientOptions, localPort: device.localPort }, signal) : McClient.connect(clientOptions, signal),
      close: (client) => client.close(),
      isClosed: (client) => client.closed,
    },
    {
      name: device.name,
      connectTimeoutMs: device.connectTimeoutMs,
      requestTimeoutMs: device.timeoutMs,
      retries: device.retries,
      retryDelayMs: device.retryDelayMs,
      concurrency: pipeline ? PIPELINE_DEPTH : 1,
    },
    { logger: ctx.logger, inspect: ctx.inspect, ...(deps.clock ? { clock: deps.clock } : {}) },
  );
  const plans = new WeakMap<ReadPlan, PlanEntry>();
  /** Each planned request's frame, encoded once (requests made by a split get theirs when first sent). */
  const frames = new WeakMap<McPlannedRequest, McRequest>();
  const frameOf = (request: McPlannedRequest): McRequest => {
    let frame = frames.get(request);
    if (!frame) frames.set(request, (frame = toRequest(request.command)));
    return frame;
  };
  const planOptions: McPlanOptions = { series: device.series, encoding: device.encoding, wordOrder: device.wordOrder, byteOrder: device.byteOrder };
  const log = ctx.logger.child({ device: device.name });
  /** A single bit's requests: `bit` of a word reply, or point `index` of a bit-unit reply. */
  const bitRequests = new Map<string, { read: McRequest; write: [McRequest, McRequest] | null; bit: number | undefined; index: number; points: number }>();
  const now = deps.now ?? Date.now;

  const decodeInto = (request: McPlannedRequest, plan: McReadPlan, data: Uint8Array, batch: MutableBatch): void => {
    const enc = device.encoding;
    if (request.kind === 'bits') {
      const bits = bitsFromData(data, enc, request.count);
      if (!bits) throw malformed(request.command.label, data.length);
      decodeBitReply(request, bits, batch);
      return;
    }
    const words = request.kind === 'words' ? wordsFromData(data, enc, request.count) : randomWordsFromData(data, enc, request.wordPoints, request.dwordPoints);
    if (!words) throw malformed(request.command.label, data.length);
    decodeWordReply(plan, request, words, batch);
  };

  const bitEntry = (address: string) => {
    let entry = bitRequests.get(address);
    if (entry) return entry;
    const parsed = parseMcAddress(address, device.series);
    const head = { info: parsed.info, number: parsed.number };
    if (frame === '1e') {
      entry = bitEntry1e(parsed, device.encoding, toRequest);
    } else if (parsed.kind === 'bit') {
      entry = { read: toRequest(batchReadBits(head, 1, codec)), write: [toRequest(batchWriteBits(head, [0], codec)), toRequest(batchWriteBits(head, [1], codec))], bit: undefined, index: 0, points: 1 };
    } else if (parsed.bit !== undefined) {
      entry = { read: toRequest(batchReadWords(head, 1, codec)), write: null, bit: parsed.bit, index: 0, points: 1 };
    } else {
      throw new AddressError(address, `a single bit needs a bit device or a bit of a word (${parsed.device}${parsed.number}.0)`);
    }
    if (bitRequests.size < 64) bitRequests.set(address, entry);
    return entry;
  };

  return {
    plan(tags: readonly TagSpec[]): ReadPlan {
      const plan = planMcRead(tags, planOptions);
      const refusals = new RefusalIsolation<McPlannedRequest>(
        plan.requests,
        {
          plan: (indices) => planMcRequests(plan, indices, planOptions),
          members: (request) => Array.from(request.tagIndex).sort((a, b) => byAddress(plan, a, b)),
        },
        { tags, retryMs: device.refusedRetryMs ?? DEFAULT_REFUSED_RETRY_MS, now, log },
      );
      plans.set(plan, { plan, refusals });
      return Object.assign(plan, { refusedTags: (): RefusedTag[] => refusals.refused() });
    },

    async read(readPlan: ReadPlan, signal?: AbortSignal): Promise<PollBatch> {
      const entry = plans.get(readPlan);
      if (!entry) throw new TypeError(`device "${device.name}": this plan was not made by this driver`);
      const { plan, refusals } = entry;
      const batch = newBatch(plan, now());
      const outcome = await refusals.poll(
        {
          run: (request) => link.execute((client, jobSignal) => client.request(frameOf(request), jobSignal).then((data) => decodeInto(request, plan, data, batch)), signal),
          failed: (request, err) => markFailed(request, batch, err instanceof DeviceError ? Quality.BAD_DEVICE : Quality.BAD_COMM),
        },
        false,
      );
      const parked = refusals.parkedTags();
      for (const i of parked.keys()) {
        batch.values[i] = Number.NaN;
        batch.quality[i] = Quality.BAD_DEVICE;
      }
      if (outcome.answered === 0) {
        if (outcome.failed > 0) throw outcome.firstError;
        const first = parked.values().next();
        if (!first.done) throw first.value.error;
      }
      return batch;
    },

    async writeBit(address: string, value: boolean, signal?: AbortSignal): Promise<void> {
      const entry = bitEntry(address);
      if (!entry.write) {
        throw new AddressError(address, 'writing one bit of a word would need a read-modify-write that can overwrite the PLC\'s other bits; use a bit device');
      }
      const request = entry.write[value ? 1 : 0];
      await link.execute((client, jobSignal) => client.request(request, jobSignal), signal);
    },

    async readBit(address: string, signal?: AbortSignal): Promise<boolean> {
      const entry = bitEntry(address);
      const data = await link.execute((client, jobSignal) => client.request(entry.read, jobSignal), signal);
      if (entry.bit === undefined) {
        const bits = bitsFromData(data, device.encoding, entry.points);
        if (!bits) throw malformed(entry.read.label, data.length);
        return bits[entry.index] === 1;
      }
      const words = wordsFromData(data, device.encoding, 1);
      if (!words) throw malformed(entry.read.label, data.length);
      return ((words[0]! >> entry.bit) & 1) === 1;
    },

    status: () => link.status(),
    queueDepth: () => link.queueDepth(),
    close: () => link.close(),
  };
}

/**
 * 1E single-bit requests. Reads never ask for one point (an odd count's reply carries a dummy
 * point): a bit device with word access is read as its 16-point word, TS/CS as the even pair
 * holding the point. Writes of one point are fine (the request carries the dummy itself).
 */
function bitEntry1e(parsed: McAddress, encoding: Encoding, toRequest: (command: McCommand) => McRequest) {
  const head = { info: parsed.info, number: parsed.number };
  if (parsed.kind === 'word') {
    if (parsed.bit === undefined) throw new AddressError(formatMcAddress(parsed, 'fx3'), 'a single bit needs a bit device or a bit of a word (D100.0)');
    return { read: toRequest(batchReadWords1e(head, 1, encoding)), write: null, bit: parsed.bit, index: 0, points: 1 };
  }
  const write: [McRequest, McRequest] = [toRequest(batchWriteBits1e(head, [0], encoding)), toRequest(batchWriteBits1e(head, [1], encoding))];
  if (parsed.info.wordAccess) {
    const word = { info: parsed.info, number: parsed.number - (parsed.number % 16) };
    return { read: toRequest(batchReadWords1e(word, 1, encoding)), write, bit: parsed.number % 16, index: 0, points: 1 };
  }
  const pair = { info: parsed.info, number: parsed.number - (parsed.number % 2) };
  return { read: toRequest(batchReadBits1e(pair, 2, encoding)), write, bit: undefined, index: parsed.number % 2, points: 2 };
}

function malformed(label: string, size: number): CommError {
  return new CommError('MALFORMED', `reply to ${label} has the wrong size (${size})`);
}

/** Address order for bisection: device, then first unit, then size. */
function byAddress(plan: McReadPlan, a: number, b: number): number {
  const la = plan.layouts[a]!;
  const lb = plan.layouts[b]!;
  return la.address.info.name.localeCompare(lb.address.info.name) || la.start - lb.start || sizeOf(la) - sizeOf(lb);
}

function sizeOf(layout: McReadPlan['layouts'][number]): number {
  return layout.space === 'words' ? layout.words : 1;
}
