import { createActor, fromPromise, type Actor, type InspectionEvent } from 'xstate';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.js';
import { engineMachine, startRefusal, type GroupDef, type StartRefusal } from '../machines/engine.js';
import { pollGroupMachine, topState, type ReadInput, type ReadOutput } from '../machines/pollGroup.js';
import type { StoredPlant } from '../io/config/store-sql.js';
import type { DeviceConfig } from '../io/config/schema.js';
import type { DeviceDriver } from '../io/driver.js';
import { CommError, DeviceError, describeError } from '../io/errors.js';
import type { ProtocolModule } from '../io/protocol-module.js';
import { failedBatch, Quality } from '../io/types.js';
import type { Sink } from '../io/sink/rows.js';
import { BufferActor } from './buffer/buffer-actor.js';
import { tagSpecs, type GroupRuntime } from './group-runtime.js';
import { RecordFilter } from './record-filter.js';
import { HandshakeWatcher } from './handshake-watcher.js';
import { tagRefs } from './sink-factory.js';
import { groupStatus, lastTagError, type GroupStatus, type TagErrorView } from './status.js';
import { readingsOf, storedReading, type LatestReading, type StoredPoint } from './latest.js';
import type { DeviceStatus } from '../io/driver.js';

/** A device as the API shows it. */
export interface DeviceSummary {
  readonly name: string;
  readonly protocol: string;
  readonly host: string;
  readonly port: number;
  readonly enabled: boolean;
  readonly status: DeviceStatus['state'];
  readonly lastReadingAt: string | null;
  /** The last error seen; it stays after a recovery: read it with lastErrorAt. */
  readonly lastError: string | null;
  /** ISO time of lastError. Before lastReadingAt: an error from before the recovery, not a current one. */
  readonly lastErrorAt: string | null;
  /** Tags of this device's groups that the device refuses (address-class answers). */
  readonly tagErrors: number;
  /** The most recent of those refusals. */
  readonly lastTagError: TagErrorView | null;
  readonly queueDepth: number;
  readonly groups: readonly string[];
}

export interface CollectorDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly sink: Sink;
  readonly protocolOf: (protocol: DeviceConfig['protocol']) => ProtocolModule;
  /** XState inspection (the panel's statechart view). */
  readonly inspect?: ((event: InspectionEvent) => void) | undefined;
  /**
   * Wall-clock epoch ms for the values' timestamps. Default: Date.now with the system clock (a
   * historian's times must follow the plant's clock), the test clock's now() otherwise.
   */
  readonly stamp?: (() => number) | undefined;
  /** The collector's name on the value database (status, metrics). */
  readonly name?: string | undefined;
}

export type CommandResult = { ok: true } | { ok: false; refusal: StartRefusal | { code: 'not-running' | 'not-handshake' | 'not-ready'; message: string } };

export interface TriggerOutcome {
  readonly accepted: boolean;
  /** Why a trigger was not accepted: within 1 s of the last one, or a poll (or backoff) in progress. */
  readonly reason?: 'debounce' | 'busy';
  /** Set when the poll finished within the wait. */
  readonly ok?: boolean;
  readonly tagCount?: number;
  readonly durationMs?: number | null;
  readonly error?: string | null;
}

/**
 * The running collector: devices and their drivers, the engine supervising the groups,
 * the buffer and the sink. Everything with a socket, a timer or a file is wired here;
 * the decisions are the machines'.
 */
export class Collector {
  private readonly drivers = new Map<string, { config: DeviceConfig; driver: DeviceDriver }>();
  private readonly groups = new Map<string, GroupRuntime>();
  readonly buffer: BufferActor;
  private readonly engine: Actor<typeof engineMachine>;
  private plant: StoredPlant;
  private readonly watchers = new Map<string, HandshakeWatcher>();
  /** Last timestamp given to each group's values: a wall-clock step back never repeats one. */
  private readonly lastStamp = new Map<string, number>();
  /** Reads in flight, so a stop can wait for their rows before draining the buffer. */
  private readonly reads = new Set<Promise<unknown>>();
  private readonly stampNow: () => number;
  private readonly pollListeners = new Set<(group: string, durationMs: number, ok: boolean) => void>();

