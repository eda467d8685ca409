import { createFieldReader } from '../codec/fields.js';
import { encodeResponseFrame } from '../codec/frame.js';
import { encode1eResponse, type Mc1eRequest } from '../codec/requests-1e-reader.js';
import type { SplitFrame } from '../codec/splitter.js';
import { McWire, type Encoding } from '../codec/wire.js';
import type { McSeries } from '../devices.js';
import type { McLimits } from '../limits.js';
import type { McFaults } from './faults.js';
import { handle1eRequest, Sim1eCode } from './handler-1e.js';
import { handleRequest, SimEndCode } from './handler.js';
import type { McMemory } from './memory.js';

/**
 * One request in, one reply out, with the delay the fault switches ask for. Shared by the TCP
 * and UDP sides of the simulator so both behave alike; no sockets here.
 */

export interface RespondContext {
  readonly encoding: Encoding;
  readonly series: McSeries;
  readonly memory: McMemory;
  readonly faults: McFaults;
  readonly limits: McLimits;
}

export interface SimReply {
  readonly bytes: Uint8Array;
  /** Hold the reply this long (replyDelayMs, route delay, monitoring timer). */
  readonly delayMs: number;
}

type Split = Extract<SplitFrame, { kind: 'frame' }>;

/** A 3E/4E request frame: route delay vs monitoring timer (C05E), the command, the wrong-serial fault. */
export function respond3e(frame: Split, ctx: RespondContext): SimReply {
  const { faults, encoding } = ctx;
  const head = createFieldReader(frame.data, encoding);
  const monitoringTimer = head.u16();
  const command = head.u16();
  const subcommand = head.u16();
  const body = frame.data.subarray(encoding === 'binary' ? 6 : 12);
  let delayMs = faults.replyDelayMs;
  let endCode: number;
  let data: Uint8Array | undefined;
  const timerMs = monitoringTimer * McWire.MONITORING_TIMER_UNIT_MS;
  if (faults.routeDelayMs > 0 && monitoringTimer > 0 && timerMs < faults.routeDelayMs) {
    // The remote station did not answer within the request's monitoring timer: nothing executed.
    endCode = SimEndCode.MONITORING_TIMER_EXPIRED;
    delayMs += timerMs;
  } else {
    const result = handleRequest({ command, subcommand, body }, ctx);
    endCode = result.endCode;
    data = result.data;
    delayMs += faults.routeDelayMs;
  }
  // wrongSerial: a module (or a middlebox) that answers a 4E request with another serial.
  const serial = frame.serial === null ? 0 : faults.wrongSerial ? (frame.serial + 1) & 0xffff : frame.serial;
  const bytes = encodeResponseFrame(encoding, { frame: frame.frame, serial, route: frame.route, endCode, data, command, subcommand });
  return { bytes, delayMs };
}

/** A 1E request: the FX3 adapter's answer. */
export function respond1e(request: Mc1eRequest, ctx: RespondContext): SimReply {
  const result = handle1eRequest(request, ctx);
  return { bytes: encode1eResponse(ctx.encoding, request.command, result.completeCode, result.data, result.abnormalCode), delayMs: ctx.faults.replyDelayMs };
}

/** A 1E command we cannot even frame: 50H, as the adapter answers an unknown subheader. */
export function respond1eUnsupported(command: number, ctx: RespondContext): SimReply {
  return { bytes: encode1eResponse(ctx.encoding, Math.max(0, command), Sim1eCode.UNSUPPORTED_COMMAND), delayMs: ctx.faults.replyDelayMs };
}
