// The ONNX schema rnnc decodes with is generated from src/import/onnx/onnx.proto by
// scripts/gen-onnx.mjs (protobufjs' pbjs and pbts): the committed files are what the
// generator writes today, so an edit to the .proto cannot ship without its code.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

it('onnx-schema.ts and onnx-types.d.ts are what scripts/gen-onnx.mjs writes from onnx.proto', () => {
  const out = mkdtempSync(join(tmpdir(), 'rnnc-onnx-schema-'));
  try {
    execFileSync(process.execPath, [join(root, 'scripts/gen-onnx.mjs'), '--out', out]);
    for (const f of ['onnx-schema.ts', 'onnx-types.d.ts']) {
      expect(readFileSync(join(out, f), 'utf8'), `${f}: run npm run gen:onnx`).toBe(readFileSync(join(root, 'src/import/onnx', f), 'utf8'));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
