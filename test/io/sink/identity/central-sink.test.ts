import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../../src/clock.js';
import { silentLogger } from '../../../../src/log.js';
import { CentralSink } from '../../../../src/io/sink/identity/central-sink.js';
import type { CentralStore } from '../../../../src/io/sink/identity/central-store.js';
import { claimDecision, type CollectorIdentity } from '../../../../src/io/sink/identity/collector-identity.js';
import { TagCatalog } from '../../../../src/io/sink/identity/tag-catalog.js';
import type { TagRef, TagRegistration } from '../../../../src/io/sink/identity/tag-ref.js';
import { SinkError } from '../../../../src/io/sink/delivery/sink-error.js';
import type { RowBatch } from '../../../../src/io/sink/rows.js';

const ref = (localId: number, name: string, extra: Partial<TagRef> = {}): TagRef => ({ localId, device: 'plc', name, group: 'g', unit: null, dataType: 'int16', renamedFrom: null, ...extra });
const me: CollectorIdentity = { name: 'line1', instanceId: 'i-1', host: 'pc', version: 't', leaseS: 30 };

/** A value database in memory: ids by (collector, device, name), leases by instance. */
class MemoryStore implements CentralStore {
  readonly kind = 'memory';
  readonly target = 'memory';
  readonly tags = new Map<string, number>();
  readonly written: RowBatch[] = [];
  holder = 'i-1';
  registrations = 0;
  claims = 0;
  async write(batch: RowBatch) {
    this.written.push(batch);
    return { inserted: batch.length, durationMs: 0 };
  }
  async claim(identity: CollectorIdentity) {
    this.claims++;
    if (identity.instanceId !== this.holder) throw new SinkError('SINK_IDENTITY', 'held', false);
    return { collectorId: 1, tookOverFrom: null };
  }
  async register(collectorId: number, tags: readonly TagRegistration[]) {
    this.registrations++;
    return tags.map((t) => {
      if (t.renamedFrom && this.tags.has(`${t.device}/${t.renamedFrom}`) && !this.tags.has(`${t.device}/${t.name}`)) {
        this.tags.set(`${t.device}/${t.name}`, this.tags.get(`${t.device}/${t.renamedFrom}`)!);
        this.tags.delete(`${t.device}/${t.renamedFrom}`);
      }
      const key = `${t.device}/${t.name}`;
      if (!this.tags.has(key)) this.tags.set(key, 100 * collectorId + this.tags.size + 1);
      return this.tags.get(key)!;
    });
  }
  async renew(_: number, instanceId: string) {
    return instanceId === this.holder;
  }
  async release() {}
  async close() {}
}

function rows(ids: number[]): RowBatch {
  return { length: ids.length, tagIds: Int32Array.from(ids), ts: new Float64Array(ids.length).fill(1), values: new Float64Array(ids.length), quality: new Uint8Array(ids.length), texts: null };
}

describe('CentralSink', () => {
  it('registers tags before their first row and writes the database ids, leaving the caller\'s batch untouched', async () => {
    const store = new MemoryStore();
    const catalog = new TagCatalog();
    catalog.update([ref(1, 'a'), ref(2, 'b')]);
    const sink = new CentralSink(store, catalog, me, { clock: systemClock, logger: silentLogger() });
    const batch = rows([1, 2, 1]);
    await sink.write(batch);
    expect([...store.written[0]!.tagIds]).toEqual([101, 102, 101]);
    expect([...batch.tagIds]).toEqual([1, 2, 1]);
    await sink.write(rows([2]));
    expect(store.registrations).toBe(1);
    await sink.close();
  });

  it('gives a tag moved to another device a new identity', async () => {
    const store = new MemoryStore();
    const catalog = new TagCatalog();
    catalog.update([ref(1, 'a')]);
    const sink = new CentralSink(store, catalog, me, { clock: systemClock, logger: silentLogger() });
    await sink.write(rows([1]));
    await sink.syncTags([ref(1, 'a', { device: 'plc2' })]);
    await sink.write(rows([1]));
    expect(store.written.map((b) => b.tagIds[0])).toEqual([101, 102]);
    await sink.close();
  });

  it('keeps the id across renamedFrom, and spool rows of the old name resolve to it', async () => {
    const store = new MemoryStore();
    const catalog = new TagCatalog();
    catalog.update([ref(1, 'old')]);
    const sink = new CentralSink(store, catalog, me, { clock: systemClock, logger: silentLogger() });
    await sink.write(rows([1]));
    await sink.syncTags([ref(2, 'new', { renamedFrom: 'old' })]);
    expect(catalog.idFor('plc', 'old')).toBe(2);
    await sink.write(rows([2]));
    expect(store.written.map((b) => b.tagIds[0])).toEqual([101, 101]);
    await sink.close();
  });

  it('refuses to write under a name another instance holds (not retryable), and writes again once it is free', async () => {
    const store = new MemoryStore();
    store.holder = 'someone-else';
    const catalog = new TagCatalog();
    catalog.update([ref(1, 'a')]);
    const sink = new CentralSink(store, catalog, me, { clock: systemClock, logger: silentLogger() });
    await expect(sink.write(rows([1]))).rejects.toMatchObject({ code: 'SINK_IDENTITY', retryable: false });
    store.holder = 'i-1';
    await sink.write(rows([1]));
    expect(store.written).toHaveLength(1);
    await sink.close();
  });
});

describe('TagCatalog', () => {
  it('resolves spool keys: the running tag, a retired one from the store, else a transient id kept for the process', () => {
    const catalog = new TagCatalog();
    catalog.setKnown([ref(7, 'retired')]);
    catalog.update([ref(1, 'a')]);
    expect(catalog.idFor('plc', 'a')).toBe(1);
    expect(catalog.idFor('plc', 'retired')).toBe(7);
    const t = catalog.idFor('other', 'x', 'g9');
    expect(t).toBeLessThan(0);
    expect(catalog.get(t)).toMatchObject({ device: 'other', name: 'x', group: 'g9' });
    catalog.update([ref(1, 'a'), ref(3, 'c')]);
    expect(catalog.idFor('other', 'x')).toBe(t);
  });

  it('keeps the key of a tag that left the plant (its rows may still be in the buffer)', () => {
    const catalog = new TagCatalog();
    catalog.update([ref(1, 'a'), ref(2, 'b')]);
    catalog.update([ref(1, 'a')]);
    expect(catalog.get(2)).toMatchObject({ name: 'b' });
    expect(catalog.running().map((r) => r.name)).toEqual(['a']);
  });
});

describe('claimDecision', () => {
  const holder = { id: 1, instanceId: 'other', host: 'pc2', idleS: 5, stopped: false };
  it('mine for the same instance, take-over after a clean stop or an expired lease, refuse while fresh', () => {
    expect(claimDecision({ ...holder, instanceId: 'i-1' }, me)).toBe('mine');
    expect(claimDecision({ ...holder, stopped: true }, me)).toBe('take-over');
    expect(claimDecision({ ...holder, idleS: 31 }, me)).toBe('take-over');
    expect(claimDecision(holder, me)).toBe('refuse');
  });
});
