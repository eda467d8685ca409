import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Summaries of V8 .cpuprofile files (node --cpu-prof): self time per function and per source
 * file, so a missed target comes with "where the CPU went" in a few lines instead of a flame graph.
 */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface Frame {
  readonly name: string;
  readonly where: string;
  readonly selfMs: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly durationMs: number;
  /** Sampled time that was not idle. */
  readonly busyMs: number;
  readonly topFrames: readonly Frame[];
  readonly topFiles: readonly Frame[];
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/** file:///work/main/src/x.ts -> src/x.ts; node:internal stays as is; node_modules -> package name. */
function shortUrl(url: string): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 13).split('/');
    return `npm:${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  return path.startsWith(root) ? path.slice(root.length) : path;
}

/** `skipMs`: ignore the first milliseconds of the profile (start-up: module loading, JIT, warm-up). */
export function summarizeProfile(file: string, top = 15, skipMs = 0): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node from samples x time deltas (hitCount alone ignores uneven sampling).
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (at - profile.startTime < skipMs * 1000) continue;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  }
  const frames = new Map<string, { name: string; where: string; us: number }>();
  const files = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const name = functionName || '(anonymous)';
    const key = `${name}@${where}`;
    const f = frames.get(key) ?? { name, where, us: 0 };
    f.us += us;
    frames.set(key, f);
    const fileKey = url ? shortUrl(url) : name.startsWith('(') ? name : '(native)';
    files.set(fileKey, (files.get(fileKey) ?? 0) + us);
  }
  const pct = (us: number): number => (busy > 0 ? (us / busy) * 100 : 0);
  return {
    file,
    durationMs: Math.max(0, (profile.endTime - profile.startTime) / 1000 - skipMs),
    busyMs: busy / 1000,
    topFrames: [...frames.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ name: f.name, where: f.where, selfMs: f.us / 1000, percent: pct(f.us) })),
    topFiles: [...files.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([where, us]) => ({ name: where, where, selfMs: us / 1000, percent: pct(us) })),
  };
}

export function profilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .map((f) => join(dir, f));
}
