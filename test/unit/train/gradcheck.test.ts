// Analytic gradients (BPTT) against central finite differences in float64:
//   g_num = (L(θ + h e_i) − L(θ − h e_i)) / 2h,  h = 1e-5
// relative error ‖g − g_num‖ / (‖g‖ + ‖g_num‖) < 1e-6 over every parameter. The ssm is also
// checked on each of its weight groups, some of whose gradients are 1e-5 of the loss (Δ's
// projection): within rounding of L/h at h = 1e-5, so there the five-point difference
//   g_num = (8(L(θ + h) − L(θ − h)) − (L(θ + 2h) − L(θ − 2h))) / 12h,  h = 1e-3  (error O(h⁴)).
import { describe, expect, it } from 'vitest';
import { type ArchLayer, resolveArch } from '../../../src/train/arch.js';
import { Bptt, type Targets } from '../../../src/train/bptt.js';
import { Net } from '../../../src/train/net.js';
import { SsmLayer } from '../../../src/train/ssm.js';
import { Rng } from '../../../src/util/rng.js';

const F = 3, T = 5, B = 3;

/** Changes the perturbed weights before the check (the ssm's Δ bias, say). */
type Tweak = (net: Net, rng: Rng) => void;

function setup(layers: ArchLayer[], perStep: boolean, loss: 'ce' | 'mse', seed: number, thetaScale = 1, tweak?: Tweak) {
  const net = new Net(resolveArch(layers, perStep), F);
  net.init(seed);
  const rng = new Rng(seed + 1);
  // Random biases everywhere, so no gate sits at a symmetric point.
  for (let i = 0; i < net.theta.length; i++) net.theta[i] = (net.theta[i]! + rng.uniform(-0.3, 0.3)) * thetaScale;
  tweak?.(net, rng);
  const x = Float64Array.from({ length: T * B * F }, () => rng.uniform(-1.5, 1.5));
  const rows = (net.sequenceOut ? T : 1) * B;
  const targets: Targets = loss === 'ce'
    ? { kind: 'class', labels: Int32Array.from({ length: rows }, () => rng.int(0, net.outputSize - 1)) }
    : { kind: 'value', values: Float64Array.from({ length: rows * net.outputSize }, () => rng.uniform(-1, 1)) };
  return { net, x, targets, bptt: new Bptt(net) };
}

function relativeError(layers: ArchLayer[], perStep: boolean, loss: 'ce' | 'mse', seed = 11, thetaScale = 1, tweak?: Tweak): number {
  const { net, x, targets, bptt } = setup(layers, perStep, loss, seed, thetaScale, tweak);
  const { analytic, numeric } = gradients(net, () => bptt.run(x, T, B, targets, true), () => bptt.run(x, T, B, targets, false));
  return groupError(analytic, numeric, 0, net.theta.length);
}

/**
 * The analytic gradient (`learn` fills it) and the differences of `loss` over every parameter:
 * central (h = 1e-5), or with `fivePoint` the five-point stencil (h = 1e-3; see the header).
 */
function gradients(net: Net, learn: () => void, loss: () => number, fivePoint = false): { analytic: Float64Array; numeric: Float64Array } {
  net.grad.fill(0);
  learn();
  const analytic = Float64Array.from(net.grad), numeric = new Float64Array(net.theta.length);
  const h = fivePoint ? 1e-3 : 1e-5;
  const at = (i: number, keep: number, step: number) => { net.theta[i] = keep + step; return loss(); };
  for (let i = 0; i < net.theta.length; i++) {
    const keep = net.theta[i]!;
    const d1 = at(i, keep, h) - at(i, keep, -h);
    numeric[i] = fivePoint ? (8 * d1 - (at(i, keep, 2 * h) - at(i, keep, -2 * h))) / (12 * h) : d1 / (2 * h);
    net.theta[i] = keep;
  }
  return { analytic, numeric };
}

