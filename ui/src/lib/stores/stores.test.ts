import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import pollingSnapshot from '../../test-fixtures/pollingSnapshot.json';
import devicesSnapshot from '../../test-fixtures/devicesSnapshot.json';
import { fakeStreams } from '../../test-support/fake-streams.js';
import { syntheticGroup, syntheticReadings } from '../../test-support/synthetic.js';
import { createDevicesStore } from './devices.js';
import { createInspectStore, eventText, stateText } from './inspect.js';
import { createPollingStore } from './polling.js';

const noFrames = { requestFrame: () => 0, cancelFrame: () => undefined, maxDelayMs: 60_000 };

describe('polling store', () => {
  function setup() {
    return createRoot(() => {
      const streams = fakeStreams();
      const store = createPollingStore({ streams: streams.factory, frames: noFrames });
      return { streams, store };
    });
  }

  it('takes the snapshot as the whole truth', () => {
    const { streams, store } = setup();
    streams.send('/api/polling/stream', [{ type: 'snapshot', data: pollingSnapshot }]);
    expect(store.names()).toEqual(pollingSnapshot.groups.map((g) => g.name));
    expect(store.groups['press-fast']?.state).toBe('polling');
    expect(store.engine()?.runningGroups).toBe(7);
    expect(store.buffer()?.capacity).toBe(10_000);
  });

  it('coalesces group messages until the frame and keeps only the newest per group', () => {
    const { streams, store } = setup();
    streams.send('/api/polling/stream', [{ type: 'snapshot', data: pollingSnapshot }]);
    const g = pollingSnapshot.groups[0]!;
    streams.send('/api/polling/stream', [
      { type: 'group', data: { ...g, counters: { ...g.counters, pollsOk: 100 } } },
      { type: 'group', data: { ...g, counters: { ...g.counters, pollsOk: 101 } } },
    ]);
    // Not applied before the frame.
    expect(store.groups[g.name]?.counters.pollsOk).toBe(g.counters.pollsOk);
    store.flush();
    expect(store.groups[g.name]?.counters.pollsOk).toBe(101);
  });

  it('updates a group in place: the same store object, the list of names untouched', () => {
    const { streams, store } = setup();
    streams.send('/api/polling/stream', [{ type: 'snapshot', data: pollingSnapshot }]);
    const before = store.groups['oven'];
    const names = store.names();
    streams.send('/api/polling/stream', [{ type: 'group', data: { ...pollingSnapshot.groups[3], state: 'idle' } }]);
    store.flush();
    expect(store.groups['oven']).toBe(before);
    expect(store.groups['oven']?.state).toBe('idle');
    expect(store.names()).toBe(names);
  });

  it('adds and removes groups, and applies a status from a REST answer at once', () => {
    const { streams, store } = setup();
    streams.send('/api/polling/stream', [{ type: 'snapshot', data: pollingSnapshot }]);
    streams.send('/api/polling/stream', [
      { type: 'group.removed', data: { name: 'oven' } },
      { type: 'group', data: { ...pollingSnapshot.groups[0], name: 'new-group' } },
    ]);
    store.flush();
    expect(store.names()).not.toContain('oven');
    expect(store.names()[store.names().length - 1]).toBe('new-group');
    store.applyGroup({ ...syntheticGroup(1), name: 'press-fast', state: 'idle' });
    expect(store.groups['press-fast']?.state).toBe('idle');
  });

  it('shows a payload that does not match instead of dropping it silently, and ignores unknown events', () => {
    const { streams, store } = setup();
    streams.send('/api/polling/stream', [{ type: 'group', data: { name: 'x', state: 'polling' } }, { type: 'something.new', data: {} }]);
    expect(store.protocolError()).toContain('polling group');
  });
});

