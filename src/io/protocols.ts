import type { Protocol } from './config/schema.js';
import type { ProtocolModule } from './protocol-module.js';
import { mcProtocol } from './mc/index.js';
import { modbusProtocol } from './modbus/index.js';
import { createSimProtocol } from './sim/sim-driver.js';

/** The protocol modules by config name. One table, so config checks and drivers agree. */
const registry: Record<Protocol, ProtocolModule> = {
  mc1e: mcProtocol,
  mc3e: mcProtocol,
  mc4e: mcProtocol,
  modbus: modbusProtocol,
  sim: createSimProtocol(),
};

export function protocolOf(protocol: Protocol): ProtocolModule {
  return registry[protocol];
}
