import type { ModbusTable } from './address.js';
import { isRegisterTable } from './address.js';

/**
 * The read planner: merge the spans a group's tags occupy into the fewest block reads that
 * respect the Modbus per-request limits. Pure; the driver plans once and reuses the plan.
 *
 * Limits (Modbus Application Protocol v1.1b3, 6.1-6.4): a read returns at most 125 registers
 * (FC03/FC04, 250 data bytes in a 253-byte PDU) or 2,000 bits (FC01/FC02).
 *
 * Gap cost model. Reading across a hole between two spans costs the hole's bytes on the wire;
 * splitting costs one more request. On the slowest link we must serve, a Modbus TCP gateway to
 * an RTU line, one more request costs its framing (12 bytes out, 9 back) plus the line
 * turnaround, about `requestCostBytes` = 32 byte-times; on Ethernet a round trip is worth far
 * more, so 32 is the conservative end. A gap of g registers costs 2g bytes, g bits cost g/8
 * bytes. We merge when the gap costs no more than a request: up to 16 registers or 256 bits.
 * Set `requestCostBytes: 0` to merge only touching or overlapping spans, for devices whose
 * register map has holes that answer exception 02 (illegal data address) to any read across them.
 */

export const MAX_READ_REGISTERS = 125;
export const MAX_READ_BITS = 2000;
export const DEFAULT_REQUEST_COST_BYTES = 32;

/** Where one tag lives: `span` registers (or bits, for coils and discrete inputs) from `offset`. */
export interface Span {
  readonly table: ModbusTable;
  readonly offset: number;
  readonly span: number;
}

/** One read request: FC01/02/03/04 on `table`, `count` registers or bits from `start`. */
export interface ReadBlock {
  readonly table: ModbusTable;
  readonly start: number;
  readonly count: number;
  /** Registers or bits read only to bridge gaps (the cost we chose to pay). */
  readonly unused: number;
}

export interface PlannerOptions {
  readonly maxRegisters?: number;
  readonly maxBits?: number;
  readonly requestCostBytes?: number;
}

export interface BlockPlan {
  readonly blocks: readonly ReadBlock[];
  /** blockOf[i] = index in `blocks` of the block that holds spans[i]. */
  readonly blockOf: Int32Array;
}

/** Fixed table order so plans (and the requests on the wire) are stable from run to run. */
const TABLE_ORDER: readonly ModbusTable[] = ['coil', 'discrete', 'holding', 'input'];

export function planBlocks(spans: readonly Span[], options: PlannerOptions = {}): BlockPlan {
  const maxRegisters = options.maxRegisters ?? MAX_READ_REGISTERS;
  const maxBits = options.maxBits ?? MAX_READ_BITS;
  const costBytes = options.requestCostBytes ?? DEFAULT_REQUEST_COST_BYTES;
  const blocks: ReadBlock[] = [];
  const blockOf = new Int32Array(spans.length).fill(-1);

  // Indices sorted by table, then start, then end: one sweep per table builds the blocks.
  const order = spans.map((_, i) => i);
  order.sort((a, b) => {
    const sa = spans[a]!;
    const sb = spans[b]!;
    return (
      TABLE_ORDER.indexOf(sa.table) - TABLE_ORDER.indexOf(sb.table) ||
      sa.offset - sb.offset ||
      sa.span - sb.span
    );
  });

  let table: ModbusTable | null = null;
  let start = 0;
  let end = 0; // exclusive
  let used = 0; // units covered by spans, to report the gap cost
  let limit = 0;
  let maxGap = 0;
  const flush = (): void => {
    if (table !== null) blocks.push({ table, start, count: end - start, unused: end - start - used });
  };

  for (const i of order) {
    const s = spans[i]!;
    const sEnd = s.offset + s.span;
    const sameTable = s.table === table;
    const gap = s.offset - end; // negative when spans overlap
    if (sameTable && gap <= maxGap && sEnd - start <= limit) {
      used += Math.max(0, sEnd - Math.max(end, s.offset));
      end = Math.max(end, sEnd);
    } else {
      flush();
      if (!sameTable) {
        const registers = isRegisterTable(s.table);
        limit = registers ? maxRegisters : maxBits;
        maxGap = registers ? Math.floor(costBytes / 2) : costBytes * 8;
      }
      if (s.span > limit) {
        throw new RangeError(`a span of ${s.span} at ${s.table} ${s.offset} exceeds the per-request limit ${limit}`);
      }
      table = s.table;
      start = s.offset;
      end = sEnd;
      used = s.span;
    }
    blockOf[i] = blocks.length; // the index the current block will get when flushed
  }
  flush();
  return { blocks, blockOf };
}
