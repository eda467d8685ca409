import { render } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import type { DeviceLive } from '../lib/schemas/streams.js';
import { DeviceCard } from './DeviceCard.js';

const NOW = Date.parse('2026-12-03T10:00:00Z');

function renderCard(live: DeviceLive) {
  return render(() => (
    <DeviceCard name={live.name} live={live} config={undefined} tags={[]} reading={() => undefined} alarms={0} info={new Map()} now={NOW} filter="" onlyAlarms={false} />
  ));
}

// Issue 12: after a recovery the last error stayed on the card as if current.
describe('DeviceCard', () => {
  it('shows the last error of an ONLINE device as history, with its age', () => {
    const card = renderCard({ name: 'plc', status: 'ONLINE', lastReadingAt: '2026-12-03T09:59:59Z', lastError: 'CommError: no reply within 1000 ms', lastErrorAt: '2026-12-03T09:55:00Z' });
    const error = card.getByTestId('device-error');
    expect(error.textContent).toBe('Last error (5 min ago): CommError: no reply within 1000 ms');
    expect(error.classList.contains('error-text')).toBe(false);
  });

  it('shows the error of a device that is not ONLINE as current', () => {
    const card = renderCard({ name: 'plc', status: 'OFFLINE', lastReadingAt: null, lastError: 'CommError: connect ECONNREFUSED', lastErrorAt: '2026-12-03T09:59:58Z' });
    const error = card.getByTestId('device-error');
    expect(error.textContent).toBe('Error (2.0 s ago): CommError: connect ECONNREFUSED');
    expect(error.classList.contains('error-text')).toBe(true);
  });

  it('counts refused addresses beside an ONLINE status', () => {
    const card = renderCard({ name: 'plc', status: 'ONLINE', lastReadingAt: '2026-12-03T09:59:59Z', lastError: null, tagErrors: 5 });
    expect(card.getByTestId('tag-errors').textContent).toBe('5 refused addresses');
    expect(card.queryByTestId('device-error')).toBeNull();
  });
});
