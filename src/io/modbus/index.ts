import type { DeviceConfig, TagConfig } from '../config/schema.js';
import type { ProtocolModule } from '../protocol-module.js';
import { createModbusDriver } from './driver.js';
import { reasonOf, resolveModbusBit, resolveModbusTag } from './tag-check.js';

/**
 * `protocol: modbus` (Modbus TCP). Config checks reuse the driver's own address and type rules,
 * so a tag that passes the config check is a tag the driver can plan.
 */
export const modbusProtocol: ProtocolModule = {
  checkTag(tag: TagConfig, device: DeviceConfig): string | null {
    try {
      resolveModbusTag(tag.address, tag.type, tag.length, device.addressBase);
      return null;
    } catch (err) {
      return reasonOf(err);
    }
  },
  checkBit(address: string, device: DeviceConfig): string | null {
    try {
      resolveModbusBit(address, device.addressBase);
      return null;
    } catch (err) {
      return reasonOf(err);
    }
  },
  createDriver: (device, ctx) => createModbusDriver(device, ctx),
};

export { createModbusDriver, type ModbusDriverOptions } from './driver.js';
export { parseModbusAddress, formatModbusAddress, type ModbusAddress, type ModbusTable } from './address.js';
export { ModbusExceptionError, ModbusProtocolError, ExceptionCode, exceptionName } from './exceptions.js';
export { planBlocks, MAX_READ_BITS, MAX_READ_REGISTERS, type ReadBlock } from './planner.js';
export type { ModbusReadPlan } from './read-plan.js';
