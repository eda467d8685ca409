import { describe, expect, it } from 'vitest';
import { rowWindow } from './virtual.js';

describe('rowWindow', () => {
  it('renders the rows on screen plus a margin, and pads the rest', () => {
    // 500 rows of 30 px, a 600 px viewport scrolled to row 100.
    const w = rowWindow(3000, 600, 30, 500, 8);
    expect(w).toEqual({ start: 92, end: 129, before: 92 * 30, after: (500 - 129) * 30 });
    expect(w.before + (w.end - w.start) * 30 + w.after).toBe(500 * 30);
  });

  it('clamps at both ends', () => {
    expect(rowWindow(0, 600, 30, 500, 8)).toMatchObject({ start: 0, end: 29, before: 0 });
    const end = rowWindow(1e9, 600, 30, 500, 8);
    expect(end.end).toBe(500);
    expect(end.after).toBe(0);
    expect(rowWindow(-50, 600, 30, 10, 8)).toEqual({ start: 0, end: 10, before: 0, after: 0 });
  });

  it('renders nothing for an empty list or an unknown row height', () => {
    expect(rowWindow(0, 600, 30, 0)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
    expect(rowWindow(0, 600, 0, 10)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });
});
