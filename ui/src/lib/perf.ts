/**
 * How long the panel spends applying each kind of update, kept in small rings (never the
 * browser's performance timeline, which would grow for a whole shift). The e2e load test reads
 * them through `window.__jsscadaPerf`.
 */
const RING = 600;
const rings = new Map<string, number[]>();

export function recordSample(name: string, ms: number): void {
  let ring = rings.get(name);
  if (!ring) {
    ring = [];
    rings.set(name, ring);
  }
  ring.push(ms);
  if (ring.length > RING) ring.splice(0, ring.length - RING);
}

export function timed<T>(name: string, fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    recordSample(name, performance.now() - t0);
  }
}

export function perfSamples(name: string): readonly number[] {
  return rings.get(name) ?? [];
}

export function perfNames(): string[] {
  return [...rings.keys()];
}

export function resetPerf(): void {
  rings.clear();
}

interface PerfApi {
  samples(name: string): readonly number[];
  names(): string[];
  reset(): void;
}

declare global {
  var __jsscadaPerf: PerfApi | undefined;
}

globalThis.__jsscadaPerf = { samples: perfSamples, names: perfNames, reset: resetPerf };
