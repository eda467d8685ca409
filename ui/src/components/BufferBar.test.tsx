import { render } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { BufferBar } from './BufferBar.js';

describe('BufferBar', () => {
  it('is a meter with the fill, coloured by threshold', () => {
    const [size, setSize] = createSignal(6_900);
    const { container, getByRole } = render(() => <BufferBar size={size()} capacity={10_000} />);
    const bar = container.querySelector('.buffer-bar')!;
    const meter = getByRole('meter', { name: 'Buffer fill' });
    expect(bar.getAttribute('data-level')).toBe('ok');
    expect(meter.getAttribute('aria-valuenow')).toBe('6900');
    expect(meter.getAttribute('aria-valuemax')).toBe('10000');
    expect(meter.getAttribute('aria-valuetext')).toContain('69.0 %');

    setSize(7_000);
    expect(bar.getAttribute('data-level')).toBe('warn');
    setSize(9_000);
    expect(bar.getAttribute('data-level')).toBe('crit');
    expect(container.querySelector<HTMLElement>('.buffer-fill')!.style.width).toBe('90%');
  });

  it('marks the 70 % and 90 % thresholds on the track', () => {
    const { container } = render(() => <BufferBar size={0} capacity={10_000} />);
    const marks = [...container.querySelectorAll<HTMLElement>('.buffer-mark')].map((m) => m.style.left);
    expect(marks).toEqual(['70%', '90%']);
  });

  it('keeps the same DOM while the fill changes (no layout rebuild)', () => {
    const [size, setSize] = createSignal(10);
    const { container } = render(() => <BufferBar size={size()} capacity={100} />);
    const fill = container.querySelector('.buffer-fill');
    const text = container.querySelector('.buffer-text');
    setSize(95);
    expect(container.querySelector('.buffer-fill')).toBe(fill);
    expect(container.querySelector('.buffer-text')).toBe(text);
    expect(text!.textContent).toContain('95');
  });
});
