/**
 * Who writes: a collector's name (unique on one database) and the id of its data directory.
 * The database holds a lease per name (collectors.last_seen_at, renewed every leaseS / 3 in the
 * database's own time): a second process with the same name and another instance id is refused
 * while the lease is fresh. The same data directory restarting (same instance id) always gets its
 * name back; a new data directory (a replaced PC, a restored backup) takes the name over once the
 * old holder stopped cleanly or its lease ran out, and maps back to the same tag ids.
 */
export interface CollectorIdentity {
  readonly name: string;
  readonly instanceId: string;
  readonly host: string;
  readonly version: string;
  readonly leaseS: number;
}

export interface Claim {
  /** The database's id of this collector. */
  readonly collectorId: number;
  /** Set when this instance took the name over from another data directory. */
  readonly tookOverFrom: { readonly instanceId: string; readonly host: string | null } | null;
}

/** The holder of a collector row, as a claim sees it (times as seconds since, in database time). */
export interface CollectorHolder {
  readonly id: number;
  readonly instanceId: string;
  readonly host: string | null;
  /** Seconds since the holder last renewed its lease (null: never). */
  readonly idleS: number | null;
  readonly stopped: boolean;
}

/** The rule every database applies the same way, so the three sinks cannot disagree. */
export function claimDecision(holder: CollectorHolder, me: CollectorIdentity): 'mine' | 'take-over' | 'refuse' {
  if (holder.instanceId === me.instanceId) return 'mine';
  if (holder.stopped || holder.idleS === null || holder.idleS > me.leaseS) return 'take-over';
  return 'refuse';
}

export function refusalMessage(holder: CollectorHolder, me: CollectorIdentity, where: string): string {
  const seen = holder.idleS === null ? 'never' : `${Math.round(holder.idleS)} s ago`;
  return (
    `collector name "${me.name}" is in use on ${where} by another running collector ` +
    `(host ${holder.host ?? 'unknown'}, instance ${holder.instanceId}, last seen ${seen}). ` +
    `Give this collector its own collector.name in the plant file; or, if that collector is gone ` +
    `(its PC replaced, its data directory re-created), start again after its lease expires ` +
    `(${me.leaseS} s after it was last seen).`
  );
}
