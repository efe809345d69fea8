/**
 * What the importers refuse beyond the hostile CLI suite (test/cli/hostile-import.test.ts):
 * the finer ONNX rules (opset declarations, attribute types, node order, element types,
 * folded sizes) and the rarer shard-path cases, each with the message a user sees.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RnncError } from '../../../src/errors.js';
import { loadAnyModel } from '../../../src/import/detect.js';
import { importOnnx } from '../../../src/import/onnx/import.js';
import { type ModelProto, onnx } from '../../../src/import/onnx/proto.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- mutations reach into raw JSON */
type Json = any;

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;
const { AttributeType } = onnx.AttributeProto;
const { DataType } = onnx.TensorProto;

function edited(fixture: string, edit: (m: ModelProto) => void): Uint8Array {
  const m = onnx.ModelProto.decode(readFileSync(join(fixtures, 'onnx', fixture)));
  edit(m);
  return onnx.ModelProto.encode(m).finish();
}

function onnxError(fixture: string, edit: (m: ModelProto) => void): RnncError {
  try {
    importOnnx(edited(fixture, edit), `/x/${fixture}`);
  } catch (e) {
    if (e instanceof RnncError) return e;
    throw e;
  }
  throw new Error('imported without error');
}

const byOp = (m: ModelProto, op: string) => m.graph!.node!.find((n) => n.opType === op)!;

describe('ONNX rules', () => {
  it('an opset_import without the ONNX domain is refused', () => {
    const e = onnxError('gru_lbr0.onnx', (m) => { m.opsetImport = [{ domain: 'com.example', version: 1 }]; });
    expect(e.message).toBe("gru_lbr0.onnx: the model declares no opset for the ONNX operators (no opset_import for the domain '' or 'ai.onnx')");
  });

  it('two different opsets for the ONNX domain are refused', () => {
    const e = onnxError('gru_lbr0.onnx', (m) => { m.opsetImport = [{ domain: '', version: 11 }, { domain: 'ai.onnx', version: 14 }]; });
    expect(e.message).toBe('gru_lbr0.onnx: the model declares opsets 11 and 14 for the ONNX operators; a model has one');
  });

  it('opsets 9 and 17 are the limits, both accepted', () => {
    for (const version of [9, 17]) {
      const bytes = edited('gru_lbr0.onnx', (m) => { m.opsetImport = [{ domain: '', version }]; });
      expect(importOnnx(bytes, '/x/gru_lbr0.onnx').layers).toHaveLength(1);
    }
  });

  it('an attribute given twice, or with the wrong type, is refused', () => {
    const twice = onnxError('lstm1.onnx', (m) => { byOp(m, 'LSTM').attribute!.push({ name: 'hidden_size', type: AttributeType.INT, i: 4 }); });
    expect(twice.message).toBe("lstm1.onnx: node '/rnn/LSTM' (LSTM): attribute 'hidden_size' is given twice");
    const typed = onnxError('lstm1.onnx', (m) => {
      const a = byOp(m, 'LSTM').attribute!.find((x) => x.name === 'hidden_size')!;
      a.type = AttributeType.FLOAT; a.f = 4;
    });
    expect(typed.message).toBe("lstm1.onnx: node '/rnn/LSTM' (LSTM): attribute 'hidden_size' is FLOAT, expected INT");
  });

  it('layout before opset 14 is refused (the attribute came with opset 14)', () => {
    const e = onnxError('gru_layout1.onnx', (m) => { m.opsetImport = [{ domain: '', version: 13 }]; });
    expect(e.message).toMatch(/\(GRU\): attribute 'layout' exists from opset 14 on; the model declares opset 13$/);
  });

  it('a node listed before the node it reads from is named (ONNX requires topological order)', () => {
    const e = onnxError('lstm1.onnx', (m) => {
      const nodes = m.graph!.node!;
      const lstm = nodes.findIndex((n) => n.opType === 'LSTM');
      nodes.splice(1, 0, nodes.splice(lstm, 1)[0]!);
    });
    expect(e.code).toBe('import/invalid');
    expect(e.message).toMatch(/^lstm1\.onnx: node '\/rnn\/LSTM' \(LSTM\): input '\/rnn\/Transpose_output_0' comes from node '\/rnn\/Transpose' \(Transpose\), which does not run before it; ONNX nodes must be in topological order$/);
  });

  it('an integer Gemm weight is refused like an integer recurrent weight', () => {
    const e = onnxError('lstm1.onnx', (m) => { m.graph!.initializer!.find((t) => t.name === 'fc.weight')!.dataType = DataType.INT32; });
    expect(e.message).toBe("lstm1.onnx: node '/fc/Gemm' (Gemm): B 'fc.weight' holds INT32 values; weights must be float32 or float64");
  });

  it('a float64 weight is accepted (converted exactly)', () => {
    const bytes = edited('lstm1.onnx', (m) => {
      const t = m.graph!.initializer!.find((x) => x.name === 'fc.weight')!;
      const f32 = new Float32Array(Uint8Array.from(t.rawData!).buffer);
      t.dataType = DataType.DOUBLE;
      t.rawData = new Uint8Array(Float64Array.from(f32).buffer);
    });
    const dense = importOnnx(bytes, '/x/lstm1.onnx').layers[1]!;
    expect(dense.type).toBe('dense');
  });

  it('a tensor with negative dimensions is refused', () => {
    const e = onnxError('lstm1.onnx', (m) => { m.graph!.initializer!.find((t) => t.name === 'fc.weight')!.dims = [-2, -4]; });
    expect(e.message).toBe("lstm1.onnx: tensor 'fc.weight': dimensions [-2, -4] are not sizes (0 to 2147483647)");
  });

  it('a zero state of an absurd shape is refused before it is built', () => {
    const e = onnxError('gru2_hn_dyn.onnx', (m) => {
      const dim = m.graph!.input![0]!.type!.tensorType!.shape!.dim!;
      dim[0] = { dimValue: 1_000_000 };
      dim[1] = { dimValue: 1_000_000 };
    });
    expect(e.message).toMatch(/is more than rnnc folds \(1048576 values\)$/);
  });

  it('a name holding bytes that are no text reports a damaged file', () => {
    const e = onnxError('lstm1.onnx', (m) => { byOp(m, 'Gemm').name = '/fc/Ge\u0000mm'; });
    expect(e.message).toBe("lstm1.onnx: not a readable ONNX model (damaged: node 26's name holds bytes that are no text: '/fc/Ge\\x00mm')");
  });
});

