import type { Logger } from 'pino';
import type { Clock } from '../../../clock.js';
import { SinkError, errorText } from '../delivery/sink-error.js';
import type { RowBatch, Sink, WriteResult } from '../rows.js';
import type { CentralStore } from './central-store.js';
import type { Claim, CollectorIdentity } from './collector-identity.js';
import type { TagCatalog } from './tag-catalog.js';
import { describes, tagKey, type TagRef } from './tag-ref.js';

interface Mapped {
  readonly key: string;
  readonly sig: string;
  readonly id: number;
}

/**
 * The sink Delivery writes to: rows arrive with the collector's local tag ids and leave with the
 * database's. Before the first row of a tag is written, the tag is registered (the database
 * assigns its id); before anything, the collector claims its name. Registration and claims run
 * one at a time. Everything a database says no to arrives as a SinkError, so Delivery spools and
 * the rows wait, in the spool, under their tag keys (never under ids that could change meaning).
 */
export class CentralSink implements Sink {
  readonly kind: string;
  private claimed: Claim | null = null;
  private readonly mapped = new Map<number, Mapped>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: unknown = null;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    readonly store: CentralStore,
    private readonly catalog: TagCatalog,
    readonly identity: CollectorIdentity,
    private readonly deps: { clock: Clock; logger: Logger },
  ) {
    this.kind = store.kind;
    // A tag whose key changed (moved to another device) is another identity: map it again.
    this.unsubscribe = catalog.onUpdate(() => {
      for (const [localId, m] of this.mapped) {
        const ref = catalog.get(localId);
        if (!ref || tagKey(ref.device, ref.name) !== m.key) this.mapped.delete(localId);
      }
    });
  }

  /** The database's id of this collector, once claimed. */
  get collectorId(): number | null {
    return this.claimed?.collectorId ?? null;
  }

  /** Claim the name and register every known tag now (start-up); throws the SinkError. */
  async connect(): Promise<Claim> {
    await this.exclusive(() => this.registerAll());
    return this.claimed!;
  }

  async write(batch: RowBatch): Promise<WriteResult> {
    if (this.closed) throw new SinkError('SINK_CLOSED', 'the sink is closed', false);
    if (!this.claimed || !this.allMapped(batch.tagIds)) await this.exclusive(() => this.registerMissing(batch.tagIds));
    return this.store.write(this.translate(batch));
  }

  /** The running plant's tags changed: register new or changed ones (now, if the database is up). */
  async syncTags(current: readonly TagRef[]): Promise<void> {
    this.catalog.update(current);
    await this.exclusive(() => this.registerAll());
  }

  probe(): Promise<void> {
    return this.store.probe ? this.store.probe() : Promise.resolve();
  }

  private allMapped(ids: Int32Array): boolean {
    const mapped = this.mapped;
    for (let i = 0; i < ids.length; i++) if (!mapped.has(ids[i]!)) return false;
    return true;
  }

  private translate(batch: RowBatch): RowBatch {
    const out = new Int32Array(batch.length);
    const mapped = this.mapped;
    for (let i = 0; i < batch.length; i++) out[i] = mapped.get(batch.tagIds[i]!)!.id;
    return { ...batch, tagIds: out };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async ensureClaim(): Promise<number> {
    if (this.claimed) return this.claimed.collectorId;
    const claim = await this.store.claim(this.identity);
    this.claimed = claim;
    const log = { collector: this.identity.name, collectorId: claim.collectorId, target: this.store.target };
    if (claim.tookOverFrom) this.deps.logger.warn({ ...log, from: claim.tookOverFrom }, 'took over the collector name from another data directory (its lease had expired or it stopped cleanly): its tags and history continue');
    else this.deps.logger.info(log, 'collector registered on the value database');
    this.startLease();
    return claim.collectorId;
  }

  private async registerMissing(ids: Int32Array): Promise<void> {
    const collectorId = await this.ensureClaim();
    const todo = new Map<number, TagRef>();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (this.mapped.has(id) || todo.has(id)) continue;
      const ref = this.catalog.get(id);
      if (!ref) throw new SinkError('SINK_CONFIG', `rows name local tag id ${id}, which no configuration of this collector knows`, false);
      todo.set(id, ref);
    }
    await this.register(collectorId, [...todo.values()]);
  }

  private async registerAll(): Promise<void> {
    const collectorId = await this.ensureClaim();
    // The running plant's tags, ahead of their first rows; a retired or transient tag is
    // registered when rows of it show up (a spool replay), not ahead of time.
    const todo = this.catalog.running().filter((r) => {
      const m = this.mapped.get(r.localId);
      return !m || m.sig !== describes(r);
    });
    await this.register(collectorId, todo);
  }

  private async register(collectorId: number, refs: readonly TagRef[]): Promise<void> {
    if (refs.length === 0) return;
    const ids = await this.store.register(
      collectorId,
      refs.map(({ localId: _, ...reg }) => reg),
    );
    refs.forEach((r, i) => this.mapped.set(r.localId, { key: tagKey(r.device, r.name), sig: describes(r), id: ids[i]! }));
  }

  private startLease(): void {
    if (this.timer !== null || this.closed) return;
    const period = Math.max(1000, (this.identity.leaseS * 1000) / 3);
    const tick = (): void => {
      this.timer = this.deps.clock.setTimeout(() => {
        void this.renew().finally(() => {
          if (!this.closed) tick();
        });
      }, period);
    };
    tick();
  }

  private async renew(): Promise<void> {
    const claim = this.claimed;
    if (!claim) return;
    try {
      if (await this.store.renew(claim.collectorId, this.identity.instanceId)) return;
      // Another data directory took the name over while we could not renew (a long outage):
      // stop writing under it; the next write claims again and is refused while that one runs.
      this.deps.logger.error({ collector: this.identity.name, target: this.store.target }, 'lost the collector name to another collector: writes stop until it is free again (rows are spooled)');
      this.claimed = null;
      this.mapped.clear();
    } catch (err) {
      this.deps.logger.debug({ err: errorText(err) }, 'lease renewal failed (database unreachable); retried');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    const claim = this.claimed;
    if (claim) {
      // A clean stop frees the name at once (a successor need not wait out the lease). Bounded:
      // a dead database must not hold up the stop.
      let timer: unknown = null;
      await Promise.race([
        this.store.release(claim.collectorId, this.identity.instanceId).catch(() => undefined),
        new Promise<void>((r) => (timer = this.deps.clock.setTimeout(r, 2000))),
      ]);
      this.deps.clock.clearTimeout(timer);
    }
    await this.store.close();
  }
}
