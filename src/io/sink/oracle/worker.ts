import { workerData } from 'node:worker_threads';
import type { WorkerReply } from '../delivery/writer-pool.js';
import { loadOracleDriver } from './driver.js';
import { OracleWriter, type OraTask } from './ora-writer.js';
import type { OraWorkerSettings } from './settings.js';

/** An Oracle writer thread: one OracleWriter (one connection) with the real node-oracledb. */
const writer = new OracleWriter(loadOracleDriver, workerData as OraWorkerSettings);

export default function run(task: OraTask): Promise<WorkerReply<unknown>> {
  return writer.handle(task);
}
