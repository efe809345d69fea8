/**
 * Edge cases of the PyTorch export patterns (fixtures in test/fixtures/onnx/patterns),
 * edited in memory: which outputs count as final states, and where an input BatchNorm
 * is refused. The accepted patterns themselves run through the CLI
 * (test/cli/import-onnx-patterns.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RnncError } from '../../../src/errors.js';
import { runFloat } from '../../../src/float/model.js';
import { type OnnxImportOptions, importOnnx } from '../../../src/import/onnx/import.js';
import { type ModelProto, onnx } from '../../../src/import/onnx/proto.js';
import { maxAbsDiff } from '../../helpers/diff.js';

const dir = new URL('../../fixtures/onnx/patterns/', import.meta.url).pathname;
const { AttributeType } = onnx.AttributeProto;

function edited(name: string, edit: (m: ModelProto) => void): Uint8Array {
  const m = onnx.ModelProto.decode(readFileSync(`${dir}${name}.onnx`));
  edit(m);
  return onnx.ModelProto.encode(m).finish();
}

function importError(name: string, edit: (m: ModelProto) => void, options: OnnxImportOptions = {}): RnncError {
  try {
    importOnnx(edited(name, edit), `/x/${name}.onnx`, options);
  } catch (e) {
    if (e instanceof RnncError) return e;
    throw e;
  }
  throw new Error('imported without error');
}

const byOp = (m: ModelProto, op: string) => m.graph!.node!.find((n) => n.opType === op)!;

describe('final-state outputs', () => {
  it('a state reached through Identity is still a state; y is imported', () => {
    const bytes = edited('bare_gru14', (m) => {
      const gru = byOp(m, 'GRU');
      gru.output![1] = 'h_raw';
      m.graph!.node!.push({ opType: 'Identity', name: 'rename', input: ['h_raw'], output: ['h_n'] });
    });
    const model = importOnnx(bytes, '/x/bare_gru14.onnx');
    const want = JSON.parse(readFileSync(`${dir}bare_gru14.json`, 'utf8')) as { input: number[][]; output: number[][] };
    expect(maxAbsDiff(runFloat(model, want.input), want.output)).toBeLessThan(1e-5);
  });

  it('when every output is a final state, the message says to choose one', () => {
    const e = importError('bare_lstm14', (m) => { m.graph!.output = m.graph!.output!.filter((o) => o.name !== 'y'); });
    expect(e.message).toBe("bare_lstm14.onnx: every graph output ('h_n', 'c_n') is a final recurrent state; choose the one to import with --model-output NAME");
    expect(e.exitCode).toBe(2);
  });

  it('a computed second output is a candidate, not a state', () => {
    const e = importError('pred_state', (m) => {
      m.graph!.node!.push({ opType: 'Relu', name: 'act', input: ['h_n'], output: ['h_relu'] });
      m.graph!.output!.push({ name: 'h_relu' });
    });
    expect(e.message).toBe("pred_state.onnx: the graph has 2 outputs that could be the prediction, 'pred', 'h_relu' ('h_n': final states, dropped); choose one with --model-output NAME");
  });
});

describe('input BatchNormalization', () => {
  it('training_mode 1 is refused, saying to export in eval() mode', () => {
    const e = importError('bn_lstm', (m) => {
      const bn = byOp(m, 'BatchNormalization');
      bn.attribute = bn.attribute!.map((a) => (a.name === 'training_mode' ? { name: 'training_mode', type: AttributeType.INT, i: 1 } : a));
    });
    expect(e.message).toContain("node '/bn/BatchNormalization' (BatchNormalization): training_mode 1 (batch statistics) is not supported; export the model in eval() mode");
  });

  it('a BatchNormalization after the recurrent layer is refused', () => {
    // Move the BatchNorm between the LSTM output (transposed to [batch, features, time]) and the head.
    const e = importError('bn_lstm', (m) => {
      const nodes = m.graph!.node!;
      const bn = byOp(m, 'BatchNormalization');
      const t0 = nodes.find((n) => n.input?.[0] === bn.output![0])!;
      t0.input = [bn.input![0]!];
      const squeeze = byOp(m, 'Squeeze');
      const consumer = nodes.find((n) => n.input?.[0] === squeeze.output![0])!;
      // Squeeze gives [time, batch, features]: Transpose to [batch, features, time], BN, back.
      nodes.splice(nodes.indexOf(consumer), 0,
        { opType: 'Transpose', name: 'to_bft', input: [squeeze.output![0]!], output: ['bft'], attribute: [{ name: 'perm', type: AttributeType.INTS, ints: [1, 2, 0] }] },
        { ...bn, input: ['bft', ...bn.input!.slice(1)], output: ['bn_out'] },
        { opType: 'Transpose', name: 'to_tbf', input: ['bn_out'], output: ['tbf'], attribute: [{ name: 'perm', type: AttributeType.INTS, ints: [2, 0, 1] }] });
      consumer.input![0] = 'tbf';
      nodes.splice(nodes.indexOf(bn), 1);
    });
    expect(e.message).toContain('a BatchNormalization is supported only on the model input, where it folds into the input normalisation');
  });

  it('gamma = 0 is refused: the feature would be a constant', () => {
    const e = importError('bn_lstm', (m) => {
      const w = m.graph!.initializer!.find((t) => t.name === 'bn.weight')!;
      const data = new Float32Array([1, 0, 1]);
      w.rawData = new Uint8Array(data.buffer);
    });
    expect(e.message).toContain('feature 1 is scaled by 0 (gamma = 0)');
  });
});
