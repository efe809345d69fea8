// The npm package as a user gets it: `npm pack`, then `npm install -g` into a temporary
// prefix, then rnnc run from a folder outside the project. The package must carry what
// the commands read at run time (templates, C runtime, boards), what --help points to
// (docs/) and the sample data (examples/), and decode ONNX with one protobufjs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
let tmp = '';
let pkg = '';
let bin = '';
let work = '';

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'rnnc-global-'));
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
  // --prefer-offline: the dependencies come from the cache npm ci filled, when it has them.
  execFileSync('npm', ['install', '-g', '--prefix', join(tmp, 'prefix'), '--prefer-offline', '--no-audit', '--no-fund', join(tmp, name)], { cwd: tmp, stdio: 'pipe' });
  pkg = join(tmp, 'prefix/lib/node_modules/rnnc');
  bin = join(tmp, 'prefix/bin/rnnc');
  work = join(tmp, 'work');
  mkdirSync(work);
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const rnnc = (...args: string[]) => execFileSync(bin, args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Installed copies of package `name` under node_modules (nested ones included). */
function copies(nodeModules: string, name: string): number {
  const paths = readdirSync(nodeModules, { recursive: true, encoding: 'utf8' }).map((p) => p.split('\\').join('/'));
  return paths.filter((p) => p === `${name}/package.json` || p.endsWith(`/node_modules/${name}/package.json`)).length;
}

describe('a global install from the packed tarball', () => {
  it('carries docs/, examples/ and the files the commands read; one protobufjs', () => {
    for (const f of ['docs/data-format.md', 'docs/model-format.md', 'examples/data/sunspots.csv', 'examples/gesture/generate.mjs', 'templates/model.c.hbs', 'runtime-c', 'boards']) {
      expect(existsSync(join(pkg, f)), f).toBe(true);
    }
    expect(existsSync(join(pkg, 'node_modules/onnx-proto'))).toBe(false);
    expect(copies(join(pkg, 'node_modules'), 'protobufjs')).toBe(1);
  });

  it('runs from any folder: version, train on the packaged sample data, compile, import an ONNX file', () => {
    expect(rnnc('--version').trim()).toBe(version);
    rnnc('train', '--data', join(pkg, 'examples/data/sunspots.csv'), '--window', '8', '--features', 'sunspots', '--arch', 'gru:4,dense:1', '--epochs', '2', '-o', 'm.json');
    rnnc('compile', 'm.json', '-o', 'out');
    expect(readdirSync(join(work, 'out')).filter((f) => f.endsWith('.c') || f.endsWith('.h')).length).toBeGreaterThanOrEqual(2);
    const shown = rnnc('inspect', join(root, 'test/fixtures/onnx/patterns/conv_gru_pad.onnx'));
    expect(shown).toMatch(/conv1d .*gru .*dense/s);
  });
});
