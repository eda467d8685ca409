import type { Clock } from '../../clock.js';

/**
 * Write metrics over a sliding window: latency (avg, p95) of the last 256 batches and
 * rows/s over the last 10 s. Fixed-size arrays: no growth however long the collector runs.
 */
const LATENCY_SAMPLES = 256;
const RATE_WINDOW_MS = 10_000;
const RATE_SLOTS = 10;

export class WriteStats {
  batches = 0;
  failures = 0;
  private readonly latencies = new Float64Array(LATENCY_SAMPLES);
  private latencyCount = 0;
  private readonly slotRows = new Float64Array(RATE_SLOTS);
  private readonly slotStart = new Float64Array(RATE_SLOTS);
  private readonly startedAt: number;

  constructor(private readonly clock: Clock) {
    this.startedAt = clock.now();
  }

  written(rows: number, latencyMs: number): void {
    this.batches++;
    this.latencies[this.latencyCount++ % LATENCY_SAMPLES] = latencyMs;
    const now = this.clock.now();
    const slotMs = RATE_WINDOW_MS / RATE_SLOTS;
    const slot = Math.floor(now / slotMs) % RATE_SLOTS;
    const start = Math.floor(now / slotMs) * slotMs;
    if (this.slotStart[slot] !== start) {
      this.slotStart[slot] = start;
      this.slotRows[slot] = 0;
    }
    this.slotRows[slot] = this.slotRows[slot]! + rows;
  }

  failed(): void {
    this.failures++;
  }

  latency(): { avg: number; p95: number } {
    const n = Math.min(this.latencyCount, LATENCY_SAMPLES);
    if (n === 0) return { avg: 0, p95: 0 };
    const sorted = Array.from(this.latencies.subarray(0, n)).sort((a, b) => a - b);
    const avg = sorted.reduce((s, v) => s + v, 0) / n;
    return { avg: round(avg), p95: round(sorted[Math.min(n - 1, Math.ceil(n * 0.95) - 1)]!) };
  }

  rowsPerSecond(): number {
    const now = this.clock.now();
    let rows = 0;
    for (let i = 0; i < RATE_SLOTS; i++) if (now - this.slotStart[i]! < RATE_WINDOW_MS) rows += this.slotRows[i]!;
    const window = Math.min(RATE_WINDOW_MS, Math.max(1, now - this.startedAt));
    return Math.round((rows * 1000) / window);
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
