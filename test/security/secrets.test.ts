import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import type { HttpApp } from '../../src/http/app.js';
import { REDACTED } from '../../src/io/config/secrets.js';
import { parsePlantYaml } from '../../src/io/config/yaml-file.js';
import { resolveOracleSettings } from '../../src/io/sink/oracle/settings.js';
import { resolvePostgresSettings } from '../../src/io/sink/postgres/settings.js';
import { makeApp, PLANT_YAML, startPlant, type TestPlant } from '../http/helpers.js';

/**
 * Issue 12, finding 1: with default settings (reads open) GET /api/config/export returned the
 * sink password and a URL with a password in clear, and `jsscada export` printed server.token.
 */

const SINK_PASSWORD = 'sink-pass-Zq81';
const URL_PASSWORD = 'url-pass-Kw27';
const TOKEN = 'server-token-Hx55-0123456789';
const SECRETS = [SINK_PASSWORD, URL_PASSWORD, TOKEN];

const tmp = mkdtempSync(join(tmpdir(), 'jsscada-secrets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

const SECRET_PLANT = `${PLANT_YAML}sink: { kind: postgres, url: "postgres://collector:${URL_PASSWORD}@db.plant:5432/scada", password: ${SINK_PASSWORD} }
server: { token: ${TOKEN} }
`;

describe('secrets in the API', () => {
  let plant: TestPlant;
  let http: HttpApp;
  beforeAll(async () => {
    plant = await startPlant(`${PLANT_YAML}server: { token: ${TOKEN} }\n`);
    // The running plant as if its sink were PostgreSQL (the route serves what the collector runs).
    const stored = plant.running.collector.stored;
    const sink = parsePlantYaml(SECRET_PLANT, 'plant.yaml').sink;
    plant.running.collector.apply({ ...stored, plant: { ...stored.plant, sink } });
    http = makeApp(plant);
  });
  afterAll(async () => {
    http.close();
    await plant.stop();
  });

  it('GET /api/config/export carries no password, no password in a URL and no token: each is the redaction marker', async () => {
    const res = await http.request('/api/config/export');
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const exported = parsePlantYaml(text, 'export.yaml');
    expect(exported.sink).toMatchObject({ kind: 'postgres', password: REDACTED, url: `postgres://collector:${REDACTED}@db.plant:5432/scada` });
    expect(exported.server.token).toBe(REDACTED);
  });

  it('no configuration read of the API returns a secret', async () => {
    for (const path of ['/api/devices', '/api/groups', '/api/groups/fast', '/api/groups/fast/tags', '/api/polling/status', '/api/writer/metrics', '/api/buffer/status', '/api/config/tags.csv', '/metrics', '/openapi.json']) {
      const text = await (await http.request(path)).text();
      for (const secret of SECRETS) expect(text, path).not.toContain(secret);
    }
  });
});

describe('secrets in the command line', () => {
  const data = join(tmp, 'store');
  const file = join(tmp, 'secret-plant.yaml');

  it('jsscada export prints no secret unless --with-secrets', async () => {
    writeFileSync(file, SECRET_PLANT);
    expect(await main(['import', file, '--data', data], capture())).toBe(0);
    const plain = capture();
    expect(await main(['export', '--data', data], plain)).toBe(0);
    const text = plain.stdout.join('\n');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain(REDACTED);

    const full = capture();
    expect(await main(['export', '--data', data, '--with-secrets'], full)).toBe(0);
    for (const secret of SECRETS) expect(full.stdout.join('\n')).toContain(secret);
  });

  it('importing a redacted export keeps the stored secrets', async () => {
    const exported = join(tmp, 'exported.yaml');
    expect(await main(['export', exported, '--data', data], capture())).toBe(0);
    const io = capture();
    expect(await main(['import', exported, '--data', data], io), io.stderr.join('\n')).toBe(0);
    const full = capture();
    expect(await main(['export', '--data', data, '--with-secrets'], full)).toBe(0);
    const again = parsePlantYaml(full.stdout.join('\n'), 'again.yaml');
    expect(again.sink).toMatchObject({ password: SINK_PASSWORD, url: `postgres://collector:${URL_PASSWORD}@db.plant:5432/scada` });
    expect(again.server.token).toBe(TOKEN);
  });

  it('a redacted export imported into a store that holds no secret is refused, naming the field', async () => {
    const exported = join(tmp, 'exported.yaml');
    const io = capture();
    expect(await main(['import', exported, '--data', join(tmp, 'fresh')], io)).toBe(2);
    const err = io.stderr.join('\n');
    expect(err).toContain('sink.password');
    expect(err).toContain('server.token');
    expect(err).toMatch(/redacted/);
  });
});

describe('passwords from a file or the environment', () => {
  it('passwordFile gives the sink password (one trailing newline dropped)', () => {
    const pwFile = join(tmp, 'pg-password');
    writeFileSync(pwFile, 'from-a-file\n', { mode: 0o600 });
    const pg = resolvePostgresSettings({ host: 'db', user: 'u', passwordFile: pwFile, rejectsPath: join(tmp, 'r.jsonl') }, 'schema.sql', {});
    expect(pg.client.password).toBe('from-a-file');
    const ora = resolveOracleSettings({ user: 'u', connectString: 'db/x', passwordFile: pwFile, rejectsPath: join(tmp, 'r.jsonl'), envFile: join(tmp, 'none.env') }, {});
    expect(ora.password).toBe('from-a-file');
  });

  it('a passwordFile that cannot be read is named', () => {
    expect(() => resolvePostgresSettings({ host: 'db', passwordFile: join(tmp, 'missing'), rejectsPath: 'r' }, 's', {})).toThrow(/missing.*(no such file|ENOENT)/);
  });

  it('password and passwordFile together are refused by validation', () => {
    expect(() => parsePlantYaml(`sink: { kind: postgres, host: db, password: x, passwordFile: /run/secrets/pg }\n`, 'p.yaml')).toThrow(/sink.password.*passwordFile|passwordFile.*password/);
  });

  it('the environment still gives the Oracle password (ORACLE_PASSWORD)', () => {
    const ora = resolveOracleSettings({ user: 'u', connectString: 'db/x', rejectsPath: 'r', envFile: join(tmp, 'none.env') }, { ORACLE_PASSWORD: 'from-env' });
    expect(ora.password).toBe('from-env');
  });
});
