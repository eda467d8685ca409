import type { Protocol } from './config/schema.js';
import type { ProtocolModule } from './protocol-module.js';
import { createSimProtocol } from './sim/sim-driver.js';

/** The protocol modules by config name. One table, so config checks and drivers agree. */
const registry: Record<Protocol, ProtocolModule | undefined> = {
  mc3e: undefined,
  mc4e: undefined,
  modbus: undefined,
  sim: createSimProtocol(),
};

export function protocolOf(protocol: Protocol): ProtocolModule {
  const module = registry[protocol];
  if (!module) throw new Error(`protocol "${protocol}" is not available in this build`);
  return module;
}
