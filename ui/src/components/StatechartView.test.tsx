import { fireEvent, render } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import definitionsJson from '../test-fixtures/definitions.json';
import { definitionsSchema, type StateValue } from '../lib/schemas/inspect.js';
import { activeLeaves, activeStateIds } from '../lib/statechart/active.js';
import { layoutStatechart } from '../lib/statechart/layout.js';
import { StatechartView } from './StatechartView.js';

const pollGroup = definitionsSchema.parse(definitionsJson).pollGroup!;
const layout = layoutStatechart(pollGroup);

describe('StatechartView', () => {
  it('highlights the active state, its ancestors and the arrows it can take, and follows a change', () => {
    const [value, setValue] = createSignal<StateValue>({ polling: 'due' });
    const active = () => activeStateIds(pollGroup, value());
    const { container } = render(() => (
      <StatechartView machine="pollGroup" layout={layout} active={active()} activeLeaves={activeLeaves(pollGroup, active())} counts={new Map([['pollGroup.polling.due', 5]])} selectedState={null} onSelectState={() => undefined} />
    ));
    const svg = container.querySelector('svg')!;
    expect(svg.getAttribute('data-active-leaf')).toBe('pollGroup.polling.due');
    expect(container.querySelector('g.state.leaf')?.getAttribute('data-state')).toBe('pollGroup.polling.due');
    expect([...container.querySelectorAll('g.state.active')].map((g) => g.getAttribute('data-state'))).toEqual(['pollGroup', 'pollGroup.polling', 'pollGroup.polling.due']);
    // group.stop from polling is possible now; group.start from idle is not.
    expect(container.querySelector('g.edge[data-edge="pollGroup.polling->pollGroup.idle"]')?.classList.contains('next')).toBe(true);
    expect(container.querySelector('g.edge[data-edge="pollGroup.idle->pollGroup.polling"]')?.classList.contains('next')).toBe(false);
    expect(container.querySelector('g[data-state="pollGroup.polling.due"] .count-badge')?.textContent).toBe('5');

    setValue('idle');
    expect(svg.getAttribute('data-active-leaf')).toBe('pollGroup.idle');
    expect(container.querySelectorAll('g.state.leaf')).toHaveLength(1);
  });

  it('lets the operator pick a state with the mouse or the keyboard', () => {
    const picked: string[] = [];
    const { container } = render(() => (
      <StatechartView machine="pollGroup" layout={layout} active={new Set()} activeLeaves={[]} counts={new Map()} selectedState={null} onSelectState={(id) => picked.push(id)} />
    ));
    const reading = container.querySelector<SVGGElement>('g[data-state="pollGroup.polling.reading"]')!;
    expect(reading.getAttribute('role')).toBe('button');
    expect(reading.getAttribute('tabindex')).toBe('0');
    fireEvent.click(reading);
    fireEvent.keyDown(container.querySelector('g[data-state="pollGroup.error"]')!, { key: 'Enter' });
    // The machine's own box is not a button.
    fireEvent.click(container.querySelector('g[data-state="pollGroup"]')!);
    expect(picked).toEqual(['pollGroup.polling.reading', 'pollGroup.error']);
  });
});
