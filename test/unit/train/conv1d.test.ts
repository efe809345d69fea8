// conv1d in the trainer: its forward is the float reference on the written IR, carrying
// across chunks equals running whole, --arch and architecture files describe it, and a
// short training run learns a delay only the dilated taps can see.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archText, outputUnits, parseArch, resolveArch } from '../../../src/train/arch.js';
import { Bptt } from '../../../src/train/bptt.js';
import { Net } from '../../../src/train/net.js';
import { trainModel, type TrainSettings } from '../../../src/train/train.js';
import { Rng } from '../../../src/util/rng.js';
import { delayTask, maxForwardGap } from '../../helpers/train.js';
import { expectOneLineRefusal } from '../../helpers/refusals.js';

describe('trained conv1d forward equals runFloat on the written model.json', () => {
  const perStep = [
    'conv1d:6:k=1,dense:3:softmax', 'conv1d:6:k=3:relu,dense:2', 'conv1d:5:k=3:d=2:tanh', 'conv1d:5:k=2:d=4:sigmoid,conv1d:3:k=3:d=2',
    // (k−1)·d = 10 > T = 9: the first taps never see data.
    'conv1d:4:k=3:d=5:relu,dense:2',
    // Centred: future taps, zeros past T − 1 (and with (k−1)·d = 10 > T = 9, on both sides).
    'conv1d:5:k=3:d=2:a=3:tanh', 'conv1d:4:k=3:d=5:a=5:relu,conv1d:3:k=2:a=1',
  ];
  const anyTask = ['conv1d:6:k=3:d=2:relu,gru:4,dense:3:softmax', 'conv1d:6:k=4:a=2:relu,gru:4:bi,dense:3:softmax', 'dense:4:tanh,conv1d:5:k=2,lstm:4:bi,dense:2', 'gru:4,conv1d:4:k=3:d=3:tanh,rnn:3'];
  for (const [i, arch] of perStep.entries()) {
    it(`${arch}, per step`, () => {
      expect(maxForwardGap(arch, true, 9, 50 + i)).toBeLessThan(1e-9);
      expect(maxForwardGap(arch, true, 1, 60 + i)).toBeLessThan(1e-9);
    });
  }
  for (const [i, arch] of anyTask.entries()) {
    it(`${arch}, many-to-one and per step`, () => {
      expect(maxForwardGap(arch, false, 9, 70 + i)).toBeLessThan(1e-9);
      expect(maxForwardGap(arch, true, 9, 80 + i)).toBeLessThan(1e-9);
    });
  }
  it('writes {type, units, kernelSize, dilation (only when not 1), activation, weights} with the taps oldest first', () => {
    const net = new Net(resolveArch(parseArch('conv1d:2:k=3:d=2:relu,conv1d:1:k=2').layers, true), 2);
    net.init(1);
    net.theta.forEach((_, i) => { net.theta[i] = i; });
    const [a, b] = net.toModel('t', {}).layers;
    expect(a).toEqual({
      type: 'conv1d', units: 2, kernelSize: 3, dilation: 2, activation: 'relu',
      weights: { kernel: [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]], bias: [12, 13] },
    });
    expect(Object.keys(b!)).toEqual(['type', 'units', 'kernelSize', 'activation', 'weights']);
    // Tap j of row o is weight[o, :, j] of torch: the last tap multiplies x_t.
    const x = Float64Array.from([1, 0]); // T = 1, B = 1: only the newest tap sees data
    net.theta.fill(0);
    net.theta.set([0, 0, 0, 0, 2, 3], 0);
    expect(Array.from(net.forward(x, 1, 1).out)).toEqual([0]);
    expect(Array.from((net.layers[0]!.out))).toEqual([2, 0]);
  });
  it('starts from Glorot-uniform weights with both fans counting the taps, and zero biases', () => {
    const net = new Net(resolveArch(parseArch('conv1d:8:k=4:d=2').layers, true), 3);
    net.init(3);
    const kernel = net.theta.subarray(0, 8 * 12), limit = Math.sqrt(6 / (4 * 3 + 4 * 8));
    expect(Math.max(...kernel.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...kernel.map(Math.abs))).toBeGreaterThan(0.8 * limit);
    expect(Array.from(net.theta.subarray(8 * 12))).toEqual(new Array(8).fill(0));
  });
});

