import type { ProtocolModule } from '../protocol-module.js';
import { mcDeviceProblem } from './device-check.js';
import { createMcDriver } from './driver.js';
import { checkMcBit, checkMcTag } from './tag-layout.js';

/** The MC (SLMP) protocol module: config checks that need MC knowledge, and the driver factory. */
export const mcProtocol: ProtocolModule = {
  checkDevice: (device) => mcDeviceProblem(device),
  checkTag: (tag, device) => checkMcTag(tag, device.series, device.encoding),
  checkBit: (address, device) => checkMcBit(address, device.series),
  createDriver: (device, ctx) => createMcDriver(device, ctx),
};

export { createMcDriver, type McDriverDeps } from './driver.js';
export { McClient, type McClientOptions, type McRequest, type McSession, type McFrame } from './client.js';
export { McUdpClient, type McUdpClientOptions } from './udp-client.js';
export { Mc1eEndCodeError } from './codec/end-codes-1e.js';
export { McEndCodeError } from './codec/end-codes.js';
export { parseMcAddress, formatMcAddress, type McAddress } from './address.js';
export { planMcRead, type McReadPlan, type McPlanOptions } from './planner.js';
