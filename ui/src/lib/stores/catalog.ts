import { createSignal, type Accessor } from 'solid-js';
import { errorText } from '../api-error.js';
import type { Endpoints } from '../endpoints.js';
import type { DeviceView, GroupView } from '../schemas/config.js';

/**
 * The configuration as the panel needs it besides the live values: tag types (a bit shows as
 * ON/OFF), units, thresholds and descriptions, and the devices' settings. Loaded on start and
 * after every change made here; `refresh` is cheap and collapses concurrent calls.
 */
export interface TagInfo {
  readonly name: string;
  readonly group: string;
  readonly device: string;
  readonly type: string;
  readonly unit: string | null;
  readonly warn: number | null;
  readonly crit: number | null;
  readonly description: string | null;
  /** What the value's decimals follow (src/io/config/decimals.ts). */
  readonly decimals: number | null;
  readonly scale: number | null;
  readonly offset: number | null;
}

export interface Catalog {
  readonly groups: Accessor<readonly GroupView[]>;
  readonly devices: Accessor<readonly DeviceView[]>;
  readonly tags: Accessor<ReadonlyMap<string, TagInfo>>;
  readonly loaded: Accessor<boolean>;
  readonly error: Accessor<string | null>;
  refresh(): Promise<void>;
}

export function createCatalog(api: Endpoints): Catalog {
  const [groups, setGroups] = createSignal<readonly GroupView[]>([]);
  const [devices, setDevices] = createSignal<readonly DeviceView[]>([]);
  const [tags, setTags] = createSignal<ReadonlyMap<string, TagInfo>>(new Map());
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let inflight: Promise<void> | null = null;

  const load = async (): Promise<void> => {
    try {
      const [g, d] = await Promise.all([api.groups(), api.devices()]);
      const map = new Map<string, TagInfo>();
      for (const group of g) {
        for (const t of group.tags) {
          map.set(t.name, {
            name: t.name,
            group: group.name,
            device: group.device,
            type: t.type,
            unit: t.unit ?? null,
            warn: t.warn ?? null,
            crit: t.crit ?? null,
            description: t.description ?? null,
            decimals: t.decimals ?? null,
            scale: t.scale ?? null,
            offset: t.offset ?? null,
          });
        }
      }
      setGroups(g);
      setDevices(d);
      setTags(map);
      setLoaded(true);
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return {
    groups,
    devices,
    tags,
    loaded,
    error,
    refresh() {
      inflight ??= load().finally(() => (inflight = null));
      return inflight;
    },
  };
}