describe('conv1d carrying its last inputs (truncated BPTT)', () => {
  it('running a sequence in chunks, some shorter than (k−1)·d, with carry equals running it whole', () => {
    const F = 2, T = 14, B = 3;
    const net = new Net(resolveArch(parseArch('conv1d:4:k=3:d=3:tanh,gru:4,conv1d:3:k=2:d=2,dense:2').layers, true), F);
    net.init(4);
    const rng = new Rng(5);
    const x = Float64Array.from({ length: T * B * F }, () => rng.uniform(-1, 1));
    const whole = Float64Array.from(net.forward(x, T, B).out);
    const parts: number[] = [];
    for (const [t0, t1] of [[0, 5], [5, 7], [7, 8], [8, 14]] as const) {
      net.setCarry(t0 > 0);
      parts.push(...net.forward(x.subarray(t0 * B * F, t1 * B * F), t1 - t0, B).out);
    }
    expect(parts).toEqual(Array.from(whole));
    // Carrying into a batch of the same size reads the previous inputs; without carry, or
    // after a batch of another size, the layers start from zeros again.
    net.setCarry(true);
    expect(Array.from(net.forward(x, T, B).out)).not.toEqual(Array.from(whole));
    net.setCarry(false);
    expect(Array.from(net.forward(x, T, B).out)).toEqual(Array.from(whole));
    net.setCarry(true);
    net.forward(x.subarray(0, 2 * F), 2, 1);
    expect(Array.from(net.forward(x, T, B).out)).toEqual(Array.from(whole));
  });
  it('gradient of a carried chunk: exact for the chunk, the carried inputs taken as constants', () => {
    const F = 2, B = 2, T0 = 3, T1 = 4;
    const net = new Net(resolveArch(parseArch('conv1d:3:k=3:d=2:tanh,dense:2').layers, true), F);
    net.init(6);
    const rng = new Rng(7);
    const x0 = Float64Array.from({ length: T0 * B * F }, () => rng.uniform(-1, 1));
    const x1 = Float64Array.from({ length: T1 * B * F }, () => rng.uniform(-1, 1));
    const values = Float64Array.from({ length: T1 * B * 2 }, () => rng.uniform(-1, 1));
    const bptt = new Bptt(net);
    const loss = (learn: boolean) => {
      net.setCarry(false);
      net.forward(x0, T0, B);
      net.setCarry(true);
      return bptt.run(x1, T1, B, { kind: 'value', values }, learn);
    };
    net.grad.fill(0);
    loss(true);
    const analytic = Float64Array.from(net.grad), h = 1e-5;
    let diff = 0, norm = 0;
    for (let i = 0; i < net.theta.length; i++) {
      const keep = net.theta[i]!;
      net.theta[i] = keep + h; const up = loss(false);
      net.theta[i] = keep - h; const down = loss(false);
      net.theta[i] = keep;
      diff += (analytic[i]! - (up - down) / (2 * h)) ** 2;
      norm += analytic[i]! ** 2;
    }
    expect(norm).toBeGreaterThan(0);
    expect(Math.sqrt(diff / norm)).toBeLessThan(1e-6);
  });
});