describe('devices store', () => {
  it('applies a batch: devices, readings by tag, tag lists per device', () => {
    createRoot(() => {
      const streams = fakeStreams();
      const store = createDevicesStore({ streams: streams.factory, frames: noFrames });
      streams.send('/api/devices/stream', [{ type: 'snapshot', data: devicesSnapshot }]);
      store.flush();
      expect(store.deviceNames()).toEqual(['line1', 'line2', 'pumps']);
      expect(store.tagsOf('line1')).toContain('temp1');
      expect(store.reading('temp1')?.unit).toBe('C');
      expect(store.batchAt()).toBe(devicesSnapshot.at);
    });
  });

  it('keeps each reading object and only changes the fields that changed', () => {
    createRoot(() => {
      const streams = fakeStreams();
      const store = createDevicesStore({ streams: streams.factory, frames: noFrames });
      const first = syntheticReadings(10, 2, 0);
      streams.send('/api/devices/stream', [{ type: 'batch', data: { at: 'a', devices: [{ name: 'plc-0', status: 'ONLINE', lastReadingAt: null, lastError: null }], readings: first } }]);
      store.flush();
      const r0 = store.reading('tag-00000');
      const list = store.tagsOf('plc-0');
      streams.send('/api/devices/stream', [{ type: 'batch', data: { at: 'b', devices: [{ name: 'plc-0', status: 'OFFLINE', lastReadingAt: null, lastError: 'gone' }], readings: syntheticReadings(10, 2, 1) } }]);
      store.flush();
      expect(store.reading('tag-00000')).toBe(r0);
      expect(store.tagsOf('plc-0')).toBe(list);
      expect(store.reading('tag-00000')?.value).toBe(syntheticReadings(10, 2, 1)[0]!.value);
      expect(store.devices['plc-0']?.status).toBe('OFFLINE');
    });
  });
});

describe('inspect store', () => {
  it('follows actors through records and logs events and state changes, bounded', () => {
    createRoot(() => {
      const streams = fakeStreams();
      const store = createInspectStore({ streams: streams.factory, logSize: 5 });
      const release = store.acquire();
      expect(streams.started.has('/api/inspect/stream')).toBe(true);
      streams.send('/api/inspect/stream', [{ type: 'actors', data: [{ actorId: 'g#0', machine: 'pollGroup', parentId: 'x:1', value: 'idle', status: 'active', context: {}, updatedAt: 1 }] }]);
      expect(store.actorIds()).toEqual(['g#0']);
      const base = { at: 10, actorId: 'g#0' };
      streams.send('/api/inspect/stream', [
        {
          type: 'records',
          data: {
            dropped: 3,
            records: [
              { ...base, seq: 1, kind: 'event', sourceId: null, event: { type: 'group.start' } },
              { ...base, seq: 2, kind: 'snapshot', machine: 'pollGroup', value: { polling: 'due' }, status: 'active', context: { n: 1 } },
              { ...base, seq: 3, kind: 'event', sourceId: null, event: { type: 'xstate.after.untilSlot.pollGroup.polling.due' } },
              { ...base, seq: 4, kind: 'snapshot', machine: 'pollGroup', value: { polling: 'due' }, status: 'active', context: { n: 2 } },
              { seq: 5, at: 11, kind: 'actor', actorId: 'g#1', machine: 'pollGroup', parentId: 'x:1' },
              { seq: 6, at: 12, kind: 'stopped', actorId: 'g#0' },
            ],
          },
        },
      ]);
      expect(store.actorIds()).toEqual(['g#1']);
      expect(store.dropped()).toBe(3);
      // The repeated snapshot in the same state is not a state change.
      expect(store.log().map((e) => `${e.kind}:${e.text}`)).toEqual(['event:group.start', 'state:polling.due', 'event:after untilSlot', 'actor:started (pollGroup)', 'stopped:stopped']);
      // Bounded: the oldest goes.
      streams.send('/api/inspect/stream', [{ type: 'records', data: { dropped: 0, records: [{ seq: 7, at: 13, actorId: 'g#1', kind: 'event', sourceId: null, event: { type: 'group.start' } }] } }]);
      expect(store.log()).toHaveLength(5);
      expect(store.log()[0]!.text).toBe('polling.due');
      release();
      expect(streams.started.has('/api/inspect/stream')).toBe(false);
    });
  });

  it('writes XState internals the way a reader says them', () => {
    expect(eventText('xstate.done.actor.0.pollGroup.polling.reading')).toBe('done: polling.reading');
    expect(eventText('xstate.error.actor.0.deviceLink.connecting')).toBe('error: connecting');
    expect(eventText('xstate.after.backoff.pollGroup.backoff')).toBe('after backoff');
    expect(eventText('group.trigger')).toBe('group.trigger');
    expect(stateText({ polling: { reading: 'stopping' } })).toBe('polling.reading.stopping');
    expect(stateText('idle')).toBe('idle');
  });
});