  constructor(
    plant: StoredPlant,
    private readonly deps: CollectorDeps,
  ) {
    this.plant = plant;
    this.stampNow = deps.stamp ?? (deps.clock === systemClock ? Date.now : () => deps.clock.now());
    const { collector } = plant.plant;
    this.buffer = new BufferActor(deps.sink, { capacity: collector.bufferCapacity, flushIntervalMs: collector.flushIntervalMs, flushRows: collector.flushRows, batchMaxRows: collector.batchMaxRows }, deps);
    const group = pollGroupMachine.provide({ actors: { readTags: fromPromise<ReadOutput, ReadInput>(({ input, signal }) => this.readGroup(input, signal)) } });
    this.engine = createActor(engineMachine.provide({ actors: { pollGroup: group } }), {
      clock: deps.clock,
      input: { now: () => deps.clock.now(), maxConcurrent: collector.maxConcurrentGroups },
      ...(deps.inspect ? { inspect: deps.inspect } : {}),
    });
    this.engine.on('group.crashed', (e) => deps.logger.error({ group: e.name, err: e.error, crashes: e.crashes, restartInMs: e.restartInMs }, 'group actor crashed; restarting'));
    this.engine.on('group.startRefused', (e) => deps.logger.warn({ group: e.name }, `group not started: ${e.reason}`));
  }

  /** The collector's name on the value database. */
  get name(): string {
    return this.deps.name ?? 'collector';
  }

  /** Start the buffer and the engine, and load the groups (enabled ones start polling). */
  start(): void {
    this.buffer.start();
    this.engine.start();
    this.apply(this.plant);
  }

  /** Apply a (new) configuration: drivers for changed devices, new plans, engine reload. */
  apply(plant: StoredPlant): void {
    this.plant = plant;
    // Networked sinks keep a table of tag names; it follows every configuration change.
    void this.deps.sink.syncTags?.(tagRefs(plant))?.catch((err: unknown) => this.deps.logger.warn({ err }, 'syncing tag names to the sink failed'));
    const devices = new Map(plant.plant.devices.map((d) => [d.name, d]));
    for (const [name, entry] of this.drivers) {
      const next = devices.get(name);
      if (!next || JSON.stringify(next) !== JSON.stringify(entry.config)) {
        this.drivers.delete(name);
        void entry.driver.close().catch((err: unknown) => this.deps.logger.warn({ err, device: name }, 'closing a driver failed'));
      }
    }
    const previous = new Map(this.groups);
    this.groups.clear();
    const defs: GroupDef[] = [];
    for (const group of plant.plant.groups) {
      const device = devices.get(group.device)!;
      const driver = this.driverFor(device);
      const same = previous.get(group.name);
      if (same && same.config === group && same.device === device && same.driver === driver) {
        // The very objects the last change validated (ConfigService keeps unchanged groups and
        // devices): keep the plan and the filter. A one-field edit in a 100,000-tag plant must
        // not re-plan every group.
        this.groups.set(group.name, same);
        defs.push({ name: group.name, mode: group.mode, intervalMs: group.intervalMs, enabled: group.enabled && device.enabled });
        continue;
      }
      // The last values survive a configuration change (readings are matched by tag id).
      const lastBatch = previous.get(group.name)?.device.name === device.name ? (previous.get(group.name)?.lastBatch ?? null) : null;
      const specs = tagSpecs(group, plant.tagIds);
      const plan = driver.plan(specs);
      // The filter keeps its per-tag state while the group's tags and record settings stay the same.
      const old = previous.get(group.name);
      const filter = old && JSON.stringify(old.config.tags) === JSON.stringify(group.tags) && JSON.stringify(old.config.record) === JSON.stringify(group.record) ? old.filter : new RecordFilter(group, plan.tags);
      this.groups.set(group.name, { config: group, device, driver, plan, filter, lastBatch });
      defs.push({ name: group.name, mode: group.mode, intervalMs: group.intervalMs, enabled: group.enabled && device.enabled });
    }
    this.engine.send({ type: 'engine.load', groups: defs });
    this.restartWatchers();
  }

  /** One PLC-handshake watcher per HANDSHAKE group that names a trigger bit. */
  private restartWatchers(): void {
    for (const w of this.watchers.values()) w.stop();
    this.watchers.clear();
    for (const runtime of this.groups.values()) {
      const trigger = runtime.config.trigger;
      if (runtime.config.mode !== 'handshake' || !trigger) continue;
      const name = runtime.config.name;
      const ref = () => this.engine.getSnapshot().context.groups[name]?.ref ?? null;
      const watcher = new HandshakeWatcher(
        name,
        runtime.driver,
        { trigger: trigger.bit, ack: trigger.ack, watchMs: trigger.watchMs },
        {
          running: () => {
            const r = ref();
            return r !== null && topState(r.getSnapshot().value) !== 'idle';
          },
          trigger: () => {
            const r = ref();
            if (!r) return false;
            const before = r.getSnapshot().context.counters.triggersAccepted;
            r.send({ type: 'group.trigger' });
            return r.getSnapshot().context.counters.triggersAccepted > before;
          },
          pollsOk: () => ref()?.getSnapshot().context.counters.pollsOk ?? 0,
        },
        { clock: this.deps.clock, logger: this.deps.logger },
      );
      this.watchers.set(name, watcher);
      watcher.start();
    }
  }

