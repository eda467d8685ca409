import type { DeviceConfig } from '../config/schema.js';

/** A device-level problem of an MC device (frame vs series, transport options), or null. */
export function mcDeviceProblem(device: Pick<DeviceConfig, 'protocol' | 'series' | 'transport' | 'localPort'>): string | null {
  if (device.protocol === 'mc1e' && device.series !== 'fx3') return `protocol mc1e (the A-compatible 1E frame) is for the FX3 family: set series: fx3 (not ${device.series})`;
  if (device.protocol !== 'mc1e' && device.series === 'fx3') return 'series fx3 (FX3U/FX3G/FX3GE Ethernet adapters) speaks the 1E frame only: use protocol: mc1e';
  if (device.localPort !== undefined && device.transport !== 'udp') return 'localPort is for transport: udp';
  return null;
}
