/**
 * Running the TypeScript twin in tests: emit NAME.ts in memory (src/twin/emit.ts with the
 * shipped runtime), transpile it with the TypeScript compiler, import it from a temporary
 * .mjs, run golden cases through its run / step, and type-check emitted modules.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import type { GoldenCase } from '../../src/codegen/testdata.js';
import type { QuantModel } from '../../src/ir/qmodel.js';
import { emitTwin } from '../../src/twin/emit.js';

export const TWIN_RUNTIME = readFileSync(new URL('../../runtime-ts/rnnc_twin.ts', import.meta.url), 'utf8');

/** The API of an emitted module (step, createState and reset only for streaming models). */
export interface TwinModule {
  INPUT_SIZE: number;
  OUTPUT_SIZE: number;
  INPUT_FRAC_BITS: number;
  OUTPUT_FRAC_BITS: number;
  OUTPUT_PER_STEP: number;
  OK: number;
  ERR_SIZE: number;
  MAX_SEQ?: number;
  createState?: () => unknown;
  reset?: (s: unknown) => void;
  step?: (s: unknown, x: Int16Array, y: Int16Array) => void;
  run: (x: Int16Array, T: number, y: Int16Array) => number;
  quantizeInput: (x: ArrayLike<number>, xq: Int16Array) => void;
  dequantizeOutput: (yq: Int16Array, y: Float32Array | Float64Array | number[]) => void;
}

/** The API of an encoder–decoder's module. */
export interface DecoderTwinModule {
  INPUT_SIZE: number;
  OUTPUT_SIZE: number;
  MAX_SEQ: number;
  STEPS: number;
  OK: number;
  ERR_FULL: number;
  ERR_EMPTY: number;
  ERR_NOT_BEGUN: number;
  ERR_SIZE: number;
  createState: () => unknown;
  reset: (s: unknown) => void;
  encodeStep: (s: unknown, x: Int16Array) => number;
  decode: (s: unknown, y: Int16Array, kMax: number) => number;
  decodeBegin: (s: unknown) => number;
  decodeStep: (s: unknown, y: Int16Array) => number;
}

export async function emitTwinSource(q: QuantModel, maxSeq = 16): Promise<string> {
  return (await emitTwin(q, TWIN_RUNTIME, { version: 'test', source: `${q.name}.q.json`, maxSeq })).content;
}

let loaded = 0;

/** Transpiles `source` (NAME.ts) to JavaScript as it is, writes it into `dir` and imports it. */
export async function importTwin(source: string, dir: string, name: string): Promise<TwinModule> {
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 } }).outputText;
  const path = join(dir, `${name}-${loaded++}.mjs`);
  writeFileSync(path, js);
  return (await import(pathToFileURL(path).href)) as TwinModule;
}

/** The case's outputs through the module, flattened (mode 0: run; 1: step from a new state). */
export function runCase(m: TwinModule, c: GoldenCase): Int16Array {
  const T = c.inputs.length;
  const x = new Int16Array(T * m.INPUT_SIZE);
  c.inputs.forEach((v, t) => x.set(v, t * m.INPUT_SIZE));
  if (c.mode === 0) {
    const y = new Int16Array((m.OUTPUT_PER_STEP ? T : 1) * m.OUTPUT_SIZE);
    const rc = m.run(x, T, y);
    if (rc !== m.OK) throw new Error(`run returned ${rc}`);
    return y;
  }
  const s = m.createState!();
  const y = new Int16Array(T * m.OUTPUT_SIZE);
  const yt = new Int16Array(m.OUTPUT_SIZE);
  for (let t = 0; t < T; t++) {
    m.step!(s, x.subarray(t * m.INPUT_SIZE, (t + 1) * m.INPUT_SIZE), yt);
    y.set(yt, t * m.OUTPUT_SIZE);
  }
  return y;
}

/** The reference's outputs of a case, flattened. */
export function expectedOf(c: GoldenCase): Int16Array {
  const n = c.expected.reduce((s, y) => s + y.length, 0);
  const out = new Int16Array(n);
  let o = 0;
  for (const y of c.expected) { out.set(y, o); o += y.length; }
  return out;
}

/**
 * Type-checks the files under the strictest options a user may have (strict, no unused
 * locals or parameters, unchecked indexed access) with only the ES2022 library: no DOM,
 * no Node types, so a use of either is an error too. Returns the diagnostics as text.
 */
export function typeCheck(paths: readonly string[]): string[] {
  const program = ts.createProgram(paths as string[], {
    strict: true, noUnusedLocals: true, noUnusedParameters: true, noUncheckedIndexedAccess: true, noImplicitReturns: true,
    exactOptionalPropertyTypes: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022,
    lib: ['lib.es2022.d.ts'], types: [], declaration: true, isolatedModules: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}
