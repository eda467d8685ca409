import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { DeviceDriver } from '../io/driver.js';
import { describeError } from '../io/errors.js';

/**
 * The PLC side of a HANDSHAKE group: the classic PLC/SCADA handshake.
 *   PLC raises the trigger bit -> we poll the group -> we set the ack bit ->
 *   PLC drops the trigger -> we clear the ack bit.
 * The trigger is watched every `watchMs` through the device's link (it queues behind reads, one
 * connection per device). A trigger that stays high after our ack is not a new request; a trigger
 * already high when watching starts is one (the PLC is waiting).
 */
export interface HandshakeHooks {
  /** Is the group polling (a stopped group neither watches nor acks)? */
  running(): boolean;
  /** Ask for one poll; false if the group did not accept it (e.g. within its 1 s debounce). */
  trigger(): boolean;
  /** Polls completed so far: a higher number than at the trigger means our poll is done. */
  pollsOk(): number;
}

type Phase = 'low' | 'polling' | 'acked';

export class HandshakeWatcher {
  private phase: Phase = 'low';
  private baseline = 0;
  private timer: unknown = null;
  private busy = false;
  private stopped = false;
  private lastError: string | null = null;
  /** Completed handshakes (acks written). */
  handshakes = 0;

  constructor(
    private readonly group: string,
    private readonly driver: DeviceDriver,
    private readonly bits: { readonly trigger: string; readonly ack?: string | undefined; readonly watchMs: number },
    private readonly hooks: HandshakeHooks,
    private readonly deps: { clock: Clock; logger: Logger },
  ) {}

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => void this.tick(), this.bits.watchMs);
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return this.schedule();
    if (!this.hooks.running()) {
      this.phase = 'low';
      return this.schedule();
    }
    this.busy = true;
    try {
      await this.step();
      if (this.lastError) this.deps.logger.info({ group: this.group }, 'handshake bits readable again');
      this.lastError = null;
    } catch (err) {
      // Logged once per kind of error (its code), not every watch cycle: an offline PLC
      // would otherwise log ten lines a second. The device link logs the outage itself.
      const kind = (err as { code?: unknown }).code !== undefined ? String((err as { code: unknown }).code) : describeError(err);
      if (kind !== this.lastError) this.deps.logger.warn({ group: this.group, err: describeError(err) }, 'handshake: cannot read or write the PLC bits');
      this.lastError = kind;
    } finally {
      this.busy = false;
      this.schedule();
    }
  }

  private async step(): Promise<void> {
    const { driver } = this;
    if (!driver.readBit) throw new Error('this protocol cannot read bits');
    const trigger = await driver.readBit(this.bits.trigger);
    switch (this.phase) {
      case 'low':
        if (trigger) this.request();
        return;
      case 'polling':
        if (!trigger) {
          this.phase = 'low'; // the PLC withdrew its request
          return;
        }
        if (this.hooks.pollsOk() > this.baseline) {
          if (this.bits.ack) await this.writeAck(true);
          this.handshakes++;
          this.phase = 'acked';
        } else this.request(); // not accepted yet (debounce): ask again while the PLC waits
        return;
      case 'acked':
        if (!trigger) {
          if (this.bits.ack) await this.writeAck(false);
          this.phase = 'low';
        }
        return;
    }
  }

  private request(): void {
    if (this.phase !== 'polling') this.baseline = this.hooks.pollsOk();
    this.hooks.trigger();
    this.phase = 'polling';
  }

  private async writeAck(on: boolean): Promise<void> {
    if (!this.driver.writeBit) throw new Error('this protocol cannot write bits');
    await this.driver.writeBit(this.bits.ack!, on);
  }
}
