import { workerData } from 'node:worker_threads';
import { PgWriter, type PgTask } from './pg-writer.js';
import type { PgWorkerSettings } from './settings.js';
import type { WorkerReply } from '../delivery/writer-pool.js';

/** A postgres writer thread: one PgWriter, so one connection, for the thread's lifetime. */
const writer = new PgWriter(workerData as PgWorkerSettings);

export default function run(task: PgTask): Promise<WorkerReply<unknown>> {
  return writer.handle(task);
}