describe('--arch: conv1d', () => {
  it('conv1d:UNITS:k=K[:d=D][:a=A][:ACTIVATION], written back in the same form', () => {
    const { layers } = parseArch('in:3, conv1d:16:k=3:d=2:relu, conv1d:8:relu:a=2:k=5, conv1d:4:k = 1 ,gru:8,dense:2');
    expect(layers.slice(0, 3)).toEqual([
      { type: 'conv1d', units: 16, kernelSize: 3, dilation: 2, lookahead: 0, activation: 'relu' },
      { type: 'conv1d', units: 8, kernelSize: 5, dilation: 1, lookahead: 2, activation: 'relu' },
      { type: 'conv1d', units: 4, kernelSize: 1, dilation: 1, lookahead: 0, activation: 'linear' },
    ]);
    const resolved = resolveArch(layers, false);
    expect(archText(resolved)).toBe('conv1d:16:k=3:d=2:relu,conv1d:8:k=5:a=2:relu,conv1d:4:k=1:linear,gru:8,dense:2:linear');
    expect(archText(resolveArch(parseArch(archText(resolved)).layers, false))).toBe(archText(resolved));
    expect(outputUnits(resolveArch(parseArch('conv1d:7:k=2').layers, true))).toBe(7);
  });
  it('a recurrent layer before a conv1d returns sequences', () => {
    const r = resolveArch(parseArch('lstm:4,conv1d:4:k=3,gru:3,dense:1').layers, false);
    expect(r.map((l) => ('returnSequences' in l ? l.returnSequences : l.type))).toEqual([true, 'conv1d', false, 'dense']);
  });
  it('a conv1d with no recurrent layer after it needs per-step targets', () => {
    expect(() => resolveArch(parseArch('gru:4,conv1d:4:k=3,dense:1').layers, false)).toThrow(
      "--arch: a conv1d layer outputs one row per timestep, but the task has one target per sequence; put a recurrent layer (rnn, lstm, gru, mingru, minlstm) or an ssm layer after layer 2, or train with --per-step");
    expect(resolveArch(parseArch('gru:4,conv1d:4:k=3,dense:1').layers, true)).toHaveLength(3);
  });
  it.each([
    ['conv1d:8', "--arch: a conv1d layer needs its kernel size, e.g. conv1d:16:k=3 in \"conv1d:8\""],
    ['conv1d:8:relu', "--arch: a conv1d layer needs its kernel size, e.g. conv1d:16:k=3 in \"conv1d:8:relu\""],
    ['conv1d:0:k=3', "--arch: units must be an integer from 1 to 4096, got '0' in \"conv1d:0:k=3\""],
    ['conv1d:8:k=0', "--arch: k must be an integer from 1 to 64, got '0' in \"conv1d:8:k=0\""],
    ['conv1d:8:k=65', "--arch: k must be an integer from 1 to 64, got '65' in \"conv1d:8:k=65\""],
    ['conv1d:8:k=', "--arch: k must be an integer from 1 to 64, got '' in \"conv1d:8:k=\""],
    ['conv1d:8:k=3:d=1.5', "--arch: d must be an integer from 1 to 64, got '1.5' in \"conv1d:8:k=3:d=1.5\""],
    ['conv1d:8:k=3:d=0x2', "--arch: d must be an integer from 1 to 64, got '0x2' in \"conv1d:8:k=3:d=0x2\""],
    ['conv1d:8:k=3:k=3', "--arch: 'k=3' is given twice in \"conv1d:8:k=3:k=3\""],
    ['conv1d:8:k=3:k=5', "--arch: 'k=5' conflicts with 'k=3' in \"conv1d:8:k=3:k=5\""],
    ['conv1d:8:k=3:relu:tanh', "--arch: 'tanh' conflicts with 'relu' in \"conv1d:8:k=3:relu:tanh\""],
    ['conv1d:8:k=3:softmax', "--arch: a conv1d layer has no softmax; end a classifier with dense:CLASSES:softmax in \"conv1d:8:k=3:softmax\""],
    ['conv1d:8:3', "--arch: unknown option '3'; supported: k=K, d=D, a=A, linear, relu, tanh, sigmoid in \"conv1d:8:3\""],
    ['conv1d:8:k=3:s=2', "--arch: unknown option 's=2'; supported: k=K, d=D, a=A, linear, relu, tanh, sigmoid in \"conv1d:8:k=3:s=2\""],
    ['conv1d:8:k=3:bi', "--arch: unknown option 'bi'; supported: k=K, d=D, a=A, linear, relu, tanh, sigmoid in \"conv1d:8:k=3:bi\""],
    ['conv1d:8:k=3:a=3', "--arch: a=3 reads past the kernel: the lookahead is at most (k−1)·d = 2 in \"conv1d:8:k=3:a=3\""],
    ['conv1d:8:k=3:a=0', "--arch: a must be an integer from 1 to 4096, got '0' in \"conv1d:8:k=3:a=0\""],
    ['conv2d:8', "--arch: unknown layer 'conv2d'; supported: rnn, lstm, gru, mingru, minlstm, dense, conv1d, ssm in \"conv2d:8\""],
  ])('%s is refused with one line', (text, message) => {
    let thrown: unknown;
    try { parseArch(text); } catch (e) { thrown = e; }
    expect(thrown).toMatchObject({ code: 'arch/invalid', message });
  });
});

