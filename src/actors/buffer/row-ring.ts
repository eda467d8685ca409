import type { PollBatch } from '../../io/types.js';
import type { RowBatch } from '../../io/sink/rows.js';

/**
 * A bounded FIFO of rows in preallocated column arrays (10,000 rows ~ 210 KB plus strings).
 * When full, the oldest rows are dropped and counted: the newest data is the most useful
 * after an outage, and the drop is visible in the metrics, never silent.
 */
export class RowRing {
  private readonly tagIds: Int32Array;
  private readonly ts: Float64Array;
  private readonly values: Float64Array;
  private readonly quality: Uint8Array;
  private readonly texts: (string | null)[];
  private head = 0;
  private count = 0;
  /** Rows holding a string right now; lets take() skip the text column when zero. */
  private textRows = 0;

  /** Rows ever accepted, ever taken, and dropped because the ring was full. */
  produced = 0;
  taken = 0;
  dropped = 0;

  constructor(readonly capacity: number) {
    this.tagIds = new Int32Array(capacity);
    this.ts = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.quality = new Uint8Array(capacity);
    this.texts = new Array<string | null>(capacity).fill(null);
  }

  get size(): number {
    return this.count;
  }

  push(batch: PollBatch): void {
    const n = batch.tagIds.length;
    const cap = this.capacity;
    const texts = batch.texts;
    for (let i = 0; i < n; i++) {
      if (this.count === cap) this.dropOldest();
      const at = (this.head + this.count) % cap;
      this.tagIds[at] = batch.tagIds[i]!;
      this.ts[at] = batch.ts;
      this.values[at] = batch.values[i]!;
      this.quality[at] = batch.quality[i]!;
      const text = texts ? (texts[i] ?? null) : null;
      this.texts[at] = text;
      if (text !== null) this.textRows++;
      this.count++;
    }
    this.produced += n;
  }

  /** Remove up to `max` of the oldest rows and return them as a batch (copied). */
  take(max: number): RowBatch | null {
    const n = Math.min(max, this.count);
    if (n === 0) return null;
    const tagIds = new Int32Array(n);
    const ts = new Float64Array(n);
    const values = new Float64Array(n);
    const quality = new Uint8Array(n);
    const texts: (string | null)[] | null = this.textRows > 0 ? new Array<string | null>(n) : null;
    const first = Math.min(n, this.capacity - this.head);
    this.copyOut(this.head, 0, first, tagIds, ts, values, quality, texts);
    if (first < n) this.copyOut(0, first, n - first, tagIds, ts, values, quality, texts);
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
    this.taken += n;
    if (this.count === 0) this.textRows = 0;
    return { length: n, tagIds, ts, values, quality, texts };
  }

  private copyOut(from: number, to: number, n: number, tagIds: Int32Array, ts: Float64Array, values: Float64Array, quality: Uint8Array, texts: (string | null)[] | null): void {
    tagIds.set(this.tagIds.subarray(from, from + n), to);
    ts.set(this.ts.subarray(from, from + n), to);
    values.set(this.values.subarray(from, from + n), to);
    quality.set(this.quality.subarray(from, from + n), to);
    if (texts) {
      for (let i = 0; i < n; i++) {
        const text = this.texts[from + i]!;
        texts[to + i] = text;
        if (text !== null) {
          this.texts[from + i] = null;
          this.textRows--;
        }
      }
    }
  }

  private dropOldest(): void {
    if (this.texts[this.head] !== null) {
      this.texts[this.head] = null;
      this.textRows--;
    }
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    this.dropped++;
  }
}
