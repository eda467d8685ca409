import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { HandshakeWatcher } from '../../src/actors/handshake-watcher.js';
import type { DeviceDriver } from '../../src/io/driver.js';
import { silentLogger } from '../../src/log.js';
import { CommError } from '../../src/io/errors.js';
import { advance } from '../support/sim-time.js';

/**
 * The PLC-driven handshake (issue 13: it had no test): rising edge of the trigger -> one poll ->
 * ack set; trigger dropped -> ack cleared; a trigger that stays high is not a new request.
 */

class PlcBits {
  readonly bits = new Map<string, boolean>();
  readonly writes: [string, boolean][] = [];
  reads = 0;
  failing: Error | null = null;
  driver(): DeviceDriver {
    return {
      readBit: async (address: string) => {
        this.reads++;
        if (this.failing) throw this.failing;
        return this.bits.get(address) ?? false;
      },
      writeBit: async (address: string, on: boolean) => {
        if (this.failing) throw this.failing;
        this.writes.push([address, on]);
        this.bits.set(address, on);
      },
    } as unknown as DeviceDriver;
  }
}

function setup(options: { accept?: () => boolean; running?: () => boolean } = {}) {
  const clock = new SimulatedClock();
  const plc = new PlcBits();
  let polls = 0;
  const triggers: number[] = [];
  const hooks = {
    running: options.running ?? (() => true),
    trigger: () => {
      triggers.push(clock.now());
      const ok = options.accept?.() ?? true;
      // The poll completes one watch period later (a read on the same link).
      if (ok) clock.setTimeout(() => polls++, 30);
      return ok;
    },
    pollsOk: () => polls,
  };
  const warnings: string[] = [];
  const logger = silentLogger();
  logger.warn = ((obj: unknown, msg?: string) => warnings.push(msg ?? String(obj))) as typeof logger.warn;
  const watcher = new HandshakeWatcher('batch', plc.driver(), { trigger: 'M100', ack: 'M101', watchMs: 50 }, hooks, { clock, logger });
  return { clock, plc, watcher, triggers, warnings, polls: () => polls };
}

describe('HandshakeWatcher', () => {
  it('polls once on the rising edge, sets the ack after the poll, clears it when the PLC drops the trigger', async () => {
    const { clock, plc, watcher, triggers, polls } = setup();
    watcher.start();
    await advance(clock, 200);
    expect(triggers).toEqual([]);
    plc.bits.set('M100', true);
    await advance(clock, 300);
    // One poll for one rising edge, however long the PLC holds the trigger.
    expect(triggers).toHaveLength(1);
    expect(polls()).toBe(1);
    expect(plc.writes).toEqual([['M101', true]]);
    expect(watcher.handshakes).toBe(1);
    plc.bits.set('M100', false);
    await advance(clock, 100);
    expect(plc.writes).toEqual([
      ['M101', true],
      ['M101', false],
    ]);
    // The next rising edge is a new request.
    plc.bits.set('M100', true);
    await advance(clock, 300);
    expect(triggers).toHaveLength(2);
    expect(watcher.handshakes).toBe(2);
    watcher.stop();
  });

  it('a trigger the PLC withdraws before the poll completes gets no ack', async () => {
    const { clock, plc, watcher, triggers } = setup({ accept: () => false });
    watcher.start();
    plc.bits.set('M100', true);
    await advance(clock, 120);
    expect(triggers.length).toBeGreaterThanOrEqual(1);
    plc.bits.set('M100', false);
    await advance(clock, 200);
    expect(plc.writes).toEqual([]);
    expect(watcher.handshakes).toBe(0);
    watcher.stop();
  });

  it('asks again while a request is refused (debounce), and acks once it is served', async () => {
    let accept = false;
    const { clock, plc, watcher, triggers } = setup({ accept: () => accept });
    watcher.start();
    plc.bits.set('M100', true);
    await advance(clock, 220);
    expect(triggers.length).toBeGreaterThanOrEqual(3);
    expect(plc.writes).toEqual([]);
    accept = true;
    await advance(clock, 200);
    expect(plc.writes).toEqual([['M101', true]]);
    watcher.stop();
  });

  it('a stopped group neither watches the trigger into a poll nor acks', async () => {
    const { clock, plc, watcher, triggers } = setup({ running: () => false });
    watcher.start();
    plc.bits.set('M100', true);
    await advance(clock, 300);
    expect(triggers).toEqual([]);
    expect(plc.writes).toEqual([]);
    watcher.stop();
  });

  it('logs an unreadable PLC once per kind of error, not every watch cycle, and carries on when it is back', async () => {
    const { clock, plc, watcher, warnings, triggers } = setup();
    plc.failing = new CommError('OFFLINE', 'device "plc" is offline');
    watcher.start();
    await advance(clock, 1000);
    expect(plc.reads).toBeGreaterThanOrEqual(15);
    expect(warnings).toEqual(['handshake: cannot read or write the PLC bits']);
    plc.failing = null;
    plc.bits.set('M100', true);
    await advance(clock, 300);
    expect(triggers).toHaveLength(1);
    watcher.stop();
    const reads = plc.reads;
    await advance(clock, 500);
    expect(plc.reads).toBe(reads);
  });
});
