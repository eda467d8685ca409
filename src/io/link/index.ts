/** The device link: one connection, queue and status per device. Drivers import from here. */
export { createDeviceLink, type DeviceLinkDeps } from './device-link.js';
export { DeviceOfflineError, LinkErrorCode, classifyFailure, type FailureKind } from './errors.js';
export { LINK_DEFAULTS, resolveLinkOptions } from './options.js';
export type { DeviceLink, LinkJob, LinkOptions, LinkTransport } from './types.js';
