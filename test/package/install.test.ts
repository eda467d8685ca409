/**
 * The production install, as a plant PC gets it: `npm pack` the built package, install the
 * tarball into an empty prefix (`npm install -g --prefix`, no devDependencies, no tsc), then
 * run the installed `jsscada` from there. Issue 14: `npm ci --omit=dev` failed on
 * `tsc: not found` (prepare built with dev dependencies) and dist/ was not shipped.
 *
 * Needs `npm run build` first (npm test does): the tarball holds dist/src and ui/dist.
 * Runtime dependencies come from the npm cache or the registry; better-sqlite3 compiles
 * from source when no prebuilt binary can be fetched (about a minute).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = process.cwd();
const tmp = mkdtempSync(join(tmpdir(), 'jsscada-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }), 120_000);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.error?.message ?? ''}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('prepare in a production checkout (npm ci --omit=dev after npm run build)', () => {
  it('does not need tsc: it says it uses the built dist/ and succeeds', () => {
    // A copy of the script with no node_modules beside it: what `npm ci --omit=dev` leaves.
    const dir = join(tmp, 'checkout');
    mkdirSync(join(dir, 'scripts'), { recursive: true });
    mkdirSync(join(dir, 'dist', 'src', 'cli'), { recursive: true });
    writeFileSync(join(dir, 'scripts', 'prepare.mjs'), readFileSync(join(root, 'scripts', 'prepare.mjs')));
    writeFileSync(join(dir, 'dist', 'src', 'cli', 'main.js'), '');
    const r = spawnSync(process.execPath, ['scripts/prepare.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('production install (no devDependencies): using the built dist/');
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts).toMatchObject({ prepare: 'node scripts/prepare.mjs', prepack: 'npm run build' });
  });
});

describe('production install from the package', () => {
  const prefix = join(tmp, 'prefix');
  const installed = join(prefix, 'lib', 'node_modules', 'jsscada');
  const jsscada = join(prefix, 'bin', 'jsscada');

  it('npm pack ships the built server and panel, not the sources, tests or benchmarks', () => {
    expect(existsSync(join(root, 'dist', 'src', 'cli', 'main.js')), 'run "npm run build" first (npm test does)').toBe(true);
    expect(existsSync(join(root, 'ui', 'dist', 'index.html')), 'run "npm run build" first (npm test does)').toBe(true);
    // --ignore-scripts: the build above is what prepack would run; the test does not build twice.
    const packed = JSON.parse(run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root)) as { filename: string; files: { path: string }[] }[];
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain('bin/jsscada.js');
    expect(files).toContain('dist/src/cli/main.js');
    expect(files).toContain('ui/dist/index.html');
    expect(files).toContain('config/demo.yaml');
    expect(files).toContain('deploy/jsscada.service');
    expect(files.filter((f) => /^(src|test|bench|dist\/bench|ui\/src)\//.test(f))).toEqual([]);
    writeFileSync(join(tmp, 'tarball'), join(tmp, packed[0]!.filename));
  }, 120_000);

  it('installs into an empty prefix without devDependencies or a build step', () => {
    const tarball = readFileSync(join(tmp, 'tarball'), 'utf8');
    mkdirSync(prefix);
    run(npm, ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], tmp);
    expect(existsSync(jsscada)).toBe(true);
    expect(existsSync(join(installed, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
    // No compiler or bundler came along: the tarball is already built.
    for (const dev of ['typescript', 'vite', 'vitest', 'tsx']) expect(existsSync(join(installed, 'node_modules', dev)), dev).toBe(false);
  }, 600_000);

  it('the installed jsscada checks a plant file, runs it, serves the panel and stops with exit 0 on SIGTERM', async () => {
    const plant = join(tmp, 'plant.yaml');
    writeFileSync(
      plant,
      [
        'devices:',
        '  - { name: plc1, protocol: sim, host: 127.0.0.1, port: 1 }',
        'groups:',
        '  - name: g1',
        '    device: plc1',
        '    intervalMs: 100',
        '    tags: [{ name: t1, address: D1, type: int16 }]',
        '',
      ].join('\n'),
    );
    expect(run(jsscada, ['check', plant], tmp)).toContain('valid (1 devices, 1 groups, 1 tags)');

    const data = join(tmp, 'data');
    const child = spawn(jsscada, ['run', '--config', plant, '--data', data, '--port', '0', '--host', '127.0.0.1'], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setInterval(() => {
          const m = /HTTP API on http:\/\/[^:/]+:(\d+)\//.exec(output);
          if (m && Number(m[1]) > 0) clearInterval(timer), resolve(Number(m[1]));
          if (child.exitCode !== null) clearInterval(timer), reject(new Error(`jsscada exited ${child.exitCode}:\n${output}`));
        }, 100);
      });
      const panel = await fetch(`http://127.0.0.1:${port}/`);
      expect(panel.status).toBe(200);
      expect(await panel.text()).toContain('<div id');
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
    expect(existsSync(join(data, 'jsscada.db'))).toBe(true);
  }, 60_000);
});
