import { Show } from 'solid-js';
import { formatAge, formatCount, formatDuration, formatInterval, formatPercent, toMs } from '../lib/format.js';
import { shortError } from '../lib/error-text.js';
import { groupStateTone } from '../lib/levels.js';
import type { GroupStatus } from '../lib/schemas/status.js';
import { StatePill } from './StatePill.js';

export type GroupAction = 'start' | 'stop' | 'trigger';

export interface GroupRowProps {
  readonly group: GroupStatus;
  readonly now: number;
  /** The action waiting for the server's answer, if any. */
  readonly busy: GroupAction | null;
  readonly onAction: (action: GroupAction) => void;
}

/**
 * One polling group. The row is built once; each cell follows its own field, so a counter that
 * moves updates one text node. Two lines per row always (name, then device or the last error):
 * an error appearing does not change the row's height.
 */
export function GroupRow(props: GroupRowProps) {
  const running = () => props.group.state !== 'idle';
  const handshake = () => props.group.mode === 'HANDSHAKE';
  const lastPoll = () => toMs(props.group.lastPollAt);
  const rate = () => props.group.successRate;
  // The server keeps lastError after a recovery: older than the last poll, it is history (shown
  // muted with its age on the device line), not the group's current fault.
  const pastErrorAt = () => {
    const at = toMs(props.group.lastErrorAt ?? null);
    const poll = lastPoll();
    return props.group.lastError !== null && at !== null && poll !== null && at < poll ? at : null;
  };
  const currentError = () => props.group.lastCrash ?? (pastErrorAt() === null ? props.group.lastError : null);
  const tagErrors = () => props.group.tagErrors ?? 0;
  const rateTone = () => {
    const r = rate();
    if (r === null) return '';
    return r >= 0.999 ? '' : r >= 0.95 ? 'warn-text' : 'error-text';
  };
  return (
    <tr data-group={props.group.name} data-state={props.group.state}>
      <td class="group-cell">
        <div class="group-name" title={props.group.name}>
          {props.group.name}
        </div>
        <Show
          when={currentError()}
          fallback={
            <div class="sub muted" title={`${props.group.device} · ${props.group.tagCount} tags · ${props.group.requestsPerPoll} req/poll`}>
              {props.group.device} · {props.group.tagCount} tags · {props.group.requestsPerPoll} req/poll
              <Show when={tagErrors() > 0}>
                {' · '}
                <span class="warn-text" data-testid="tag-errors" title={props.group.lastTagError ? `${props.group.lastTagError.tag} (${props.group.lastTagError.address}): ${props.group.lastTagError.error}` : ''}>
                  {formatCount(tagErrors())} refused
                </span>
              </Show>
              <Show when={pastErrorAt()}>
                {(at) => (
                  <span data-testid="past-error" title={props.group.lastError ?? ''}>
                    {' · '}last error {formatAge(at(), props.now)}
                  </span>
                )}
              </Show>
            </div>
          }
        >
          {(err) => (
            <div class="sub error-text" title={err()}>
              {shortError(err())}
            </div>
          )}
        </Show>
      </td>
      <td>
        <div>{handshake() ? 'Handshake' : 'Fixed'}</div>
        <Show when={handshake()} fallback={<div class="sub muted num">{props.group.counters.skippedSlots > 0 ? `${formatCount(props.group.counters.skippedSlots)} skipped` : ' '}</div>}>
          <div class="sub muted num" title={`${formatCount(props.group.counters.triggersIgnored)} triggers ignored`}>
            <span data-testid="triggers">{formatCount(props.group.counters.triggersAccepted)}</span> {props.group.counters.triggersAccepted === 1 ? 'trigger' : 'triggers'}
          </div>
        </Show>
      </td>
      <td>
        <StatePill tone={groupStateTone(props.group.state)} text={props.group.state} />
      </td>
      <td class="right num">{handshake() ? 'on trigger' : formatInterval(props.group.intervalMs)}</td>
      <td class="right num" title={props.group.lastPollAt ?? 'never'}>
        {formatAge(lastPoll(), props.now)}
      </td>
      <td class="right num">{formatDuration(props.group.lastDurationMs)}</td>
      <td class="right num" data-testid="polls-ok">
        {formatCount(props.group.counters.pollsOk)}
      </td>
      <td class="right num" classList={{ 'error-text': props.group.counters.errors > 0 }} data-testid="errors">
        {formatCount(props.group.counters.errors)}
      </td>
      <td class={`right num ${rateTone()}`}>{formatPercent(rate())}</td>
      <td>
        <div class="actions">
        <button
          type="button"
          class="btn go small"
          disabled={running() || props.busy !== null}
          aria-busy={props.busy === 'start'}
          aria-label={`Start group ${props.group.name}`}
          onClick={() => props.onAction('start')}
        >
          Start
        </button>
        <button
          type="button"
          class="btn stop small"
          disabled={!running() || props.busy !== null}
          aria-busy={props.busy === 'stop'}
          aria-label={`Stop group ${props.group.name}`}
          onClick={() => props.onAction('stop')}
        >
          Stop
        </button>
        <Show when={handshake()}>
          <button
            type="button"
            class="btn primary small"
            disabled={!running() || props.busy !== null}
            aria-busy={props.busy === 'trigger'}
            aria-label={`Trigger one poll of group ${props.group.name}`}
            onClick={() => props.onAction('trigger')}
          >
            Trigger
          </button>
        </Show>
        </div>
      </td>
    </tr>
  );
}
