import { Show } from 'solid-js';
import type { EngineStatus } from '../lib/schemas/status.js';
import { StatePill } from './StatePill.js';

export interface EngineSummaryProps {
  readonly engine: EngineStatus | null;
  /** Groups by state, for the at-a-glance line. */
  readonly counts: Readonly<Record<string, number>>;
}

/** The engine in one line: ready or not, how many groups run, how many are in trouble. */
export function EngineSummary(props: EngineSummaryProps) {
  const trouble = () => (props.counts.error ?? 0) + (props.counts.backoff ?? 0) + (props.counts.restarting ?? 0);
  return (
    <Show when={props.engine}>
      {(e) => (
        <div class="engine-summary num" aria-label="Engine summary">
          <StatePill tone={e().ready ? 'ok' : 'warn'} text={e().ready ? 'engine ready' : 'not ready'} />
          <span>
            <strong>{e().runningGroups}</strong> of {e().groups} groups running <span class="muted">(max {e().maxConcurrentGroups} at once)</span>
          </span>
          <Show when={trouble() > 0}>
            <span class="error-text">
              <strong>{trouble()}</strong> in error or backoff
            </span>
          </Show>
        </div>
      )}
    </Show>
  );
}
