import { describe, expect, it } from 'vitest';
import { shortError } from './error-text.js';

describe('shortError (issue 14: the host and port must be visible in a narrow cell)', () => {
  it('puts the host, port and socket error first', () => {
    expect(shortError('DeviceOfflineError: device "line1" is offline (cannot connect to 127.0.0.1:5001: connect ECONNREFUSED 127.0.0.1:5001); next connect attempt at 2026-12-03T09:08:26.179Z (in 450 ms)')).toBe(
      'offline: cannot connect to 127.0.0.1:5001 (ECONNREFUSED)',
    );
  });
  it('leaves other errors as they are, without the class name', () => {
    expect(shortError('McEndCodeError: PLC answered C056 ADDRESS_OUT_OF_RANGE (address out of range) to batch read words D100-D199')).toBe('PLC answered C056 ADDRESS_OUT_OF_RANGE (address out of range) to batch read words D100-D199');
    expect(shortError('timeout after 2000 ms')).toBe('timeout after 2000 ms');
  });
});
