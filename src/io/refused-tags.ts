import type { Logger } from 'pino';
import { DeviceError, isAddressRefusal } from './errors.js';
import type { TagSpec } from './types.js';

/**
 * Refused addresses, isolated: shared by the MC and Modbus drivers.
 *
 * The planners merge neighbouring tags into one request. When the device refuses such a request
 * with an address-class answer (MC C056 and kin, Modbus exception 02/03), one bad tag would cost
 * every neighbour its value, poll after poll. Instead the request is bisected by tags, in address
 * order, within the same poll: the halves are planned and read again until each refused request
 * holds one tag. The good parts replace the refused request in the plan (the split is remembered,
 * so from the next poll on the neighbours cost no refused request at all); the refused tags are
 * parked: reported BAD_DEVICE with the device's answer on every poll, logged once, and read again
 * on their own every `retryMs`. Once the device accepts them, the whole plan is made again from
 * every tag, so they merge back into their neighbours' requests.
 *
 * Tags are bisected, not registers: an int32 at HR499 that runs into an unmapped HR500 and a
 * uint16 at HR499 end up in different halves, and only the int32 is refused.
 */

/** A tag the device refuses, as the status API shows it. */
export interface RefusedTag {
  readonly tag: TagSpec;
  /** The device's answer in short: "C056 ADDRESS_OUT_OF_RANGE", "exception 2 ILLEGAL DATA ADDRESS". */
  readonly error: string;
  /** Epoch ms since the device refuses it (the first refusal of this run). */
  readonly since: number;
}

export interface RefusalOps<R> {
  /** The requests that read exactly the tags `indices` (indices into the plan's tags). */
  plan(indices: readonly number[]): R[];
  /** The tags a request reads, in address order (bisection cuts this list in two). */
  members(request: R): number[];
}

export interface RefusalOptions {
  readonly tags: readonly TagSpec[];
  /** How often parked tags are tried again (ms). */
  readonly retryMs: number;
  /** Epoch ms, for `since` and the retry schedule. */
  readonly now: () => number;
  readonly log: Logger;
}

export interface PollHooks<R> {
  /** Send a request and decode its reply into the poll's batch. */
  run(request: R): Promise<void>;
  /** A request failed with anything but a refusal: mark its tags. May throw to end the poll. */
  failed(request: R, err: unknown): void;
}

export interface PollOutcome {
  /** Requests that were answered with data. */
  readonly answered: number;
  /** Requests that failed with something other than a refusal. */
  readonly failed: number;
  readonly firstError: unknown;
}

export const REFUSED_MESSAGE = "the device refuses this tag's address: it is read again on a slow schedule";
export const ACCEPTED_MESSAGE = "the device accepts this tag's address again";

/** Default for devices without refusedRetryMs. */
export const DEFAULT_REFUSED_RETRY_MS = 60_000;

/**
 * Requests one retry of the parked tags may send. Bisecting k refused tags costs about 2k
 * requests; a device whose range ends inside a 960-word read would get that burst every retry
 * period. Parts beyond the budget stay parked until the next retry.
 */
export const RETRY_REQUEST_BUDGET = 32;

interface Parked {
  readonly error: DeviceError;
  readonly since: number;
}

interface Journal {
  answered: number;
  failed: number;
  firstError: unknown;
  /** Tags of retried requests the device answered. */
  readonly accepted: number[];
  /** A request of the plan was refused: the plan changes. */
  split: boolean;
  /** ...and it held several tags, so it was bisected. */
  bisected: boolean;
  /** Requests the retry of parked tags may still send in this poll. */
  retryBudget: number;
}

export class RefusalIsolation<R> {
  private readonly parked = new Map<number, Parked>();
  private retryAt = Number.POSITIVE_INFINITY;

  /** `requests` is the plan's own list: it is changed in place when a split or a merge happens. */
  constructor(
    private readonly requests: R[],
    private readonly ops: RefusalOps<R>,
    private readonly options: RefusalOptions,
  ) {}

  /** Tags parked now, with their last refusal. */
  refused(): RefusedTag[] {
    return [...this.parked].map(([i, p]) => ({ tag: this.options.tags[i]!, error: p.error.answer, since: p.since }));
  }

  /** Indices of parked tags and the refusal of each (the driver marks them BAD_DEVICE). */
  parkedTags(): ReadonlyMap<number, Parked> {
    return this.parked;
  }