  private driverFor(device: DeviceConfig): DeviceDriver {
    let entry = this.drivers.get(device.name);
    if (!entry) {
      // Drivers and their links bind the device name to their own log lines.
      const driver = this.deps.protocolOf(device.protocol).createDriver(device, { logger: this.deps.logger, inspect: this.deps.inspect });
      entry = { config: device, driver };
      this.drivers.set(device.name, entry);
    }
    return entry.driver;
  }

  /** The read actor of every group: read the plan, hand the batch to the buffer. */
  private readGroup(input: ReadInput, signal: AbortSignal): Promise<ReadOutput> {
    const read = this.readOnce(input, signal);
    this.reads.add(read);
    void read.then(
      () => this.reads.delete(read),
      () => this.reads.delete(read),
    );
    return read;
  }

  /**
   * One timestamp per poll, from one clock for every protocol, taken when the read starts, and
   * strictly increasing per group: after a wall-clock step back no (tag, ts) repeats, so the
   * sink's natural key never swallows a value as a duplicate.
   */
  private stamp(group: string): number {
    const ts = Math.max(Math.round(this.stampNow()), (this.lastStamp.get(group) ?? Number.NEGATIVE_INFINITY) + 1);
    this.lastStamp.set(group, ts);
    return ts;
  }

  /** Called after every completed read (not our own cancellations): the /metrics histogram. */
  onPoll(listener: (group: string, durationMs: number, ok: boolean) => void): () => void {
    this.pollListeners.add(listener);
    return () => this.pollListeners.delete(listener);
  }

  private notifyPoll(group: string, startedAt: number, ok: boolean): void {
    if (this.pollListeners.size === 0) return;
    const durationMs = this.deps.clock.now() - startedAt;
    for (const l of this.pollListeners) l(group, durationMs, ok);
  }

  private async readOnce(input: ReadInput, signal: AbortSignal): Promise<ReadOutput> {
    const runtime = this.groups.get(input.group);
    if (!runtime) throw new Error(`group "${input.group}" is not configured`);
    const ts = this.stamp(input.group);
    const startedAt = this.deps.clock.now();
    try {
      const read = await runtime.driver.read(runtime.plan, signal);
      this.notifyPoll(input.group, startedAt, true);
      const batch = read.ts === ts ? read : { ...read, ts };
      runtime.lastBatch = batch;
      const recorded = runtime.filter.apply(batch);
      if (recorded.tagIds.length > 0) this.buffer.push(recorded);
      return { tagCount: batch.tagIds.length };
    } catch (err) {
      // Our own cancellation (a stop, a removed group) says nothing about the device: no row.
      if (signal.aborted) throw err instanceof Error ? err : new Error(describeError(err));
      this.notifyPoll(input.group, startedAt, false);
      // A failed read is recorded too: one bad-quality row per tag, so trends show the gap and why.
      const quality = err instanceof DeviceError ? Quality.BAD_DEVICE : err instanceof CommError ? Quality.BAD_COMM : Quality.BAD_CONFIG;
      const batch = failedBatch(runtime.plan.tags, ts, quality);
      runtime.lastBatch = batch;
      const recorded = runtime.filter.apply(batch);
      if (recorded.tagIds.length > 0) this.buffer.push(recorded);
      throw err instanceof Error ? err : new Error(describeError(err));
    }
  }

  private stopping = false;

  /** Polling can be controlled: the engine runs and the collector is not shutting down. */
  get ready(): boolean {
    const snap = this.engine.getSnapshot();
    return !this.stopping && snap.status === 'active' && snap.value === 'ready';
  }

  startGroup(name: string): CommandResult {
    const refusal = startRefusal(this.engine.getSnapshot().context, name);
    if (refusal) return { ok: false, refusal };
    this.engine.send({ type: 'engine.start', name });
    return { ok: true };
  }

  stopGroup(name: string): CommandResult {
    const entry = this.engine.getSnapshot().context.groups[name];
    if (!entry) return { ok: false, refusal: { code: 'unknown', message: `unknown group "${name}"` } };
    const state = entry.ref ? topState(entry.ref.getSnapshot().value) : entry.resume ? 'polling' : 'idle';
    if (state === 'idle') return { ok: false, refusal: { code: 'not-running', message: `group "${name}" is not running` } };
    this.engine.send({ type: 'engine.stop', name });
    return { ok: true };
  }

