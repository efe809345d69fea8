/**
 * nn.Conv1d front ends from PyTorch (test/fixtures/onnx/patterns/conv_* and centred_*,
 * made by make_onnx_patterns.py conv / centred): F.pad + Conv and Conv(padding) + Slice
 * import as the IR's causal conv1d, Conv(padding=p) and F.pad(x, (L, R)) + Conv over a
 * whole sequence as a centred one (lookahead), the float reference matches torch, the
 * weights land in the IR layout; the paddings that do not give one output per step and
 * the convolutions conv1d is not are refused in one line. Edge cases are edited in memory.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RnncError } from '../../../src/errors.js';
import { runFloat } from '../../../src/float/model.js';
import { importOnnx } from '../../../src/import/onnx/import.js';
import { type ModelProto, type NodeProto, onnx } from '../../../src/import/onnx/proto.js';
import type { Conv1dLayer, FloatModel } from '../../../src/ir/model.js';
import { maxAbsDiff } from '../../helpers/diff.js';

const dir = new URL('../../fixtures/onnx/patterns/', import.meta.url).pathname;
const { AttributeType } = onnx.AttributeProto;

function load(name: string): ModelProto {
  return onnx.ModelProto.decode(readFileSync(`${dir}${name}.onnx`));
}

function imported(name: string, edit?: (m: ModelProto) => void): FloatModel {
  const m = load(name);
  edit?.(m);
  return importOnnx(onnx.ModelProto.encode(m).finish(), `/x/${name}.onnx`);
}

function importError(name: string, edit?: (m: ModelProto) => void): RnncError {
  try {
    imported(name, edit);
  } catch (e) {
    if (e instanceof RnncError) return e;
    throw e;
  }
  throw new Error('imported without error');
}

function expected(name: string): { input: number[][]; output: number[][] } {
  return JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as { input: number[][]; output: number[][] };
}

/** The layers as "conv1d(k3,d2,relu) -> gru -> dense" (conv1d only spelled out, with a<lookahead> when centred). */
function chain(m: FloatModel): string {
  return m.layers.map((l) => (l.type === 'conv1d'
    ? `conv1d(k${l.kernelSize},d${l.dilation ?? 1}${l.lookahead ? `,a${l.lookahead}` : ''},${l.activation})`
    : l.type === 'gru' || l.type === 'lstm' || l.type === 'rnn' ? `${l.type}${l.bidirectional ? '(bi)' : ''}` : l.type)).join(' -> ');
}

const byOp = (m: ModelProto, op: string, k = 0) => m.graph!.node!.filter((n) => n.opType === op)[k]!;
const ints = (name: string, values: number[]) => ({ name, type: AttributeType.INTS, ints: values });
function setAttr(n: NodeProto, attr: { name: string; type: number; ints?: number[]; i?: number; s?: Uint8Array }): void {
  n.attribute = [...(n.attribute ?? []).filter((a) => a.name !== attr.name), attr];
}

/** Accepted fixtures and the chain each becomes. */
const ACCEPTED: Record<string, string> = {
  conv_gru_pad: 'conv1d(k3,d1,linear) -> gru -> dense',
  conv_gru_slice: 'conv1d(k3,d2,linear) -> gru -> dense',
  conv_relu_lstm: 'conv1d(k2,d1,relu) -> lstm -> dense',
  bn_conv_tanh_gru11: 'conv1d(k3,d3,tanh) -> gru -> dense',
  conv2_rnn9: 'conv1d(k2,d1,sigmoid) -> conv1d(k3,d2,linear) -> rnn -> dense',
  // Centred, whole sequences only: padding=1 with k = 3; padding=2 with k = 3, d = 2; F.pad(x, (1, 2)) with k = 4.
  conv_gru: 'conv1d(k3,d1,a1,linear) -> gru -> dense',
  centred_sym_lstm: 'conv1d(k3,d2,a2,tanh) -> lstm -> dense',
  centred_same_bigru: 'conv1d(k4,d1,a2,relu) -> gru(bi) -> dense',
};

