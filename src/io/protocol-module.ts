import type { Logger } from 'pino';
import type { InspectionEvent } from 'xstate';
import type { DeviceConfig, TagConfig } from './config/schema.js';
import type { DeviceDriver } from './driver.js';

/**
 * What each protocol (mc, modbus, sim) gives the rest of the collector:
 * config checks that need protocol knowledge, and a driver factory.
 */
export interface ProtocolModule {
  /** A problem with this tag on this device (address syntax, type vs device kind, limits), or null. */
  checkTag(tag: TagConfig, device: DeviceConfig): string | null;
  /** A problem with a single-bit address (handshake trigger or ack bit) on this device, or null. */
  checkBit(address: string, device: DeviceConfig): string | null;
  /** A problem with the device's own fields that a per-field schema cannot see (e.g. frame vs series), or null. */
  checkDevice?(device: DeviceConfig): string | null;
  /** One driver per device; it owns the device's single connection (through a device link). */
  createDriver(device: DeviceConfig, ctx: DriverContext): DeviceDriver;
}

export interface DriverContext {
  readonly logger: Logger;
  /** XState inspection, passed on to the device link's actor. */
  readonly inspect?: ((event: InspectionEvent) => void) | undefined;
}
