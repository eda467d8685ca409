import { For, Show } from 'solid-js';
import type { GroupStatus } from '../lib/schemas/status.js';
import { GroupRow, type GroupAction } from './GroupRow.js';

export interface GroupTableProps {
  readonly names: readonly string[];
  readonly groups: Readonly<Record<string, GroupStatus>>;
  readonly now: number;
  readonly busy: Readonly<Record<string, GroupAction>>;
  readonly onAction: (group: string, action: GroupAction) => void;
}

/** Every polling group; rows are keyed by name, so updates never rebuild the table. */
export function GroupTable(props: GroupTableProps) {
  return (
    <table class="grid groups-table" aria-label="Polling groups">
      <colgroup>
        <col />
        <col style={{ width: '7.5rem' }} />
        <col style={{ width: '8.5rem' }} />
        <col style={{ width: '6.5rem' }} />
        <col style={{ width: '6.5rem' }} />
        <col style={{ width: '7rem' }} />
        <col style={{ width: '6.5rem' }} />
        <col style={{ width: '5.5rem' }} />
        <col style={{ width: '5.5rem' }} />
        <col style={{ width: '14.5rem' }} />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Group</th>
          <th scope="col">Mode</th>
          <th scope="col">State</th>
          <th scope="col" class="right">
            Interval
          </th>
          <th scope="col" class="right">
            Last poll
          </th>
          <th scope="col" class="right">
            Duration
          </th>
          <th scope="col" class="right">
            Polls OK
          </th>
          <th scope="col" class="right">
            Errors
          </th>
          <th scope="col" class="right">
            Success
          </th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.names}>
          {(name) => (
            <Show when={props.groups[name]}>
              {(group) => <GroupRow group={group()} now={props.now} busy={props.busy[name] ?? null} onAction={(a) => props.onAction(name, a)} />}
            </Show>
          )}
        </For>
      </tbody>
    </table>
  );
}
