import { Show } from 'solid-js';
import { formatAge, formatClock } from '../lib/format.js';
import type { StreamState } from '../lib/sse-client.js';

export interface StatusBannerProps {
  readonly stream: StreamState;
  /** The stream has delivered data at least once (false: the panel is still starting). */
  readonly everConnected: boolean;
  readonly engineReady: boolean | null;
  readonly protocolError: string | null;
  readonly now: number;
  readonly onRetry: () => void;
  /** The server protects reads (server.protectReads): ask for the token. */
  readonly onEnterToken: () => void;
}

/**
 * What is wrong with what the operator sees, above everything else: the link to the collector
 * is down (values are old: how old, and when the next attempt is), the engine is not ready, or
 * the server speaks a version this panel does not understand.
 */
export function StatusBanner(props: StatusBannerProps) {
  const down = () => props.stream.status !== 'open' && props.stream.status !== 'stopped';
  const retryIn = () => (props.stream.retryAt === null ? null : Math.max(0, Math.ceil((props.stream.retryAt - props.now) / 1000)));
  return (
    <>
      <Show when={down() && !props.everConnected}>
        <div class="banner tone-info" role="status">
          <strong>Connecting to the collector…</strong>
          <Show when={props.stream.lastError}>
            <span class="banner-detail">{props.stream.lastError}</span>
          </Show>
          <Show when={props.stream.status === 'unauthorized'}>
            <button type="button" class="btn small primary" onClick={() => props.onEnterToken()}>
              Enter token
            </button>
          </Show>
          <Show when={props.stream.attempt > 0 && props.stream.status !== 'unauthorized'}>
            <button type="button" class="btn small" onClick={() => props.onRetry()}>
              Retry now
            </button>
          </Show>
        </div>
      </Show>
      <Show when={down() && props.everConnected}>
        <div class="banner tone-bad" role="alert">
          <strong>{props.stream.status === 'unauthorized' ? 'The collector wants the API token for live data.' : 'Connection to the collector lost.'}</strong>
          <span class="banner-detail num">
            Since {formatClock(props.stream.since)} ({formatAge(props.stream.since, props.now)}): values on screen are from then, not live.
            <Show when={props.stream.status === 'waiting' && retryIn() !== null}> Next attempt in {retryIn()} s (attempt {props.stream.attempt + 1}).</Show>
            <Show when={props.stream.status === 'connecting'}> Connecting…</Show>
          </span>
          <Show when={props.stream.lastError}>
            <span class="banner-detail faint">{props.stream.lastError}</span>
          </Show>
          <Show
            when={props.stream.status === 'unauthorized'}
            fallback={
              <button type="button" class="btn small" onClick={() => props.onRetry()}>
                Retry now
              </button>
            }
          >
            <button type="button" class="btn small primary" onClick={() => props.onEnterToken()}>
              Enter token
            </button>
          </Show>
        </div>
      </Show>
      <Show when={!down() && props.engineReady === false}>
        <div class="banner tone-warn" role="status">
          <strong>The engine is not ready</strong>
          <span class="banner-detail">The collector is starting or stopping; controls answer again in a moment.</span>
        </div>
      </Show>
      <Show when={props.protocolError}>
        <div class="banner tone-warn" role="status">
          <strong>Unexpected data from the server</strong>
          <span class="banner-detail mono">{props.protocolError}</span>
          <span class="banner-detail">The panel and the collector may be different versions: reload the page.</span>
        </div>
      </Show>
    </>
  );
}
