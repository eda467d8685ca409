import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

/**
 * Issue 13: log rotation had no test. With a small size the log rolls to a new file and keeps a
 * bounded number of old ones, so a plant PC's disk cannot fill with logs (default: 20 MB, 14 files).
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('log rotation', () => {
  it('rolls past the size and keeps at most `count` old files, each 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsscada-logroll-'));
    dirs.push(dir);
    const logger = createLogger({ dir, level: 'info', rotate: { size: '2k', count: 2 } });
    const line = 'x'.repeat(200);
    for (let i = 0; i < 200; i++) {
      logger.info({ i, line }, 'filler');
      // pino-roll checks the size as lines arrive at its worker: let it see them in turns.
      if (i % 10 === 9) await sleep(20);
    }
    await sleep(300);
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    await sleep(300);
    const files = readdirSync(join(dir, 'logs')).filter((f) => f.endsWith('.log'));
    // 200 lines of ~260 bytes are ~50 KB: many rolls, but only the newest few files remain.
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThanOrEqual(3);
    for (const f of files) expect(statSync(join(dir, 'logs', f)).mode & 0o777).toBe(0o600);
  });
});
