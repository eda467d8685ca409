/**
 * A collector process that dies (SIGKILL: no cleanup, no finally) in the middle of a replay.
 * Run by crash-replay.test.ts:  node --import tsx replay-child.ts SPOOL_DIR DB_PATH MODE N
 *   MODE mid-file:      die right after the N-th replayed batch commits;
 *   MODE before-delete: die when replay is about to delete a file whose rows all committed.
 */
import { Delivery } from '../../../../src/io/sink/delivery/delivery.js';
import { SqliteSink } from '../../../../src/io/sink/sqlite/sqlite-sink.js';
import { Spool } from '../../../../src/io/sink/spool/spool.js';
import type { RowBatch, Sink, WriteResult } from '../../../../src/io/sink/rows.js';
import { systemClock } from '../../../../src/clock.js';
import { silentLogger } from '../../../../src/log.js';

const [spoolDir, dbPath, mode, n] = process.argv.slice(2) as [string, string, 'mid-file' | 'before-delete', string];
const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

const sqlite = new SqliteSink(dbPath);
await sqlite.open();
let committed = 0;
const sink: Sink = {
  kind: 'sqlite',
  async write(batch: RowBatch): Promise<WriteResult> {
    const result = await sqlite.write(batch);
    if (mode === 'mid-file' && ++committed === Number(n)) die();
    return result;
  },
  close: () => sqlite.close(),
};
const spool = new Spool(spoolDir, { clock: systemClock, logger: silentLogger() });
if (mode === 'before-delete') spool.remove = async () => die();
const delivery = new Delivery(sink, spool, { clock: systemClock, logger: silentLogger() }, { replayBatchRows: 1000 });
await delivery.start();
await delivery.replayNow();
console.log('replay finished without dying');
process.exit(3);
