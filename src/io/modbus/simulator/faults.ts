import type { Hole } from './pdu.js';

/**
 * Fault switches of the Modbus simulator, flipped at run time by tests and the demo, so every
 * way a real device misbehaves on a plant network can be reproduced over loopback.
 */

export interface FaultSettings {
  /** Every reply waits this long: a slow device (or a busy serial gateway behind it). */
  readonly latencyMs: number;
  /** The next `lateReplies` replies wait `lateReplyMs` more: answers that arrive after the client gave up. */
  readonly lateReplies: number;
  readonly lateReplyMs: number;
  /** Requests are read and never answered; the connection stays open. */
  readonly silent: boolean;
  /** Each reply is written in pieces of this many bytes, one write per event-loop turn (0 = whole). */
  readonly splitBytes: number;
  /** Replies stop halfway and the connection is reset (TCP RST), until switched off. */
  readonly resetMidResponse: boolean;
  /** Every request is answered with this exception code (e.g. 4, 6, 11), or null. */
  readonly exception: number | null;
  /**
   * Ranges answered with exception 02 (illegal data address) from now on, like the construction-time
   * `holes` but switchable at run time: a device whose register map ends at HR9999 is
   * `[{ table: 'holding', start: 10000, count: 55536 }]`.
   */
  readonly refuse: readonly Hole[];
}

export const NO_FAULTS: FaultSettings = {
  latencyMs: 0,
  lateReplies: 0,
  lateReplyMs: 0,
  silent: false,
  splitBytes: 0,
  resetMidResponse: false,
  exception: null,
  refuse: [],
};

export class ModbusFaults {
  private settings: FaultSettings = NO_FAULTS;

  /** Change some switches; the others keep their value. */
  set(change: Partial<FaultSettings>): void {
    const next = { ...this.settings, ...change };
    for (const key of ['latencyMs', 'lateReplies', 'lateReplyMs', 'splitBytes'] as const) {
      if (!Number.isInteger(next[key]) || next[key] < 0) throw new RangeError(`fault ${key} must be a whole number >= 0, got ${next[key]}`);
    }
    this.settings = next;
  }

  /** All switches off. */
  reset(): void {
    this.settings = NO_FAULTS;
  }

  get current(): FaultSettings {
    return this.settings;
  }

  /** How long the reply being prepared waits; counts down the late replies. */
  takeDelay(): number {
    let delay = this.settings.latencyMs;
    if (this.settings.lateReplies > 0) {
      delay += this.settings.lateReplyMs;
      this.settings = { ...this.settings, lateReplies: this.settings.lateReplies - 1 };
    }
    return delay;
  }
}
