import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../clock.js';
import type { DeviceConfig } from '../config/schema.js';
import type { DeviceDriver, DeviceStatus, ReadPlan } from '../driver.js';
import { AddressError, DeviceError } from '../errors.js';
import { createDeviceLink } from '../link/device-link.js';
import type { DeviceLink, LinkOptions, LinkTransport } from '../link/types.js';
import type { DriverContext } from '../protocol-module.js';
import { Quality, type PollBatch, type TagSpec } from '../types.js';
import { formatModbusAddress, type ModbusAddress } from './address.js';
import { ModbusSession } from './client.js';
import type { PlannerOptions } from './planner.js';
import { compileReadPlan, decodeBlock, membersByAddress, planSubset, type ModbusReadPlan, type PlanBlock } from './read-plan.js';
import { resolveModbusBit } from './tag-check.js';
import { DEFAULT_REFUSED_RETRY_MS, RefusalIsolation, type RefusedTag } from '../refused-tags.js';

/**
 * The Modbus TCP driver: plans block reads, runs each block as one job on the device link
 * (one request in flight, the link's timeouts, retries and reconnects), and decodes replies
 * straight into the poll batch.
 *
 * One block = one link job, so each request gets the full request timeout and a retry repeats
 * only the block that failed. A Modbus exception on one block does not throw the others away:
 * its tags get quality BAD_DEVICE, the rest of the batch is good, and the link marks the device
 * ERROR with the exception's name (except 02/03, refused addresses: the device stays ONLINE).
 * Only when no block was answered does read() reject.
 *
 * The planner bridges small gaps between tags; a device whose register map has a hole there, or
 * ends inside a merged read, refuses the whole read with exception 02 (or 03). Then the block is
 * bisected by tags until the refused tags stand alone (src/io/refused-tags.ts): the good parts
 * are read from then on, the refused tags are retried every `refusedRetryMs` and merged back
 * once the device accepts them.
 */

export interface ModbusDriverOptions {
  readonly clock?: Clock;
  /** Link tuning the device config does not carry (tests shorten the reconnect backoff). */
  readonly link?: Pick<LinkOptions, 'reconnectInitialMs' | 'reconnectMaxMs'>;
  readonly planner?: PlannerOptions;
  /** Random in [0, 1) for the reconnect jitter. */
  readonly random?: () => number;
}

/** modbus-serial's own timeout sits this far behind the link's, as a backstop only. */
const BACKSTOP_MARGIN_MS = 1_000;

export function createModbusDriver(device: DeviceConfig, ctx: DriverContext, options: ModbusDriverOptions = {}): DeviceDriver {
  const clock = options.clock ?? systemClock;
  const transport: LinkTransport<ModbusSession> = {
    open: (signal) =>
      ModbusSession.open(
        { host: device.host, port: device.port, unitId: device.unitId, backstopTimeoutMs: device.timeoutMs + BACKSTOP_MARGIN_MS },
        signal,
      ),
    close: (session) => session.close(),
    isClosed: (session) => session.closed,
  };
  const link = createDeviceLink(
    transport,
    {
      name: device.name,
      connectTimeoutMs: device.connectTimeoutMs,
      requestTimeoutMs: device.timeoutMs,
      retries: device.retries,
      retryDelayMs: device.retryDelayMs,
      concurrency: 1,
      ...options.link,
    },
    { logger: ctx.logger, clock, inspect: ctx.inspect, ...(options.random ? { random: options.random } : {}) },
  );
  return new ModbusDriver(device, link, clock, ctx.logger.child({ device: device.name }), options.planner);
}

class ModbusDriver implements DeviceDriver {
  /** Plans this driver made (read() accepts only these), with their refusal isolation. */
  private readonly plans = new WeakMap<ModbusReadPlan, RefusalIsolation<PlanBlock>>();
  /** Handshake bits are read every watch interval: parse each address once. */
  private readonly bits = new Map<string, ModbusAddress>();

  constructor(
    private readonly device: DeviceConfig,
    private readonly link: DeviceLink<ModbusSession>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly planner: PlannerOptions | undefined,
  ) {}