  /**
   * One poll: the plan's requests, plus the parked tags when their retry is due. `serial` runs one
   * request after another (and lets `hooks.failed` end the poll by throwing); otherwise all at once.
   */
  async poll(hooks: PollHooks<R>, serial: boolean): Promise<PollOutcome> {
    const journal: Journal = { answered: 0, failed: 0, firstError: undefined, accepted: [], split: false, bisected: false, retryBudget: RETRY_REQUEST_BUDGET };
    const active = [...this.requests];
    const now = this.options.now();
    const retry = this.parked.size > 0 && now >= this.retryAt ? this.ops.plan([...this.parked.keys()].sort((a, b) => a - b)) : [];
    if (retry.length > 0) this.retryAt = now + this.options.retryMs;
    const jobs = [...active.map((r) => () => this.attempt(r, hooks, journal, serial, false, 0)), ...retry.map((r) => () => this.attempt(r, hooks, journal, serial, true, 0))];
    const results = await runAll(jobs, serial);
    const before = this.requests.length;
    if (journal.split) {
      // Remember the split: the parts the device answered (or failed for another reason) stay.
      this.replace(results.slice(0, active.length).flat());
      if (journal.bisected) {
        this.options.log.warn(
          { requestsBefore: before, requestsAfter: this.requests.length, refusedTags: this.parked.size },
          'the device refused a merged read: the plan reads around the refused addresses from now on',
        );
      }
    }
    if (journal.accepted.length > 0) {
      for (const i of journal.accepted) {
        const parked = this.parked.get(i);
        if (!parked) continue;
        this.parked.delete(i);
        const tag = this.options.tags[i]!;
        this.options.log.info({ tag: tag.name, address: tag.address, refusedSinceMs: now - parked.since }, ACCEPTED_MESSAGE);
      }
      if (this.parked.size === 0) this.retryAt = Number.POSITIVE_INFINITY;
      // Merge back: plan every readable tag from scratch, as at the start.
      const parked = this.parked;
      this.replace(this.ops.plan(this.options.tags.map((_, i) => i).filter((i) => !parked.has(i))));
    }
    return { answered: journal.answered, failed: journal.failed, firstError: journal.firstError };
  }

  private replace(next: R[]): void {
    this.requests.splice(0, this.requests.length, ...next);
  }

  /**
   * Run one request; on a refusal, bisect it. Resolves with the requests that replace it: when the
   * bisection parked a tag, the plan of the others (compact again: the refusal is explained);
   * when it parked none (the device refuses the merged read but each tag alone, a hole in its
   * map between them), the parts as bisected, so the refused merge is never asked again.
   */
  private async attempt(request: R, hooks: PollHooks<R>, journal: Journal, serial: boolean, retry: boolean, depth: number): Promise<R[]> {
    if (retry) {
      if (journal.retryBudget <= 0) return [];
      journal.retryBudget--;
    }
    try {
      await hooks.run(request);
      journal.answered++;
      if (retry) journal.accepted.push(...this.ops.members(request));
      return [request];
    } catch (err) {
      if (!isAddressRefusal(err)) {
        journal.failed++;
        journal.firstError ??= err;
        hooks.failed(request, err);
        return [request];
      }
      const members = this.ops.members(request);
      if (members.length <= 1) {
        this.park(members, err);
        if (!retry) journal.split = true;
        return [];
      }
      if (!retry) {
        journal.split = true;
        journal.bisected = true;
      }
      const mid = members.length >> 1;
      const parts = [...this.ops.plan(members.slice(0, mid)), ...this.ops.plan(members.slice(mid))];
      this.options.log.debug({ tags: members.length, requests: parts.length, answer: err.answer }, 'refused read: bisecting');
      const parkedBefore = members.filter((i) => this.parked.has(i)).length;
      const results = await runAll(
        parts.map((p) => () => this.attempt(p, hooks, journal, serial, retry, depth + 1)),
        serial,
      );
      const survivors = members.filter((i) => !this.parked.has(i));
      if (depth === 0 && !retry && survivors.length < members.length - parkedBefore) return this.ops.plan(survivors);
      return results.flat();
    }
  }

  private park(members: readonly number[], err: DeviceError): void {
    const now = this.options.now();
    if (this.parked.size === 0) this.retryAt = now + this.options.retryMs;
    for (const i of members) {
      const was = this.parked.get(i);
      this.parked.set(i, { error: err, since: was?.since ?? now });
      if (was) continue;
      const tag = this.options.tags[i]!;
      this.options.log.warn({ tag: tag.name, address: tag.address, error: err.answer, retryMs: this.options.retryMs }, REFUSED_MESSAGE);
    }
  }
}

async function runAll<T>(jobs: readonly (() => Promise<T>)[], serial: boolean): Promise<T[]> {
  if (!serial) return Promise.all(jobs.map((job) => job()));
  const out: T[] = [];
  for (const job of jobs) out.push(await job());
  return out;
}
