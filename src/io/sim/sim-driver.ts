import type { DeviceConfig, TagConfig } from '../config/schema.js';
import type { DeviceDriver, DeviceStatus, ReadPlan } from '../driver.js';
import type { ProtocolModule } from '../protocol-module.js';
import { Quality, type PollBatch, type TagSpec } from '../types.js';
import type { Clock } from '../../clock.js';
import { systemClock } from '../../clock.js';

/**
 * `protocol: sim` — an in-process demo/test driver with no network. Values are a pure
 * function of the address and the time, so tests can predict them. It is NOT a stand-in for a
 * real protocol: the MC and Modbus drivers talk to their network simulators instead.
 */
const ADDRESS = /^([A-Z]{1,2})(\d{1,7})(?:\.([0-9A-F]))?$/;

export function simValue(address: string, type: TagSpec['type'], t: number): number {
  let h = 0;
  for (let i = 0; i < address.length; i++) h = (h * 31 + address.charCodeAt(i)) | 0;
  const phase = (h & 0xffff) / 0xffff;
  switch (type) {
    case 'bit':
      return Math.floor(t / 1000 + phase * 10) % 2;
    case 'float32':
    case 'float64':
      return Math.round((50 + 40 * Math.sin((t / 10_000 + phase) * 2 * Math.PI)) * 1000) / 1000;
    default:
      return Math.floor(t / 100 + phase * 1000) % 1000;
  }
}

class SimDriver implements DeviceDriver {
  private lastReadingAt: number | null = null;
  private closed = false;
  constructor(private readonly clock: Clock) {}

  plan(tags: readonly TagSpec[]): ReadPlan {
    return { tags, requestCount: 1 };
  }

  async read(plan: ReadPlan): Promise<PollBatch> {
    if (this.closed) throw new Error('sim driver closed');
    const ts = Math.round(this.clock.now());
    const n = plan.tags.length;
    const tagIds = new Int32Array(n);
    const values = new Float64Array(n);
    const quality = new Uint8Array(n).fill(Quality.GOOD);
    let texts: (string | null)[] | undefined;
    for (let i = 0; i < n; i++) {
      const tag = plan.tags[i]!;
      tagIds[i] = tag.id;
      if (tag.type === 'string') {
        texts ??= new Array<string | null>(n).fill(null);
        texts[i] = `SIM-${Math.floor(ts / 1000) % 100}`;
        values[i] = Number.NaN;
        continue;
      }
      values[i] = simValue(tag.address, tag.type, ts) * (tag.scale ?? 1) + (tag.offset ?? 0);
    }
    this.lastReadingAt = ts;
    return { ts, tagIds, values, quality, texts };
  }

  status(): DeviceStatus {
    return { state: this.lastReadingAt === null ? 'UNKNOWN' : 'ONLINE', lastReadingAt: this.lastReadingAt, lastError: null, lastErrorAt: null };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function checkAddress(address: string): string | null {
  return ADDRESS.test(address) ? null : `bad address "${address}": expected a device letter code and a number, e.g. D100, M10, D100.3`;
}

export function createSimProtocol(clock: Clock = systemClock): ProtocolModule {
  return {
    checkTag: (tag: TagConfig) => checkAddress(tag.address),
    checkBit: (address: string) => checkAddress(address),
    createDriver: (_device: DeviceConfig) => new SimDriver(clock),
  };
}