/** ‖g − g_num‖ / (‖g‖ + ‖g_num‖) over parameters [from, to); the analytic part must not vanish. */
function groupError(analytic: Float64Array, numeric: Float64Array, from: number, to: number): number {
  let diff = 0, na = 0, nn = 0;
  for (let i = from; i < to; i++) {
    diff += (analytic[i]! - numeric[i]!) ** 2;
    na += analytic[i]! ** 2;
    nn += numeric[i]! ** 2;
  }
  expect(na).toBeGreaterThan(0);
  return Math.sqrt(diff) / (Math.sqrt(na) + Math.sqrt(nn));
}

const softmax4 = { type: 'dense', units: 4, activation: 'softmax' } as const;
const linear2 = { type: 'dense', units: 2, activation: 'linear' } as const;
const cells: Array<[string, ArchLayer]> = [
  ['rnn', { type: 'rnn', units: 4, resetAfter: true }],
  ['lstm', { type: 'lstm', units: 4, resetAfter: true }],
  ['gru resetAfter', { type: 'gru', units: 4, resetAfter: true }],
  ['gru reset-before', { type: 'gru', units: 4, resetAfter: false }],
  ['lstm hard_sigmoid', { type: 'lstm', units: 4, resetAfter: true, recurrentActivation: 'hard_sigmoid' }],
  ['gru resetAfter hard_sigmoid_v3', { type: 'gru', units: 4, resetAfter: true, recurrentActivation: 'hard_sigmoid_v3' }],
  ['gru reset-before hard_sigmoid', { type: 'gru', units: 4, resetAfter: false, recurrentActivation: 'hard_sigmoid' }],
  ['rnn relu', { type: 'rnn', units: 4, resetAfter: true, activation: 'relu' }],
];

describe('gradient check: hard sigmoid gates and relu with many units clipped', () => {
  // Weights ×3: many pre-activations beyond ±2.5 (±3) or below 0, where the function is
  // flat and its gradient 0; the finite differences agree as long as none sits within h
  // of a kink.
  for (const [name, cell] of cells.filter(([n]) => n.includes('hard') || n.includes('relu'))) {
    it(`${name}, weights ×3`, () => {
      expect(relativeError([cell, linear2], true, 'mse', 11, 3)).toBeLessThan(1e-6);
      expect(relativeError([cell, softmax4], false, 'ce', 12, 3)).toBeLessThan(1e-6);
    });
  }
});

describe('gradient check: every cell, both losses, many-to-one and many-to-many', () => {
  for (const [name, cell] of cells) {
    it(`${name} + dense softmax, cross-entropy`, () => {
      expect(relativeError([cell, softmax4], false, 'ce')).toBeLessThan(1e-6);
    });
    it(`${name} + dense linear, MSE`, () => {
      expect(relativeError([cell, linear2], false, 'mse')).toBeLessThan(1e-6);
    });
    it(`${name} per step, cross-entropy and MSE`, () => {
      expect(relativeError([cell, softmax4], true, 'ce')).toBeLessThan(1e-6);
      expect(relativeError([cell, linear2], true, 'mse')).toBeLessThan(1e-6);
    });
  }
});

