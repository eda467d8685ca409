import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppServices } from '../app-services.js';
import type { GroupStatus } from '../actors/status.js';
import type { DeliveryMetrics } from '../io/sink/delivery/metrics.js';
import { logStats } from '../log.js';
import type { Streams } from './sse/streams.js';

/**
 * GET /metrics (Prometheus text format). A private Registry per app instance: no global state,
 * so two apps (or two tests) never share or double-register a metric. Counters mirror the
 * collector's own totals at scrape time (set, not incremented here); the poll duration histogram
 * is fed by the collector's onPoll hook after each completed read.
 */
export class PlantMetrics {
  readonly registry = new Registry();
  private scrape: ReturnType<PlantMetrics['read']> | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly services: AppServices,
    private readonly streams: Streams,
  ) {
    // Every series carries the collector's name: many collectors scraped into one Prometheus.
    this.registry.setDefaultLabels({ collector: services.collectorName });
    const r = [this.registry];
    const state = () => (this.scrape ??= this.read());
    const perGroup = (name: string, help: string, value: (g: GroupStatus) => number) =>
      new Counter({ name, help, labelNames: ['group'], registers: r, collect() {
        this.reset();
        for (const g of state().groups) this.inc({ group: g.name }, value(g));
      } });

    new Gauge({ name: 'jsscada_engine_ready', help: '1 when the engine runs', registers: r, collect() { this.set(services.collector.ready ? 1 : 0); } });
    new Counter({ name: 'jsscada_polls_total', help: 'Polls by group and result', labelNames: ['group', 'result'], registers: r, collect() {
      this.reset();
      for (const g of state().groups) {
        this.inc({ group: g.name, result: 'ok' }, g.counters.pollsOk);
        this.inc({ group: g.name, result: 'error' }, g.counters.errors);
      }
    } });
    perGroup('jsscada_poll_skipped_slots_total', 'FIXED groups: slots skipped because a poll overran', (g) => g.counters.skippedSlots);
    perGroup('jsscada_group_crashes_total', 'Group actor crashes (each restarted with backoff)', (g) => g.crashes);
    new Gauge({ name: 'jsscada_poll_last_duration_seconds', help: 'Duration of the last poll', labelNames: ['group'], registers: r, collect() {
      this.reset();
      for (const g of state().groups) if (g.lastDurationMs !== null) this.set({ group: g.name }, g.lastDurationMs / 1000);
    } });
    new Gauge({ name: 'jsscada_groups', help: 'Polling groups by state', labelNames: ['state'], registers: r, collect() {
      this.reset();
      for (const s of ['idle', 'polling', 'error', 'backoff', 'restarting']) this.set({ state: s }, state().groups.filter((g) => g.state === s).length);
    } });
    new Gauge({ name: 'jsscada_devices', help: 'Devices by connection state', labelNames: ['state'], registers: r, collect() {
      this.reset();
      for (const s of ['ONLINE', 'OFFLINE', 'ERROR', 'UNKNOWN']) this.set({ state: s }, state().devices.filter((d) => d.status === s).length);
    } });
    new Gauge({ name: 'jsscada_device_queue_depth', help: 'Requests waiting or running on a device connection', labelNames: ['device'], registers: r, collect() {
      this.reset();
      for (const d of state().devices) this.set({ device: d.name }, d.queueDepth);
    } });
    const buffer = (name: string, help: string, value: (b: ReturnType<PlantMetrics['read']>['buffer']) => number, kind: 'gauge' | 'counter') =>
      kind === 'gauge'
        ? new Gauge({ name, help, registers: r, collect() { this.set(value(state().buffer)); } })
        : new Counter({ name, help, registers: r, collect() { this.reset(); this.inc(value(state().buffer)); } });
    buffer('jsscada_buffer_rows', 'Rows waiting in the buffer', (b) => b.size, 'gauge');
    buffer('jsscada_buffer_capacity_rows', 'Buffer capacity', (b) => b.capacity, 'gauge');
    buffer('jsscada_buffer_in_flight_rows', 'Rows taken by a write not yet committed', (b) => b.inFlight, 'gauge');
    buffer('jsscada_buffer_produced_rows_total', 'Rows handed to the buffer', (b) => b.produced, 'counter');
    // Rows that left the buffer went to the sink OR to the spool: not "written" (it was named so,
    // and counted spooled rows as committed). Committed rows are jsscada_sink_committed_rows_total.
    buffer('jsscada_buffer_delivered_rows_total', 'Rows handed off by the buffer: committed by the sink or spooled to disk', (b) => b.written, 'counter');
    buffer('jsscada_buffer_dropped_rows_total', 'Rows dropped by buffer overflow', (b) => b.dropped, 'counter');
    buffer('jsscada_writer_batches_total', 'Batches handed off by the buffer (committed or spooled)', (b) => b.batches, 'counter');
    buffer('jsscada_writer_failed_writes_total', 'Writes that failed (the batch is retried)', (b) => b.failedWrites, 'counter');
    buffer('jsscada_writer_rows_per_second', 'Rows written per second (10 s window)', (b) => b.rowsPerSecond, 'gauge');
    new Gauge({ name: 'jsscada_writer_latency_seconds', help: 'Write latency over the last 256 batches', labelNames: ['stat'], registers: r, collect() {
      const l = state().buffer.writeLatencyMs;
      this.set({ stat: 'avg' }, l.avg / 1000);
      this.set({ stat: 'p95' }, l.p95 / 1000);
    } });
    this.sinkSeries(r, () => state().delivery);
    new Counter({ name: 'jsscada_log_dropped_lines_total', help: 'Log lines that did not reach the log file (its destination failed; they went to stderr)', registers: r, collect() {
      this.reset();
      this.inc(logStats().droppedLines);
    } });
    new Gauge({ name: 'jsscada_sse_clients', help: 'Live stream clients', labelNames: ['stream'], registers: r, collect() {
      for (const [name, s] of Object.entries(streams.stats())) this.set({ stream: name }, s.clients);
    } });
    new Counter({ name: 'jsscada_sse_dropped_frames_total', help: 'Frames dropped for slow stream clients (newest kept)', labelNames: ['stream'], registers: r, collect() {
      this.reset();
      for (const [name, s] of Object.entries(streams.stats())) this.inc({ stream: name }, s.dropped);
    } });
    new Gauge({ name: 'jsscada_process_resident_memory_bytes', help: 'Resident set size', registers: r, collect() { this.set(process.memoryUsage.rss()); } });
    new Gauge({ name: 'jsscada_process_heap_used_bytes', help: 'V8 heap in use', registers: r, collect() { this.set(process.memoryUsage().heapUsed); } });

    const durations = new Histogram({
      name: 'jsscada_poll_duration_seconds',
      help: 'Poll duration (read of a group, request to values)',
      labelNames: ['group'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    });
    // Fed by the collector after each read: no inspection subscription, which would make the
    // inspection hub do its full work on every snapshot even with no inspector open.
    this.unsubscribe = services.collector.onPoll((group, durationMs) => durations.observe({ group }, durationMs / 1000));
  }

  private read() {
    const c = this.services.collector;
    return { groups: c.groupStatuses(), devices: c.devices(), buffer: c.buffer.status(), delivery: this.services.delivery?.metrics() ?? null };
  }

  /** The sink's delivery: health, committed rows apart from spooled ones, and the spool. */
  private sinkSeries(r: Registry[], delivery: () => DeliveryMetrics | null): void {
    const gauge = (name: string, help: string, value: (d: DeliveryMetrics) => number) =>
      new Gauge({ name, help, labelNames: ['sink'], registers: r, collect() {
        this.reset();
        const d = delivery();
        if (d) this.set({ sink: d.sink }, value(d));
      } });
    const counter = (name: string, help: string, value: (d: DeliveryMetrics) => number) =>
      new Counter({ name, help, labelNames: ['sink'], registers: r, collect() {
        this.reset();
        const d = delivery();
        if (d) this.inc({ sink: d.sink }, value(d));
      } });
    new Gauge({ name: 'jsscada_sink_health', help: 'Sink health: 1 for the current state (ok, degraded = retrying or replaying, down = rows go to the spool)', labelNames: ['sink', 'state'], registers: r, collect() {
      this.reset();
      const d = delivery();
      if (d) for (const s of ['ok', 'degraded', 'down', 'unknown'] as const) this.set({ sink: d.sink, state: s }, d.health === s ? 1 : 0);
    } });
    counter('jsscada_sink_committed_rows_total', 'Rows of live batches the sink committed (spooled rows are not counted here)', (d) => d.rowsWritten);
    counter('jsscada_sink_inserted_rows_total', 'Rows new to the database, live and replayed (duplicates of the natural key and rejects not counted)', (d) => d.rowsInserted);
    counter('jsscada_sink_rejected_rows_total', 'Rows the database refused one by one (in DIR/rejects)', (d) => d.rejectedRows);
    counter('jsscada_sink_retries_total', 'Write attempts after a failed one', (d) => d.retries);
    counter('jsscada_spool_spooled_rows_total', 'Rows appended to the CSV spool because the sink was down', (d) => d.spooledRows);
    counter('jsscada_spool_replayed_rows_total', 'Spooled rows read back and committed', (d) => d.replayedRows);
    counter('jsscada_spool_dropped_rows_total', 'Spooled rows deleted by the spool size cap (oldest files first)', (d) => d.spoolDroppedRows);
    counter('jsscada_spool_write_failures_total', 'Spool appends that failed (disk full, read-only): the buffer kept those rows', (d) => d.spoolFailures);
    gauge('jsscada_spool_rows', 'Rows waiting in the spool', (d) => d.spoolRows);
    gauge('jsscada_spool_bytes', 'Bytes of the spool files', (d) => d.spoolPending.bytes);
    gauge('jsscada_spool_files', 'Spool files waiting to be replayed', (d) => d.spoolPending.files);
    gauge('jsscada_spool_max_bytes', 'The spool size cap (collector.spoolMaxBytes)', (d) => d.spoolMaxBytes);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    this.scrape = null; // one consistent reading of the collector per scrape
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.scrape = null;
    }
  }

  close(): void {
    this.unsubscribe();
    this.registry.clear();
  }
}
