// Golden output: each folder in cases/ holds a float model.json; its emitted NAME.h and
// NAME.c are compared with _expected/ (review the diff when templates change; update
// with `npx vitest run test/golden -u`). FILTER=<case> runs one case.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitModel } from '../../src/codegen/emit.js';
import { getTarget } from '../../src/target/targets.js';
import { loadModel } from '../../src/ir/io.js';
import { quantizeModel } from '../../src/quantize/quantize.js';

const CASES = new URL('./cases/', import.meta.url).pathname;
const filter = process.env.FILTER;

describe('golden emitted C', () => {
  for (const name of readdirSync(CASES).filter((c) => !filter || c === filter)) {
    it(name, async () => {
      const q = quantizeModel(loadModel(join(CASES, name, 'model.json')), { producer: 'rnnc golden' });
      const { files } = emitModel(q, getTarget('cortex-m4'), { version: 'golden', source: 'model.json', maxSeq: 8 });
      for (const f of files.filter((x) => x.name.startsWith(q.name))) {
        await expect(f.content).toMatchFileSnapshot(join(CASES, name, '_expected', f.name));
      }
    });
  }
});