describe('gradient check: bidirectional, stacked, dense activations', () => {
  for (const [name, cell] of cells) {
    for (const merge of ['concat', 'sum'] as const) {
      it(`bidirectional ${name} (${merge}), both losses, last step and per step`, () => {
        const bi = { ...cell, bidirectional: merge } as ArchLayer;
        expect(relativeError([bi, softmax4], false, 'ce')).toBeLessThan(1e-6);
        expect(relativeError([bi, linear2], true, 'mse')).toBeLessThan(1e-6);
      });
    }
  }
  it('stacked lstm → bidirectional gru → rnn with tanh and sigmoid dense layers', () => {
    const layers: ArchLayer[] = [
      { type: 'lstm', units: 3, resetAfter: true },
      { type: 'gru', units: 3, resetAfter: false, bidirectional: 'concat' },
      { type: 'rnn', units: 3, resetAfter: true },
      { type: 'dense', units: 5, activation: 'tanh' },
      { type: 'dense', units: 4, activation: 'sigmoid' },
      softmax4,
    ];
    expect(relativeError(layers, false, 'ce')).toBeLessThan(1e-6);
    expect(relativeError(layers.slice(0, 5), true, 'mse')).toBeLessThan(1e-6);
  });
  it('dense before the recurrence, relu hidden layer, softmax trained with MSE', () => {
    const layers: ArchLayer[] = [
      { type: 'dense', units: 4, activation: 'relu' },
      { type: 'gru', units: 4, resetAfter: true },
      { type: 'dense', units: 3, activation: 'softmax' },
    ];
    expect(relativeError(layers, false, 'mse', 5)).toBeLessThan(1e-6);
  });
});

describe('gradient check: bidirectional output at the last index (torch out[:, -1])', () => {
  // merge(fwd_{T−1}, bwd_{T−1}): the loss reaches the backward direction only through its
  // first step, so its recurrent weights get no gradient and its kernel only x_{T−1}'s.
  for (const [name, cell] of cells) {
    for (const merge of ['concat', 'sum'] as const) {
      it(`bidirectional ${name} (${merge}), lastOutput last-index, both losses`, () => {
        const bi = { ...cell, bidirectional: merge, lastOutput: 'last-index' } as ArchLayer;
        expect(relativeError([bi, softmax4], false, 'ce')).toBeLessThan(1e-6);
        expect(relativeError([bi, linear2], false, 'mse', 13)).toBeLessThan(1e-6);
      });
    }
  }
});

describe('gradient check: reverse layers (one direction reading x_{T−1} … x_0)', () => {
  for (const [name, cell] of cells) {
    it(`reverse ${name}, last step (h after x_0) and per step`, () => {
      const rev = { ...cell, reverse: true } as ArchLayer;
      expect(relativeError([rev, softmax4], false, 'ce')).toBeLessThan(1e-6);
      expect(relativeError([rev, linear2], true, 'mse')).toBeLessThan(1e-6);
    });
  }
});