describe('Keras shard paths, rarer cases', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'rnnc-shards-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const src = join(fixtures, 'keras/gru_reset_after');
  const SHARDS = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];

  function copy(name: string, edit: (m: Json, dir: string) => void): string {
    const dir = join(tmp, name);
    mkdirSync(dir, { recursive: true });
    for (const f of SHARDS) copyFileSync(join(src, f), join(dir, f));
    const m = JSON.parse(readFileSync(join(src, 'model.json'), 'utf8')) as Json;
    edit(m, dir);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(m));
    return join(dir, 'model.json');
  }

  function message(path: string): string {
    try {
      loadAnyModel(path);
    } catch (e) {
      if (e instanceof RnncError) return e.message;
      throw e;
    }
    return 'imported';
  }

  it('shards in a subfolder are read', () => {
    const path = copy('sub', (m, dir) => {
      mkdirSync(join(dir, 'w'));
      for (const f of SHARDS) copyFileSync(join(dir, f), join(dir, 'w', f));
      m.weightsManifest[0].paths = SHARDS.map((f) => `w/${f}`);
    });
    expect(message(path)).toBe('imported');
  });

  it('model.json itself is not a weight file', () => {
    expect(message(copy('self', (m) => { m.weightsManifest[0].paths = ['model.json']; })))
      .toBe("model.json: weightsManifest[0].paths[0]: weight file 'model.json' is model.json itself");
  });

  it('a subfolder that is a link out of the folder is refused', () => {
    const outside = join(tmp, 'elsewhere');
    mkdirSync(outside);
    copyFileSync(join(src, SHARDS[1]!), join(outside, SHARDS[1]!));
    const path = copy('linked-dir', (m, dir) => {
      symlinkSync(outside, join(dir, 'w'));
      m.weightsManifest[0].paths = [SHARDS[0], `w/${SHARDS[1]}`];
    });
    expect(message(path)).toMatch(/weight file 'w\/group1-shard2of2\.bin' resolves through a link to a file outside the folder of model\.json/);
  });

  it('a literal name is read as written even when it looks percent-encoded', () => {
    const path = copy('literal', (m, dir) => {
      copyFileSync(join(dir, SHARDS[1]!), join(dir, 'a%20b.bin'));
      m.weightsManifest[0].paths = [SHARDS[0], 'a%20b.bin'];
    });
    expect(message(path)).toBe('imported');
  });

  it('a malformed percent escape is only tried as written', () => {
    expect(message(copy('bad-escape', (m) => { m.weightsManifest[0].paths = [SHARDS[0], '%E0%A4%A.bin']; })))
      .toMatch(/^model\.json: weightsManifest\[0\]\.paths\[1\]: weight file '%E0%A4%A\.bin' not found \(looked for .*%E0%A4%A\.bin\)$/);
  });

  it('a Windows absolute path is refused too', () => {
    expect(message(copy('windows', (m) => { m.weightsManifest[0].paths = ['C:\\models\\w.bin']; })))
      .toMatch(/weight file 'C:\\\\models\\\\w\.bin' is an absolute path/);
  });

  it('a weight listed twice in the manifest is refused', () => {
    const path = copy('twice-weight', (m) => {
      const w = m.weightsManifest[0].weights;
      w[0].name = w[1].name; // same byte count, two tensors of one name
    });
    expect(message(path)).toMatch(/weight 'gru\/gru_cell\/recurrent_kernel' is listed twice$/);
  });
});
