import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../src/clock.js';
import { silentLogger } from '../../../../src/log.js';
import { replaySpool } from '../../../../src/io/sink/delivery/replay.js';
import { Spool } from '../../../../src/io/sink/spool/spool.js';
import { TagCatalog } from '../../../../src/io/sink/identity/tag-catalog.js';
import { batchOf, MemorySink } from './memory-sink.js';

/**
 * Mutation check (issue 13): a stop in the middle of a file ended the loop as if the file were
 * done; the file was then deleted and its rows not yet replayed were lost. A stop must keep the
 * file: the next replay sends it whole (the natural key drops the rows already committed).
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const hooks = (committed: number[]) => ({
  onCommitted: (batch: { length: number }) => committed.push(batch.length),
  onFileDone: () => undefined,
  onQuarantined: () => undefined,
});

for (const keyed of [false, true]) {
  describe(`replay stopped mid-file (spool format ${keyed ? 2 : 1})`, () => {
    it('keeps the file and every unreplayed row; the next replay delivers all of them once', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'jsscada-replay-stop-'));
      dirs.push(dir);
      const catalog = new TagCatalog();
      catalog.update(Array.from({ length: 50 }, (_, i) => ({ localId: i + 1, device: 'plc', name: `t${i + 1}`, group: 'g', unit: null, dataType: 'int16', renamedFrom: null })));
      const spool = new Spool(dir, { clock: systemClock, logger: silentLogger(), ...(keyed ? { keys: catalog } : {}) });
      await spool.open();
      // One file of 3 x 100 rows, sealed.
      for (let b = 0; b < 3; b++) await spool.append(batchOf(100, b * 100));
      await spool.seal();
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);

      const sink = new MemorySink();
      const committed: number[] = [];
      // Stop after the first committed batch of 100: the file is only a third replayed.
      await replaySpool(spool, sink, { maxRows: 100, logger: silentLogger(), hooks: hooks(committed), shouldStop: () => committed.length >= 1 });
      expect(committed).toEqual([100]);
      expect(sink.rows.size).toBe(100);
      expect(existsSync(join(dir, files[0]!))).toBe(true);
      expect(spool.pending().files).toBe(1);

      // Next time: the whole file again (100 duplicates ignored), then it is deleted.
      const again: number[] = [];
      await replaySpool(spool, sink, { maxRows: 100, logger: silentLogger(), hooks: hooks(again) });
      expect(again).toEqual([100, 100, 100]);
      expect(sink.rows.size).toBe(300);
      expect(readdirSync(dir)).toEqual([]);
      await spool.close();
    });
  });
}