describe('gradient check: causal conv1d (k taps spaced d apart, zeros before t = 0)', () => {
  // T = 5: with k = 3, d = 2 the first taps read before the start for t < 4.
  const conv = (k: number, d: number, activation: 'linear' | 'relu' | 'tanh' | 'sigmoid', lookahead = 0): ArchLayer => (
    { type: 'conv1d', units: 4, kernelSize: k, dilation: d, lookahead, activation });
  for (const k of [1, 3]) {
    for (const d of [1, 2]) {
      it(`conv1d k=${k} d=${d} alone, each activation, MSE per step`, () => {
        for (const [i, act] of (['linear', 'relu', 'tanh', 'sigmoid'] as const).entries()) {
          expect(relativeError([{ ...conv(k, d, act), units: 2 } as ArchLayer], true, 'mse', 20 + i)).toBeLessThan(1e-6);
        }
      });
      it(`conv1d k=${k} d=${d} → gru → dense, many-to-one and per step, both losses`, () => {
        const layers: ArchLayer[] = [conv(k, d, 'tanh'), { type: 'gru', units: 3, resetAfter: true }];
        expect(relativeError([...layers, softmax4], false, 'ce')).toBeLessThan(1e-6);
        expect(relativeError([...layers, linear2], false, 'mse')).toBeLessThan(1e-6);
        expect(relativeError([...layers, softmax4], true, 'ce')).toBeLessThan(1e-6);
        expect(relativeError([...layers, linear2], true, 'mse')).toBeLessThan(1e-6);
      });
      it(`dense → conv1d k=${k} d=${d} → gru → dense: the gradient reaching the conv's inputs`, () => {
        const layers: ArchLayer[] = [{ type: 'dense', units: 3, activation: 'tanh' }, conv(k, d, 'sigmoid'), { type: 'gru', units: 3, resetAfter: false }];
        expect(relativeError([...layers, softmax4], false, 'ce', 9)).toBeLessThan(1e-6);
        expect(relativeError([...layers, linear2], true, 'mse', 10)).toBeLessThan(1e-6);
      });
    }
  }
  // A centred conv reads future inputs (zeros past t = T − 1): its gradient reaches them.
  for (const [k, d, a] of [[3, 1, 1], [3, 2, 4], [4, 1, 2]] as const) {
    it(`centred conv1d k=${k} d=${d} lookahead ${a}: alone per step, and → lstm (bi) → dense many-to-one`, () => {
      expect(relativeError([{ ...conv(k, d, 'tanh', a), units: 2 } as ArchLayer], true, 'mse', 40 + a)).toBeLessThan(1e-6);
      const layers: ArchLayer[] = [{ type: 'dense', units: 3, activation: 'tanh' }, conv(k, d, 'relu', a), { type: 'lstm', units: 3, bidirectional: 'concat', resetAfter: true }];
      expect(relativeError([...layers, softmax4], false, 'ce', 50 + a)).toBeLessThan(1e-6);
    });
  }
  it('relu conv1d between recurrent layers, stacked convs, softmax head per step', () => {
    const layers: ArchLayer[] = [
      conv(3, 1, 'relu'), conv(2, 2, 'sigmoid'), { type: 'lstm', units: 3, resetAfter: true }, conv(3, 2, 'relu'),
      { type: 'rnn', units: 3, resetAfter: true },
    ];
    expect(relativeError([...layers, softmax4], false, 'ce', 7)).toBeLessThan(1e-6);
    expect(relativeError([...layers, softmax4], true, 'ce', 8)).toBeLessThan(1e-6);
  });
  it('dilation reaching past the whole sequence ((k−1)·d ≥ T): only the last tap sees data', () => {
    expect(relativeError([conv(3, 3, 'tanh'), linear2], true, 'mse')).toBeLessThan(1e-6);
  });
});

describe('gradient check: minGRU (gates from x only; one direction, as the IR allows)', () => {
  const mingru: ArchLayer = { type: 'mingru', units: 4, resetAfter: true };
  it('mingru + dense softmax / linear, last step and per step', () => {
    expect(relativeError([mingru, softmax4], false, 'ce')).toBeLessThan(1e-6);
    expect(relativeError([mingru, linear2], false, 'mse')).toBeLessThan(1e-6);
    expect(relativeError([mingru, linear2], true, 'mse')).toBeLessThan(1e-6);
  });
  it('reverse mingru, and mingru stacked on a gru and under a mingru', () => {
    expect(relativeError([{ ...mingru, reverse: true }, softmax4], false, 'ce')).toBeLessThan(1e-6);
    expect(relativeError([{ type: 'gru', units: 3, resetAfter: true }, mingru, { ...mingru, units: 3 }, softmax4], false, 'ce', 7)).toBeLessThan(1e-6);
  });
});

describe('gradient check: minLSTM (gates from x only, f and i normalised by f + i)', () => {
  const minlstm: ArchLayer = { type: 'minlstm', units: 4, resetAfter: true };
  it('minlstm + dense softmax / linear, last step and per step', () => {
    expect(relativeError([minlstm, softmax4], false, 'ce')).toBeLessThan(1e-6);
    expect(relativeError([minlstm, linear2], false, 'mse')).toBeLessThan(1e-6);
    expect(relativeError([minlstm, linear2], true, 'mse')).toBeLessThan(1e-6);
  });
  it('reverse minlstm, and minlstm between a mingru and an lstm', () => {
    expect(relativeError([{ ...minlstm, reverse: true }, softmax4], false, 'ce')).toBeLessThan(1e-6);
    expect(relativeError([{ type: 'mingru', units: 3, resetAfter: true }, minlstm, { type: 'lstm', units: 3, resetAfter: true }, softmax4], false, 'ce', 9)).toBeLessThan(1e-6);
  });
});