  startAll(): void {
    this.engine.send({ type: 'engine.startAll' });
  }

  stopAll(): void {
    this.engine.send({ type: 'engine.stopAll' });
  }

  /** Trigger a HANDSHAKE group; wait up to `waitMs` for the poll's outcome (0 = do not wait). */
  async trigger(name: string, waitMs: number): Promise<CommandResult & { outcome?: TriggerOutcome }> {
    const entry = this.engine.getSnapshot().context.groups[name];
    if (!entry) return { ok: false, refusal: { code: 'unknown', message: `unknown group "${name}"` } };
    if (entry.def.mode !== 'handshake') return { ok: false, refusal: { code: 'not-handshake', message: `group "${name}" polls on a FIXED schedule; only HANDSHAKE groups take triggers` } };
    const ref = entry.ref;
    if (!ref || topState(ref.getSnapshot().value) === 'idle') return { ok: false, refusal: { code: 'not-running', message: `group "${name}" is not running` } };
    const snapBefore = ref.getSnapshot();
    const before = snapBefore.context.counters;
    // A group reading or backing off is busy; an idle-waiting one refuses only within its debounce.
    const busy = topState(snapBefore.value) !== 'polling' || JSON.stringify(snapBefore.value) !== JSON.stringify({ polling: 'waiting' });
    ref.send({ type: 'group.trigger' });
    const after = ref.getSnapshot().context.counters;
    if (after.triggersAccepted === before.triggersAccepted) return { ok: true, outcome: { accepted: false, reason: busy ? 'busy' : 'debounce' } };
    if (waitMs <= 0) return { ok: true, outcome: { accepted: true } };
    const outcome = await new Promise<TriggerOutcome>((resolve) => {
      const done = (): boolean => {
        const c = ref.getSnapshot().context;
        if (c.counters.pollsOk > before.pollsOk) return resolve({ accepted: true, ok: true, tagCount: c.lastTagCount, durationMs: c.lastDurationMs }), true;
        if (c.counters.errors > before.errors) return resolve({ accepted: true, ok: false, durationMs: c.lastDurationMs, error: c.lastError }), true;
        return false;
      };
      if (done()) return;
      const timer = this.deps.clock.setTimeout(() => {
        sub.unsubscribe();
        resolve({ accepted: true });
      }, waitMs);
      const sub = ref.subscribe(() => {
        if (done()) {
          this.deps.clock.clearTimeout(timer);
          sub.unsubscribe();
        }
      });
    });
    return { ok: true, outcome };
  }

  /** The configuration the collector runs now. */
  get stored(): StoredPlant {
    return this.plant;
  }

  devices(): DeviceSummary[] {
    return this.plant.plant.devices.map((d) => {
      const driver = this.drivers.get(d.name)?.driver;
      const status = driver?.status() ?? { state: 'UNKNOWN' as const, lastReadingAt: null, lastError: null, lastErrorAt: null };
      const refused = [...this.groups.values()].filter((g) => g.device.name === d.name).flatMap((g) => g.plan.refusedTags?.() ?? []);
      return {
        name: d.name,
        protocol: d.protocol,
        host: d.host,
        port: d.port,
        enabled: d.enabled,
        status: status.state,
        lastReadingAt: status.lastReadingAt !== null ? new Date(status.lastReadingAt).toISOString() : null,
        lastError: status.lastError,
        lastErrorAt: status.lastErrorAt !== null ? new Date(status.lastErrorAt).toISOString() : null,
        tagErrors: new Set(refused.map((r) => r.tag.id)).size,
        lastTagError: lastTagError(refused),
        queueDepth: driver?.queueDepth?.() ?? 0,
        groups: this.plant.plant.groups.filter((g) => g.device === d.name).map((g) => g.name),
      };
    });
  }

  /**
   * Latest readings of a device's tags: undefined for an unknown device, null when none of
   * its groups has polled yet.
   */
  latest(device: string): LatestReading[] | null | undefined {
    if (!this.plant.plant.devices.some((d) => d.name === device)) return undefined;
    let polled = false;
    const out: LatestReading[] = [];
    for (const runtime of this.groups.values()) {
      if (runtime.device.name !== device) continue;
      const readings = this.readingsOfGroup(runtime);
      if (!readings) continue;
      polled = true;
      out.push(...readings);
    }
    return polled ? out : null;
  }

