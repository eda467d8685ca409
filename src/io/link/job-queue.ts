/**
 * The link's FIFO. Array.shift is O(n) on long arrays, so a burst of queued jobs (REST triggers,
 * a bench) would make dequeuing quadratic; a head index keeps it O(1). Removal and ordered
 * re-insertion (cancel, retry) are rare and may be O(n).
 */
export class JobQueue<J extends { readonly seq: number }> {
  private items: (J | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: J): void {
    this.items.push(item);
  }

  shift(): J | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined; // let it be collected
    if (this.head === this.items.length) this.reset([]);
    else if (this.head >= 1024 && this.head * 2 >= this.items.length) this.reset(this.items.slice(this.head));
    return item;
  }

  /** Remove one item; false when it is not queued. */
  remove(item: J): boolean {
    const at = this.items.indexOf(item, this.head);
    if (at < 0) return false;
    this.items.splice(at, 1);
    return true;
  }

  /** Put an item back in arrival order (by `seq`), ahead of those that came after it. */
  insertInOrder(item: J): void {
    const first = this.items[this.head];
    // The common case, a retry of the oldest job: it goes back in front, O(1) when there is room.
    if (first !== undefined && item.seq < first.seq && this.head > 0) {
      this.items[--this.head] = item;
      return;
    }
    let at = this.head;
    while (at < this.items.length && (this.items[at]?.seq ?? Infinity) < item.seq) at++;
    this.items.splice(at, 0, item);
  }

  /** Take everything, in order, leaving the queue empty. */
  drain(): J[] {
    const all: J[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i];
      if (item !== undefined) all.push(item);
    }
    this.reset([]);
    return all;
  }

  private reset(items: (J | undefined)[]): void {
    this.items = items;
    this.head = 0;
  }
}
