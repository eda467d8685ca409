import type { ProtocolModule } from '../protocol-module.js';
import { createMcDriver } from './driver.js';
import { checkMcBit, checkMcTag } from './tag-layout.js';

/** The MC (SLMP) protocol module: config checks that need MC knowledge, and the driver factory. */
export const mcProtocol: ProtocolModule = {
  checkTag: (tag, device) => checkMcTag(tag, device.series, device.encoding),
  checkBit: (address, device) => checkMcBit(address, device.series),
  createDriver: (device, ctx) => createMcDriver(device, ctx),
};

export { createMcDriver, type McDriverDeps } from './driver.js';
export { McClient, type McClientOptions, type McRequest } from './client.js';
export { McEndCodeError } from './codec/end-codes.js';
export { parseMcAddress, formatMcAddress, type McAddress } from './address.js';
export { planMcRead, type McReadPlan, type McPlanOptions } from './planner.js';