  /** Latest readings of every device that has been polled (or has stored values from before a restart). */
  allLatest(): LatestReading[] {
    const out: LatestReading[] = [];
    for (const runtime of this.groups.values()) out.push(...(this.readingsOfGroup(runtime) ?? []));
    return out;
  }

  /** The group's last poll, else what the value database last stored for its tags (after a restart). */
  private readingsOfGroup(runtime: GroupRuntime): LatestReading[] | null {
    if (runtime.lastBatch) return readingsOf(runtime.device.name, runtime.config, this.plant.tagIds, runtime.lastBatch, refusedOf(runtime));
    return this.restored.get(runtime.config.name) ?? null;
  }

  private readonly restored = new Map<string, LatestReading[]>();

  /**
   * The values the value database last stored for the running tags (keyed device, NUL, tag), shown
   * as the latest readings of each group until its first poll after a restart replaces them.
   */
  restoreLatest(stored: ReadonlyMap<string, StoredPoint>): void {
    this.restored.clear();
    for (const runtime of this.groups.values()) {
      const device = runtime.device.name;
      const readings = runtime.config.tags.flatMap((tag): LatestReading[] => {
        const p = stored.get(`${device}\u0000${tag.name}`);
        return p ? [storedReading(device, runtime.config.name, tag, p)] : [];
      });
      if (readings.length > 0) this.restored.set(runtime.config.name, readings);
    }
  }

  /** What the buffer knows about the writes (delivery adds its own metrics beside these). */
  writerMetrics(): { written: number; inFlight: number; batches: number; failedWrites: number; lastError: string | null; writeLatencyMs: { avg: number; p95: number }; rowsPerSecond: number } {
    const b = this.buffer.status();
    return { written: b.written, inFlight: b.inFlight, batches: b.batches, failedWrites: b.failedWrites, lastError: b.lastError, writeLatencyMs: b.writeLatencyMs, rowsPerSecond: b.rowsPerSecond };
  }

  groupStatus(name: string): GroupStatus | undefined {
    const config = this.plant.plant.groups.find((g) => g.name === name);
    if (!config) return undefined;
    return groupStatus(config, this.engine.getSnapshot().context.groups[name], this.groups.get(name));
  }

  groupStatuses(): GroupStatus[] {
    const groups = this.engine.getSnapshot().context.groups;
    return this.plant.plant.groups.map((g) => groupStatus(g, groups[g.name], this.groups.get(g.name)));
  }

  /** Stop polling (reads in flight finish, 5 s at most), write out the buffer, close everything. */
  async shutdown(options: { drainTimeoutMs?: number } = {}): Promise<{ drained: boolean; unwritten: number }> {
    this.stopping = true;
    for (const w of this.watchers.values()) w.stop();
    this.watchers.clear();
    this.stopAll();
    await this.waitIdle(5000);
    this.engine.stop();
    // engine.stop aborted any read still in flight: let those settle (bounded) so that whatever
    // they hand to the buffer is drained too, not stranded after the drain.
    await this.settleReads(2000);
    const drained = await this.buffer.drain(options.drainTimeoutMs ?? 10_000);
    const status = this.buffer.status();
    const unwritten = status.size + status.inFlight;
    if (!drained) this.deps.logger.error({ unwritten }, 'buffer not drained before the deadline: these rows were not written');
    this.buffer.stop();
    await Promise.all([...this.drivers.values()].map((d) => d.driver.close().catch(() => undefined)));
    this.drivers.clear();
    return { drained, unwritten };
  }

  private settleReads(timeoutMs: number): Promise<void> {
    if (this.reads.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.deps.clock.setTimeout(resolve, timeoutMs);
      void Promise.allSettled([...this.reads]).then(() => {
        this.deps.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  private waitIdle(timeoutMs: number): Promise<void> {
    const allIdle = (): boolean =>
      Object.values(this.engine.getSnapshot().context.groups).every((e) => !e.ref || topState(e.ref.getSnapshot().value) === 'idle');
    return new Promise((resolve) => {
      if (allIdle()) return resolve();
      const started = this.deps.clock.now();
      const check = (): void => {
        if (allIdle() || this.deps.clock.now() - started >= timeoutMs) return resolve();
        this.deps.clock.setTimeout(check, 10);
      };
      this.deps.clock.setTimeout(check, 10);
    });
  }
}

/** Tag id -> the device's answer, for a group's refused tags (undefined when there are none). */
function refusedOf(runtime: GroupRuntime): ReadonlyMap<number, string> | undefined {
  const refused = runtime.plan.refusedTags?.();
  return refused && refused.length > 0 ? new Map(refused.map((r) => [r.tag.id, r.error])) : undefined;
}