describe('gradient check: bidirectional minimal kinds (concat, sum, last-index), step by step and by the scan', () => {
  for (const type of ['mingru', 'minlstm'] as const) {
    it(`${type}`, () => {
      const l: ArchLayer = { type, units: 3, resetAfter: true };
      expect(relativeError([{ ...l, bidirectional: 'concat' }, softmax4], false, 'ce')).toBeLessThan(1e-6);
      expect(relativeError([{ ...l, bidirectional: 'sum', scan: true }, linear2], true, 'mse')).toBeLessThan(1e-6);
      expect(relativeError([{ ...l, bidirectional: 'sum', lastOutput: 'last-index' }, linear2], false, 'mse', 13)).toBeLessThan(1e-6);
    });
  }
});

describe('the minimal kinds trained by a prefix scan (cells/scan.ts)', () => {
  const kinds = ['mingru', 'minlstm'] as const;
  for (const type of kinds) {
    it(`${type}: the scan's gradients pass the finite-difference check, forward and reverse, T = ${T}`, () => {
      const scan: ArchLayer = { type, units: 4, resetAfter: true, scan: true };
      expect(relativeError([scan, softmax4], false, 'ce')).toBeLessThan(1e-6);
      expect(relativeError([{ ...scan, reverse: true }, linear2], true, 'mse')).toBeLessThan(1e-6);
    });
    it(`${type}: the scan gives the step-by-step loss and gradients (to rounding)`, () => {
      for (const reverse of [false, true]) {
        const run = (scan: boolean) => {
          const { net, x, targets, bptt } = setup([{ type, units: 5, resetAfter: true, reverse, scan }, linear2], true, 'mse', 21);
          net.grad.fill(0);
          const loss = bptt.run(x, T, B, targets, true);
          return { loss, grad: Float64Array.from(net.grad) };
        };
        const a = run(false), b = run(true);
        expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-12 * Math.abs(a.loss));
        let diff = 0, norm = 0;
        for (let i = 0; i < a.grad.length; i++) { diff = Math.max(diff, Math.abs(a.grad[i]! - b.grad[i]!)); norm = Math.max(norm, Math.abs(a.grad[i]!)); }
        expect(diff).toBeLessThan(1e-12 * norm);
      }
    });
  }
});

