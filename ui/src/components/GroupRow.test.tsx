import { fireEvent, render } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { syntheticGroup } from '../test-support/synthetic.js';
import type { GroupStatus } from '../lib/schemas/status.js';
import { GroupRow, type GroupAction } from './GroupRow.js';

function renderRow(group: GroupStatus, busy: GroupAction | null = null) {
  const actions: GroupAction[] = [];
  const r = render(() => (
    <table>
      <tbody>
        <GroupRow group={group} now={Date.parse(group.lastPollAt ?? '') + 1500} busy={busy} onAction={(a) => actions.push(a)} />
      </tbody>
    </table>
  ));
  return { ...r, actions };
}

describe('GroupRow', () => {
  it('offers Trigger only on a HANDSHAKE group', () => {
    const fixed = renderRow({ ...syntheticGroup(1), mode: 'FIXED' });
    expect(fixed.queryByRole('button', { name: /Trigger/ })).toBeNull();
    fixed.unmount();
    const hs = renderRow({ ...syntheticGroup(9), mode: 'HANDSHAKE', name: 'batch' });
    expect(hs.getByRole('button', { name: 'Trigger one poll of group batch' })).toBeTruthy();
  });

  it('enables Stop (and Trigger) on a running group, Start on an idle one', () => {
    const running = renderRow({ ...syntheticGroup(9), name: 'g', state: 'polling' });
    expect(running.getByRole('button', { name: 'Start group g' }).hasAttribute('disabled')).toBe(true);
    expect(running.getByRole('button', { name: 'Stop group g' }).hasAttribute('disabled')).toBe(false);
    expect(running.getByRole('button', { name: /Trigger/ }).hasAttribute('disabled')).toBe(false);
    running.unmount();
    const idle = renderRow({ ...syntheticGroup(9), name: 'g', state: 'idle' });
    expect(idle.getByRole('button', { name: 'Start group g' }).hasAttribute('disabled')).toBe(false);
    expect(idle.getByRole('button', { name: 'Stop group g' }).hasAttribute('disabled')).toBe(true);
    expect(idle.getByRole('button', { name: /Trigger/ }).hasAttribute('disabled')).toBe(true);
  });

  it('reports the clicked action, and disables its buttons while one is waiting for the server', () => {
    const r = renderRow({ ...syntheticGroup(9), name: 'g', state: 'polling' });
    fireEvent.click(r.getByRole('button', { name: 'Stop group g' }));
    fireEvent.click(r.getByRole('button', { name: /Trigger/ }));
    expect(r.actions).toEqual(['stop', 'trigger']);
    r.unmount();
    const busy = renderRow({ ...syntheticGroup(9), name: 'g', state: 'polling' }, 'trigger');
    expect(busy.getByRole('button', { name: /Trigger/ }).getAttribute('aria-busy')).toBe('true');
    expect(busy.getByRole('button', { name: 'Stop group g' }).hasAttribute('disabled')).toBe(true);
  });

  it('shows counters, duration, interval and success rate with their units', () => {
    const g = { ...syntheticGroup(1), counters: { pollsOk: 12_345, errors: 2, skippedSlots: 0, triggersAccepted: 0, triggersIgnored: 0 }, lastDurationMs: 1.26, successRate: 0.99984, intervalMs: 500 };
    const { container } = renderRow(g);
    const text = container.textContent ?? '';
    expect(container.querySelector('[data-testid=polls-ok]')?.textContent).toBe((12_345).toLocaleString());
    expect(text).toContain('500 ms');
    expect(text).toContain('1.3 ms');
    expect(text).toMatch(/99\.9 %/);
    expect(text).toMatch(/1\.5 s ago/);
  });

  it('shows the last error in place of the device line (same row height)', () => {
    const { container } = renderRow({ ...syntheticGroup(7), lastError: 'timeout after 2000 ms' });
    expect(container.querySelector('.group-cell .sub.error-text')?.textContent).toBe('timeout after 2000 ms');
  });

  it('shows a lastError from before the last poll as history with its age, not as the current fault (issue 12)', () => {
    const g = syntheticGroup(7);
    const pollAt = Date.parse(g.lastPollAt!);
    const { container, getByTestId } = renderRow({ ...g, state: 'polling', lastError: 'timeout after 2000 ms', lastErrorAt: new Date(pollAt - 60_000).toISOString() });
    expect(container.querySelector('.group-cell .sub.error-text')).toBeNull();
    expect(getByTestId('past-error').textContent).toBe(' · last error 1 min ago');
    expect(getByTestId('past-error').getAttribute('title')).toBe('timeout after 2000 ms');
  });

  it('counts refused addresses on the device line, the reason in its tooltip', () => {
    const lastTagError = { tag: 'w10000', address: 'HR10000', error: 'exception 2 ILLEGAL DATA ADDRESS', since: '2026-12-03T09:00:00Z' };
    const { getByTestId } = renderRow({ ...syntheticGroup(1), tagErrors: 5, lastTagError });
    expect(getByTestId('tag-errors').textContent).toBe('5 refused');
    expect(getByTestId('tag-errors').getAttribute('title')).toBe('w10000 (HR10000): exception 2 ILLEGAL DATA ADDRESS');
  });

  it('updates its cells in place when the status changes', () => {
    const [g, setG] = createSignal<GroupStatus>({ ...syntheticGroup(1), state: 'polling' });
    const { container } = render(() => (
      <table>
        <tbody>
          <GroupRow group={g()} now={0} busy={null} onAction={() => undefined} />
        </tbody>
      </table>
    ));
    const cell = container.querySelector('[data-testid=polls-ok]');
    setG({ ...g(), counters: { ...g().counters, pollsOk: 5 } });
    expect(container.querySelector('[data-testid=polls-ok]')).toBe(cell);
    expect(cell?.textContent).toBe('5');
  });
});
