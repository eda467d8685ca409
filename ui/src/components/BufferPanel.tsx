import { Show } from 'solid-js';
import { formatBytes, formatCount, formatDuration, formatRate } from '../lib/format.js';
import { healthTone } from '../lib/levels.js';
import type { BufferStatus, WriterMetrics } from '../lib/schemas/status.js';
import { BufferBar } from './BufferBar.js';
import { Metric } from './Metric.js';
import { StatePill } from './StatePill.js';

export interface BufferPanelProps {
  readonly buffer: BufferStatus | null;
  readonly writer: WriterMetrics | undefined;
  readonly writerError: string | null;
}

/**
 * Where the values go: the buffer's fill, and beside it what became of every row (written to the
 * database, spooled to disk while it was down, dropped by overflow) and the write rate.
 * Nothing is lost silently: a dropped row shows here in red.
 */
export function BufferPanel(props: BufferPanelProps) {
  const delivery = () => props.writer?.delivery;
  return (
    <section class="card buffer-panel" aria-label="Buffer and writer">
      <header>
        <h2>Buffer</h2>
        <Show when={props.buffer}>{(b) => <span class="muted">state: {b().state}</span>}</Show>
        <span class="spacer" />
        <Show when={delivery()}>
          {(d) => (
            <span class="sink">
              <span class="muted">Sink</span> <strong>{d().sink}</strong> <StatePill tone={healthTone(d().health)} text={d().health} compact />
            </span>
          )}
        </Show>
      </header>
      <div class="body">
        <Show when={props.buffer} fallback={<div class="muted">Waiting for the buffer status…</div>}>
          {(b) => (
            <>
              <BufferBar size={b().size} capacity={b().capacity} />
              <div class="metrics">
                {/* buffer.written counts rows that left the buffer, spooled ones too: the database's own count is the delivery's. */}
                <Metric
                  label="Written"
                  value={formatCount(delivery()?.rowsWritten ?? b().written)}
                  title={delivery() ? 'Rows the database committed as they came (spooled rows are under Spooled, then Replayed)' : 'Rows that left the buffer'}
                />
                <Metric
                  label="Spooled"
                  value={delivery() ? formatCount(delivery()!.spooledRows) : '—'}
                  tone={(delivery()?.spooledRows ?? 0) > 0 ? 'warn' : undefined}
                  title="Rows saved to the disk spool while the database was unavailable (replayed later)"
                />
                <Metric label="Replayed" value={delivery() ? formatCount(delivery()!.replayedRows) : '—'} title="Spooled rows written to the database afterwards" />
                <Metric label="Dropped" value={formatCount(b().dropped)} tone={b().dropped > 0 ? 'bad' : undefined} title="Rows lost because the buffer was full (oldest first)" />
                <Metric label="Rate" value={formatRate(b().rowsPerSecond, 'rows')} />
                <Metric label="Write p95" value={formatDuration(b().writeLatencyMs.p95)} title={`average ${formatDuration(b().writeLatencyMs.avg)}`} />
                <Show when={(delivery()?.spoolDroppedRows ?? 0) > 0}>
                  <Metric label="Spool dropped" value={formatCount(delivery()!.spoolDroppedRows ?? 0)} tone="bad" title="Spooled rows deleted by the spool size cap (collector.spoolMaxBytes), oldest first" />
                </Show>
                <Show when={(delivery()?.spoolPending.files ?? 0) > 0}>
                  <Metric label="Spool pending" value={`${formatCount(delivery()!.spoolPending.files)} files, ${formatBytes(delivery()!.spoolPending.bytes)}`} tone="warn" />
                </Show>
              </div>
              <Show when={b().lastError ?? delivery()?.lastError?.message ?? props.writerError}>
                {(e) => <div class="error-text buffer-error">Last write error: {e()}</div>}
              </Show>
            </>
          )}
        </Show>
      </div>
    </section>
  );
}