describe('gradient check: ssm (causal depthwise conv, selective scan, softplus Δ, silu gate)', () => {
  // Mamba's Δ starts at 0.001 … 0.1, where exp(Δ·A) hardly leaves 1 and h hardly moves: Δ's
  // bias is redrawn in ±1 here (Δ ≈ 0.3 … 1.3), so the decays sit well inside (0, 1).
  const liveDelta: Tweak = (net, rng) => {
    for (const l of net.layers) if (l instanceof SsmLayer) l.dtBias.w.forEach((_, i, w) => { w[i] = rng.uniform(-1, 1); });
  };
  const GROUPS = ['inKernel', 'inBias', 'convKernel', 'convBias', 'xKernel', 'dtKernel', 'dtBias', 'aLog', 'd'] as const;
  /** Each weight group of every ssm layer, checked on its own: a small group (aLog, D) cannot hide in the total. */
  const groupErrors = (net: Net, g: { analytic: Float64Array; numeric: Float64Array }): Record<string, number> => {
    const out: Record<string, number> = {};
    net.layers.forEach((l, i) => {
      if (!(l instanceof SsmLayer)) return;
      for (const name of GROUPS) {
        const from = l[name].w.byteOffset / 8;
        out[`${i}.${name}`] = groupError(g.analytic, g.numeric, from, from + l[name].w.length);
      }
    });
    return out;
  };
  const ssm = (units: number, stateSize: number, convSize: number, dtRank?: number): ArchLayer => ({ type: 'ssm', units, stateSize, convSize, dtRank });
  const check = (layers: ArchLayer[], perStep: boolean, loss: 'ce' | 'mse', seed: number) => {
    const { net, x, targets, bptt } = setup(layers, perStep, loss, seed, 1, liveDelta);
    const g = gradients(net, () => bptt.run(x, T, B, targets, true), () => bptt.run(x, T, B, targets, false), true);
    for (const [group, err] of Object.entries(groupErrors(net, g))) expect(err, group).toBeLessThan(1e-6);
    expect(groupError(g.analytic, g.numeric, 0, net.theta.length)).toBeLessThan(1e-6);
  };

  it('E=4 N=3 k=3 R=2: every weight group, per step (MSE) and many-to-one (both losses)', () => {
    check([ssm(4, 3, 3, 2), linear2], true, 'mse', 61);
    check([ssm(4, 3, 3, 2), softmax4], false, 'ce', 62);
    check([ssm(4, 3, 3, 2), linear2], false, 'mse', 63);
  });
  it('no conv history (k = 1), one state, R from the input width; a conv wider than the sequence (k = 6 > T)', () => {
    check([ssm(3, 1, 1), linear2], true, 'mse', 64);
    check([ssm(3, 2, 6, 1), softmax4], true, 'ce', 65);
  });
  it('stacked: dense → ssm (sequences) → ssm → softmax, and gru → ssm → dense, the gradient reaching the inputs', () => {
    check([{ type: 'dense', units: 3, activation: 'tanh' }, ssm(4, 2, 2, 1), ssm(3, 3, 3, 3), softmax4], false, 'ce', 66);
    check([{ type: 'gru', units: 3, resetAfter: true }, ssm(4, 2, 4, 2), linear2], true, 'mse', 67);
  });

  // Truncated BPTT: two chunks run forward only (the first shorter than k − 1), then a third
  // with the loss. The carried h and x' are constants of the third chunk: the finite
  // differences rerun the first two with the unperturbed weights each time.
  for (const perStep of [true, false]) {
    it(`carrying h and the conv's inputs across chunks, ${perStep ? 'per step' : 'many-to-one (returnSequences false)'}`, () => {
      const layers: ArchLayer[] = [ssm(4, 3, 4, 2), ssm(3, 2, 3, 1), perStep ? linear2 : softmax4];
      const { net, bptt } = setup(layers, perStep, 'mse', 68, 1, liveDelta);
      const rng = new Rng(69);
      const chunk = (steps: number) => Float64Array.from({ length: steps * B * F }, () => rng.uniform(-1.5, 1.5));
      const xa = chunk(1), xb = chunk(3), xc = chunk(T);
      const rows = (perStep ? T : 1) * B;
      const targets: Targets = perStep
        ? { kind: 'value', values: Float64Array.from({ length: rows * 2 }, () => rng.uniform(-1, 1)) }
        : { kind: 'class', labels: Int32Array.from({ length: rows }, () => rng.int(0, 3)) };
      const theta0 = Float64Array.from(net.theta);
      const prefix = () => {
        const now = Float64Array.from(net.theta);
        net.theta.set(theta0);
        net.setCarry(false);
        net.forward(xa, 1, B);
        net.setCarry(true);
        net.forward(xb, 3, B);
        net.theta.set(now);
      };
      const run = (learn: boolean) => { prefix(); return bptt.run(xc, T, B, targets, learn); };
      const g = gradients(net, () => run(true), () => run(false), true);
      for (const [group, err] of Object.entries(groupErrors(net, g))) expect(err, group).toBeLessThan(1e-6);
      expect(groupError(g.analytic, g.numeric, 0, net.theta.length)).toBeLessThan(1e-6);
      // The carried state is used: from zeros the loss differs.
      const carried = run(false);
      net.setCarry(false);
      expect(Math.abs(bptt.run(xc, T, B, targets, false) - carried)).toBeGreaterThan(1e-6);
    });
  }
});