describe('architecture files: conv1d', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnc-arch-conv-'));
  const file = (name: string, body: unknown) => { const p = join(dir, name); writeFileSync(p, JSON.stringify(body)); return p; };
  it('reads kernelSize, dilation (default 1), lookahead (default 0) and activation (default linear)', () => {
    const p = file('ok.json', { inputSize: 3, layers: [
      { type: 'conv1d', units: 8, kernelSize: 3, dilation: 4, lookahead: 8, activation: 'tanh' }, { type: 'conv1d', units: 4, kernelSize: 2 }, { type: 'gru', units: 4 },
    ] });
    expect(parseArch(p)).toEqual({ inputs: 3, layers: [
      { type: 'conv1d', units: 8, kernelSize: 3, dilation: 4, lookahead: 8, activation: 'tanh' },
      { type: 'conv1d', units: 4, kernelSize: 2, dilation: 1, lookahead: 0, activation: 'linear' },
      { type: 'gru', units: 4, resetAfter: true },
    ] });
  });
  it.each([
    ['no-k.json', { type: 'conv1d', units: 8 }, /layers\[0\]\.kernelSize: /],
    ['big-d.json', { type: 'conv1d', units: 8, kernelSize: 3, dilation: 65 }, /layers\[0\]\.dilation: /],
    ['softmax.json', { type: 'conv1d', units: 8, kernelSize: 3, activation: 'softmax' }, /layers\[0\]\.activation: /],
    ['ahead.json', { type: 'conv1d', units: 8, kernelSize: 3, dilation: 2, lookahead: 5 }, /layers\[0\]\.lookahead: 5 reads past the kernel; at most \(kernelSize − 1\) · dilation = 4$/],
    ['seq.json', { type: 'conv1d', units: 8, kernelSize: 3, returnSequences: true }, /layers\[0\]: /],
    ['type.json', { type: 'conv2d', units: 8 }, /layers\[0\]\.type: unknown layer type; supported: rnn, lstm, gru, mingru, minlstm, dense, conv1d, ssm$/],
  ])('%s is refused', (name, layer, message) => {
    expectOneLineRefusal(() => parseArch(file(name, { layers: [layer] })), 'arch/invalid', message);
  });
});


describe('conv1d training', () => {
  it('learns a 4-step delay with dilated taps, trained in 8-step chunks with carried inputs', async () => {
    const settings: TrainSettings = {
      name: 'net', epochs: 30, batch: 16, lr: 0.02, clip: 1, val: 0.2, patience: 0, optimizer: 'adam', momentum: 0.9,
      schedule: { kind: 'constant' }, tbptt: 8, seed: 3,
    };
    const { model, result } = await trainModel(delayTask(80, 48, 4, 1), resolveArch(parseArch('conv1d:4:k=3:d=2,dense:1').layers, true), settings);
    // Predicting 0 gives RMSE ≈ 1.
    expect(result.history[result.history.length - 1]!.val!.metric).toBeLessThan(0.05);
    expect(model.layers[0]).toMatchObject({ type: 'conv1d', kernelSize: 3, dilation: 2 });
    expect(model.meta!.arch).toBe('conv1d:4:k=3:d=2:linear,dense:1:linear');
  });
});
