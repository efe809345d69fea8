// The layering of src/ (docs/architecture.md): a folder imports only from folders below
// it in LAYERS, so imports run one way through the phases and no two folders depend on
// each other; and the phases that compute in memory open no file and start no process.
// Every import counts, `import type` and `export ... from` included: the graph is read
// with the TypeScript compiler's own scanner (ts.preProcessFile).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

/** Lowest first. `errors` is src/errors.ts; every other layer is a folder of src/. */
const LAYERS = ['errors', 'util', 'ir', 'import', 'data', 'float', 'fixed', 'train', 'quantize', 'codegen', 'twin', 'target', 'verify', 'bench', 'report', 'cli'];

/** The phases that work in memory: their callers read and write the files. */
const PURE = ['ir', 'float', 'fixed', 'quantize', 'codegen', 'twin'];
const IO_MODULES = ['node:fs', 'node:fs/promises', 'fs', 'fs/promises', 'node:child_process', 'child_process', 'execa', 'util/fs.ts', 'util/write.ts'];
/** The exceptions, each with its reason. */
const IO_ALLOWED: Readonly<Record<string, string>> = {
  'ir/io.ts': 'reads and writes model.json (the float format with its file functions)',
  'ir/qio.ts': 'reads and writes model.q.json (the quantized format with its file functions)',
  'codegen/emit.ts': 'reads the runtime headers shipped with the package',
  'codegen/render.ts': 'reads the templates shipped with the package',
  'codegen/output.ts': 'writes the emitted files',
};

/** An import: `from` a file of src/ to a file (both relative to src/) or to a package. */
interface Edge {
  from: string;
  to: string;
  /** `to` is a package (node:fs, execa...), not a file. */
  pkg?: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    return d.isDirectory() ? sourceFiles(path) : d.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): Edge[] {
  const from = relative(SRC, file).split('\\').join('/');
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith('.')) return { from, to: fileName, pkg: true };
    return { from, to: relative(SRC, resolve(dirname(file), fileName)).split('\\').join('/').replace(/\.js$/, '.ts') };
  });
}

/** src/errors.ts → errors; src/ir/qio.ts → ir. */
function layerOf(path: string): string {
  const [first, ...rest] = path.split('/');
  return rest.length === 0 ? first!.replace(/\.ts$/, '') : first!;
}

/** Imports that go up the order, leave src/, or come from a layer the order does not place. */
function upwardImports(edges: readonly Edge[], layers: readonly string[]): string[] {
  const out: string[] = [];
  for (const { from, to, pkg } of edges) {
    if (pkg) continue;
    const a = layerOf(from);
    const b = layerOf(to);
    if (!layers.includes(a)) out.push(`${from}: ${a} has no place in the layer order (docs/architecture.md)`);
    else if (to.startsWith('..')) out.push(`${from} imports ${to}, outside src/`);
    else if (!layers.includes(b)) out.push(`${from} imports ${to}: ${b} has no place in the layer order (docs/architecture.md)`);
    else if (layers.indexOf(b) > layers.indexOf(a)) out.push(`${from} imports ${to}: ${b} is above ${a}`);
  }
  return out;
}

/** Every cycle of the folder graph, as the folders along it from the first by name. */
function folderCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to, pkg } of edges) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (!pkg && a !== b) next.set(a, (next.get(a) ?? new Set()).add(b));
  }
  const cycles: string[][] = [];
  // From each folder, the paths through folders later by name only: each cycle is found once.
  const walk = (path: string[]) => {
    for (const n of next.get(path[path.length - 1]!) ?? []) {
      if (n === path[0]) cycles.push(path);
      else if (n > path[0]! && !path.includes(n)) walk([...path, n]);
    }
  };
  for (const start of [...next.keys()].sort()) walk([start]);
  return cycles;
}

/** Files of the pure phases that import a file or process module, exceptions aside. */
function ioInPurePhases(edges: readonly Edge[]): string[] {
  return edges
    .filter(({ from, to }) => PURE.includes(layerOf(from)) && IO_MODULES.includes(to) && !(from in IO_ALLOWED))
    .map(({ from, to }) => `${from} imports ${to}`);
}

const edges = sourceFiles(SRC).flatMap(importsOf);

describe('layering of src/', () => {
  it('reads the import graph', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges).toContainEqual({ from: 'target/build.ts', to: 'target/targets.ts' });
    expect(edges).toContainEqual({ from: 'cli/compile.ts', to: 'commander', pkg: true });
  });

  it('every folder has its place in the order', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).map((d) => (d.isDirectory() ? d.name : d.name.replace(/\.ts$/, '')));
    expect(folders.filter((f) => !LAYERS.includes(f))).toEqual([]);
  });

  it('imports run down the order only', () => {
    expect(upwardImports(edges, LAYERS)).toEqual([]);
  });

  it('no two folders import each other, directly or through others', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it('the pure phases open no file and start no process', () => {
    expect(ioInPurePhases(edges)).toEqual([]);
    // An exception that no longer needs to be one leaves the list.
    for (const file of Object.keys(IO_ALLOWED)) expect(edges.some((e) => e.from === file && IO_MODULES.includes(e.to)), file).toBe(true);
  });

  it('docs/architecture.md states the same order', () => {
    expect(readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8')).toContain(LAYERS.join(' < '));
  });
});

describe('the checks fail on', () => {
  it('an upward import, a type-only one included', () => {
    expect(upwardImports([{ from: 'ir/qcheck.ts', to: 'fixed/lut.ts' }], LAYERS)).toEqual(['ir/qcheck.ts imports fixed/lut.ts: fixed is above ir']);
    expect(upwardImports([{ from: 'codegen/plan.ts', to: 'target/targets.ts' }], LAYERS)).toHaveLength(1);
    expect(upwardImports([{ from: 'target/build.ts', to: 'codegen/targets.ts' }, { from: 'codegen/plan.ts', to: 'codegen/targets.ts' }], LAYERS)).toEqual([]);
    const scanned = ts.preProcessFile("import type { Target } from '../target/targets.js';\n", true, true).importedFiles;
    expect(scanned.map((f) => f.fileName)).toEqual(['../target/targets.js']);
  });

  it('a folder the order does not place, and an import out of src/', () => {
    expect(upwardImports([{ from: 'toolchain/cc.ts', to: 'errors.ts' }], LAYERS)).toHaveLength(1);
    expect(upwardImports([{ from: 'cli/version.ts', to: '../package.json' }], LAYERS)).toHaveLength(1);
  });

  it('a cycle between folders (the one codegen → verify → target → codegen had)', () => {
    const cycle = [
      { from: 'codegen/measure.ts', to: 'verify/cc.ts' },
      { from: 'verify/harness.ts', to: 'target/build.ts' },
      { from: 'target/build.ts', to: 'codegen/targets.ts' },
      { from: 'quantize/report.ts', to: 'ir/model.ts' },
    ];
    expect(folderCycles(cycle)).toEqual([['codegen', 'verify', 'target']]);
    expect(folderCycles([{ from: 'quantize/calib-data.ts', to: 'quantize/report.ts' }, { from: 'quantize/report.ts', to: 'quantize/calib-data.ts' }])).toEqual([]);
  });

  it('a file read in a pure phase', () => {
    expect(ioInPurePhases([{ from: 'quantize/calib-data.ts', to: 'util/fs.ts' }, { from: 'cli/calib-data.ts', to: 'util/fs.ts' }]))
      .toEqual(['quantize/calib-data.ts imports util/fs.ts']);
  });
});