  plan(tags: readonly TagSpec[]): ReadPlan {
    const plan = compileReadPlan(tags, {
      addressBase: this.device.addressBase,
      wordOrder: this.device.wordOrder ?? 'high',
      stringByteOrder: this.device.byteOrder ?? 'big',
      ...(this.planner ? { planner: this.planner } : {}),
    });
    const refusals = new RefusalIsolation<PlanBlock>(
      plan.blocks,
      { plan: (indices) => planSubset(plan, indices, this.planner), members: (block) => membersByAddress(plan, block) },
      { tags, retryMs: this.device.refusedRetryMs ?? DEFAULT_REFUSED_RETRY_MS, now: () => Math.round(this.clock.now()), log: this.log },
    );
    this.plans.set(plan, refusals);
    return Object.assign(plan, { refusedTags: (): RefusedTag[] => refusals.refused() });
  }

  async read(plan: ReadPlan, signal?: AbortSignal): Promise<PollBatch> {
    const p = plan as ModbusReadPlan;
    const refusals = this.plans.get(p);
    if (!refusals) throw new TypeError(`device "${this.device.name}": read() needs a plan made by this driver's plan()`);
    const n = p.tags.length;
    const out = {
      values: new Float64Array(n).fill(Number.NaN),
      quality: new Uint8Array(n).fill(Quality.BAD_DEVICE),
      texts: p.hasStrings ? new Array<string | null>(n).fill(null) : undefined,
    };
    const outcome = await refusals.poll(
      {
        run: async (block) => {
          const bytes = await this.link.execute((session, s) => readBlock(session, block, s), signal);
          decodeBlock(p, block, bytes, out);
        },
        failed: (_block, err) => {
          // A device answer (exception) spoils only this block; anything else ends the poll.
          if (!(err instanceof DeviceError)) throw err;
        },
      },
      true,
    );
    const parked = refusals.parkedTags();
    for (const i of parked.keys()) {
      out.values[i] = Number.NaN;
      out.quality[i] = Quality.BAD_DEVICE;
    }
    if (outcome.answered === 0) {
      if (outcome.failed > 0) throw outcome.firstError;
      const first = parked.values().next();
      if (!first.done) throw first.value.error;
    }
    return { ts: Math.round(this.clock.now()), tagIds: p.tagIds.slice(), values: out.values, quality: out.quality, texts: out.texts };
  }

  async readBit(address: string, signal?: AbortSignal): Promise<boolean> {
    const at = this.bit(address);
    const bytes = await this.link.execute(
      (session, s) =>
        at.table === 'coil' || at.table === 'discrete'
          ? session.readBits(at.table, at.offset, 1, s)
          : session.readRegisters(at.table, at.offset, 1, s),
      signal,
    );
    if (at.bit === null) return (bytes[0]! & 1) === 1;
    return ((((bytes[0]! << 8) | bytes[1]!) >> at.bit) & 1) === 1;
  }

  async writeBit(address: string, value: boolean, signal?: AbortSignal): Promise<void> {
    const at = this.bit(address);
    if (at.table === 'coil') {
      await this.link.execute((session, s) => session.writeCoil(at.offset, value, s), signal);
    } else if (at.table === 'holding' && at.bit !== null) {
      const bit = at.bit;
      await this.link.execute((session, s) => session.writeRegisterBit(at.offset, bit, value, s), signal);
    } else {
      throw new AddressError(address, `${formatModbusAddress(at)} is read-only (${at.table === 'discrete' ? 'discrete input' : 'input register'}): write to a coil (C) or a holding register bit (HRn.b)`);
    }
  }

  status(): DeviceStatus {
    return this.link.status();
  }

  queueDepth(): number {
    return this.link.queueDepth();
  }

  close(): Promise<void> {
    return this.link.close();
  }

  private bit(address: string): ModbusAddress {
    let at = this.bits.get(address);
    if (!at) {
      at = resolveModbusBit(address, this.device.addressBase);
      this.bits.set(address, at);
    }
    return at;
  }
}

function readBlock(session: ModbusSession, block: PlanBlock, signal: AbortSignal): Promise<Uint8Array> {
  return block.table === 'holding' || block.table === 'input'
    ? session.readRegisters(block.table, block.start, block.count, signal)
    : session.readBits(block.table, block.start, block.count, signal);
}
