import { tagKey, type TagRef } from './tag-ref.js';

/**
 * The process's map between local tag ids (what rows carry from the poll to the sink) and tag
 * keys (device, tag name: what the database and the spool know tags by). It holds the running
 * plant's tags, every tag the config store has known (so a spool file of an earlier run resolves
 * its rows), aliases from renamedFrom, and transient ids (negative) for keys that only a spool
 * file names (a tag since moved or removed): those are registered in the database like any other.
 */
export class TagCatalog {
  private readonly byId = new Map<number, TagRef>();
  private readonly byKey = new Map<string, number>();
  private nextTransient = -1;
  private readonly listeners = new Set<() => void>();

  private known: readonly TagRef[] = [];
  private current: readonly TagRef[] = [];

  /** Every tag the config store has known, retired ones too (a spool file of an earlier run names them). */
  setKnown(known: readonly TagRef[]): void {
    this.known = known;
    this.update(this.current);
  }

  /**
   * Set the running plant's tags: they win over the store's retired ones. Transient ids stay
   * valid for the life of the process.
   */
  update(current: readonly TagRef[]): void {
    // A tag that leaves the plant may still have rows in the buffer: keep its key for them.
    const ids = new Set(current.map((r) => r.localId));
    const departed = this.current.filter((r) => !ids.has(r.localId));
    if (departed.length > 0) this.known = [...this.known.filter((r) => !departed.some((d) => d.localId === r.localId)), ...departed];
    this.current = current;
    const transients = [...this.byId.values()].filter((r) => r.localId < 0);
    this.byId.clear();
    this.byKey.clear();
    for (const r of this.known) this.put(r);
    for (const r of transients) if (!this.byKey.has(tagKey(r.device, r.name))) this.put(r);
    for (const r of current) this.put(r);
    // Aliases last: an old name resolves to its renamed tag unless a live tag has that key itself.
    for (const r of current) {
      if (r.renamedFrom && !current.some((c) => c.device === r.device && c.name === r.renamedFrom)) this.byKey.set(tagKey(r.device, r.renamedFrom), r.localId);
    }
    for (const l of this.listeners) l();
  }

  private put(r: TagRef): void {
    this.byId.set(r.localId, r);
    this.byKey.set(tagKey(r.device, r.name), r.localId);
  }

  get(localId: number): TagRef | undefined {
    return this.byId.get(localId);
  }

  /** The running plant's tags. */
  running(): readonly TagRef[] {
    return this.current;
  }

  /** Every tag with a local id the running plant or the store knows, and the transient ones. */
  all(): TagRef[] {
    return [...this.byId.values()];
  }

  /**
   * The local id for a tag key (a spool row): the current tag's, else a transient id that is
   * registered in the database under that key with `group` as its group (null: unknown).
   */
  idFor(device: string, name: string, group: string | null = null): number {
    const key = tagKey(device, name);
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const localId = this.nextTransient--;
    this.put({ localId, device, name, group, unit: null, dataType: null, renamedFrom: null });
    return localId;
  }

  /** Called after every update (CentralSink re-registers what changed). */
  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