describe('causal Conv1d front ends from torch.onnx.export', () => {
  it.each(Object.keys(ACCEPTED))('%s: the expected chain, float within 1e-5 of torch', (name) => {
    const model = imported(name);
    expect(chain(model)).toBe(ACCEPTED[name]);
    const want = expected(name);
    const diff = maxAbsDiff(runFloat(model, want.input), want.output);
    console.log(`onnx conv pattern ${name}: max |rnnc float − torch| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-5);
  });

  it('the kernel is torch weight[o, :, j] at row o, tap j (oldest first); bias as is; dilation 1 left out', () => {
    const m = load('conv_gru_pad');
    const w = m.graph!.initializer!.find((t) => t.name === 'convs.0.conv.weight')!;
    expect(w.dims!.map(Number)).toEqual([5, 3, 3]);
    const data = new Float32Array(Uint8Array.from(w.rawData!).buffer);
    const layer = imported('conv_gru_pad').layers[0] as Conv1dLayer;
    expect(layer).not.toHaveProperty('dilation');
    for (let o = 0; o < 5; o++) {
      for (let j = 0; j < 3; j++) for (let c = 0; c < 3; c++) expect(layer.weights.kernel[o]![j * 3 + c]).toBe(data[(o * 3 + c) * 3 + j]);
    }
  });

  it('the input BatchNorm1d before the conv folds into the input normalisation, its negative gamma into every tap', () => {
    const model = imported('bn_conv_tanh_gru11');
    expect(model.normalization).toBeDefined();
    expect(model.normalization!.std.every((s) => s > 0)).toBe(true);
  });

  it('a dynamic batch and time axis (opset 11) find time through the Transpose, BatchNorm and Pad', () => {
    const x = load('bn_conv_tanh_gru11').graph!.input![0]!;
    expect(x.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 'time', 3]);
    expect(imported('bn_conv_tanh_gru11').inputSize).toBe(3);
  });

  it('the activation before or after the Slice is the same layer', () => {
    // conv_relu_lstm is Conv → Relu → Slice; move the Relu after the Slice.
    const model = imported('conv_relu_lstm', (m) => {
      const relu = byOp(m, 'Relu');
      const slice = byOp(m, 'Slice');
      const [conv, reluOut, sliceOut] = [relu.input![0]!, relu.output![0]!, slice.output![0]!];
      slice.input![0] = conv;
      slice.output![0] = 'sliced';
      relu.input![0] = 'sliced';
      relu.output![0] = sliceOut;
      const nodes = m.graph!.node!;
      nodes.splice(nodes.indexOf(relu), 1);
      nodes.splice(nodes.indexOf(slice) + 1, 0, relu);
      expect(reluOut).not.toBe(sliceOut);
    });
    expect(chain(model)).toBe(ACCEPTED.conv_relu_lstm);
    const want = expected('conv_relu_lstm');
    expect(maxAbsDiff(runFloat(model, want.input), want.output)).toBeLessThan(1e-5);
  });

  it('auto_pad VALID after a left Pad is the same convolution', () => {
    const model = imported('conv_gru_pad', (m) => {
      const conv = byOp(m, 'Conv');
      conv.attribute = conv.attribute!.filter((a) => a.name !== 'pads');
      setAttr(conv, { name: 'auto_pad', type: AttributeType.STRING, s: new TextEncoder().encode('VALID') });
    });
    const want = expected('conv_gru_pad');
    expect(maxAbsDiff(runFloat(model, want.input), want.output)).toBeLessThan(1e-5);
  });

  it('more left padding than (k−1)·d, its leading outputs sliced off, is the same convolution', () => {
    // conv_gru_slice: pads [4, 4] with k = 3, d = 2; make it [6, 4] and slice [2, −4).
    const model = imported('conv_gru_slice', (m) => {
      setAttr(byOp(m, 'Conv'), ints('pads', [6, 4]));
      const starts = m.graph!.node!.find((n) => n.output?.[0] === byOp(m, 'Slice').input![1])!;
      starts.attribute![0]!.t = { dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [2] };
    });
    const want = expected('conv_gru_slice');
    expect(maxAbsDiff(runFloat(model, want.input), want.output)).toBeLessThan(1e-5);
  });
});

describe('refused: one line saying what to do', () => {
  const oneLine = (e: RnncError) => {
    expect(e.exitCode).toBe(2);
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.message.length).toBeLessThan(400);
    return e.message;
  };

  it('padding=(k−1)·d on both sides without the slice: the outputs past the end reach the GRU', () => {
    expect(oneLine(importError('conv_noslice'))).toBe("conv_noslice.onnx: node '/rnn/GRU' (GRU): the time axis still holds the last 2 outputs of '/convs/convs.0/conv/Conv', "
      + 'computed past the end of the input (more padding than one output per step needs); drop them (y[..., :-2]), or pad (k−1)·d steps in all (on the left only for a causal, streaming convolution)');
  });

  it('no padding at all (a valid convolution): fewer outputs than steps', () => {
    const e = importError('conv_gru_pad', (m) => {
      const conv = byOp(m, 'Conv');
      conv.input![0] = byOp(m, 'Pad').input![0]!;
    });
    expect(oneLine(e)).toBe("conv_gru_pad.onnx: node '/convs/convs.0/conv/Conv' (Conv): with 0 steps of padding before the sequence and 0 after, the convolution gives 2 fewer outputs than input steps; "
      + "rnnc's conv1d gives one per step: pad 2 steps in all, on the left only for a causal, streaming convolution (F.pad(x, (2, 0))), or 1 before and 1 after for a centred one (whole sequences only)");
  });

  it('stride 2 and groups > 1', () => {
    expect(oneLine(importError('conv_stride2'))).toMatch(/\(Conv\): stride 2 is not supported; rnnc's conv1d emits one output per input step \(stride 1\)$/);
    expect(oneLine(importError('conv_depthwise'))).toMatch(/\(Conv\): groups 3 \(a grouped or depthwise convolution\) is not supported; rnnc's conv1d is dense over the channels \(groups=1\)$/);
  });

  it('a 2-D convolution', () => {
    const e = importError('conv_gru_pad', (m) => { setAttr(byOp(m, 'Conv'), ints('kernel_shape', [3, 3])); });
    expect(oneLine(e)).toMatch(/\(Conv\): a 2-D convolution is not supported; rnnc's conv1d is 1-D over time \(nn\.Conv1d\)$/);
  });

  it('reflect padding, padding the features, a Pad that feeds no Conv', () => {
    const reflect = importError('conv_gru_pad', (m) => { setAttr(byOp(m, 'Pad'), { name: 'mode', type: AttributeType.STRING, s: new TextEncoder().encode('reflect') }); });
    expect(oneLine(reflect)).toMatch(/\(Pad\): mode 'reflect' is not supported; a convolution's padding must be zeros/);
    const features = importError('conv2_rnn9', (m) => { setAttr(byOp(m, 'Pad'), ints('pads', [0, 1, 1, 0, 0, 0])); });
    expect(oneLine(features)).toMatch(/\(Pad\): pads axis 1, which is not the time axis/);
    const noConv = importError('conv2_rnn9', (m) => {
      // The Pad's zeros go straight to the Sigmoid: only a Conv reads them as padding.
      byOp(m, 'Sigmoid').input![0] = byOp(m, 'Pad').output![0]!;
      byOp(m, 'Conv', 1).input![0] = byOp(m, 'Sigmoid').output![0]!;
      const nodes = m.graph!.node!;
      nodes.splice(nodes.indexOf(byOp(m, 'Conv')), 1);
    });
    expect(oneLine(noConv)).toMatch(/the 1 zero '\/convs\/convs\.0\/Pad' pads the sequence with are supported only as a Conv's padding/);
  });

  it('a Slice that cuts into the sequence', () => {
    const e = importError('conv2_rnn9', (m) => {
      const slice = byOp(m, 'Slice');
      setAttr(slice, ints('ends', [-5]));
    });
    expect(oneLine(e)).toMatch(/\(Slice\): the Slice drops 1 step of the sequence itself, not only the 4 steps '\/convs\/convs\.1\/conv\/Conv' added; rnnc outputs every step/);
  });

  it('softmax after a conv; the last step of a conv output', () => {
    const softmax = importError('conv_relu_lstm', (m) => { byOp(m, 'Relu').opType = 'Softmax'; });
    expect(oneLine(softmax)).toMatch(/a softmax after a convolution is not supported/);
    const last = importError('conv_relu_lstm', (m) => {
      // The graph output becomes the conv's output at the last step: Gather(−1) on the time axis.
      const slice = byOp(m, 'Slice');
      m.graph!.initializer!.push({ name: 'minus_one', dims: [], dataType: onnx.TensorProto.DataType.INT64, int64Data: [-1] });
      m.graph!.node!.push({ opType: 'Gather', name: 'last', input: [slice.output![0]!, 'minus_one'], output: ['y_last'], attribute: [{ name: 'axis', type: AttributeType.INT, i: 2 }] });
      m.graph!.output = [{ name: 'y_last' }];
    });
    expect(oneLine(last)).toMatch(/output 'y_last': '\/convs\/convs\.0\/conv\/Conv': the last step of a convolution's output is not expressible; rnnc's conv1d outputs every step/);
  });
});
