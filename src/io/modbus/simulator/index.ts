/** The Modbus TCP simulator: tests and the demo start it with startModbusSimulator(). */
export { startModbusSimulator, type ModbusSimulator, type ModbusSimulatorOptions } from './server.js';
export { ModbusMemory, type NumericType } from './memory.js';
export { ModbusFaults, NO_FAULTS, type FaultSettings } from './faults.js';
export { createMotion, applyMotion, seededRandom, type MotionConfig, type MotionController, type MotionSignal } from './motion.js';
export { handlePdu, exceptionPdu, FULL_TABLES, type TableSizes, type Hole } from './pdu.js';
export { MbapReader, encodeMbap, type MbapItem } from './mbap.js';
export { DEMO_MOTION } from './demo.js';
