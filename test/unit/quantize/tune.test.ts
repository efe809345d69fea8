// Post-training tuning (src/quantize/tune-rows.ts, --tune): on random models, no technique
// makes any product of the first layer worse than the baseline on the calibration data,
// measured here directly: the real output error Σ_n Σ_r ((ŵ_r·x_n + b̂_r) − (w_r·x_n + b_r))²
// over the float vectors each product multiplies (the layer's inputs x_t; the recurrent
// product's h_{t−1}, from the initial state), with ŵ = q·scale[r] and b̂ = bias·scale[r]·2^−inFrac
// read back from the quantized model. And bias correction with adaptive rounding lowers
// it on every model, so the test fails if the tuning does nothing.
import { describe, expect, it } from 'vitest';
import { normalizeInput, runFloat } from '../../../src/float/model.js';
import type { FloatModel, Layer } from '../../../src/ir/model.js';
import type { QMatmul, QuantModel } from '../../../src/ir/qmodel.js';
import { type LayerSpec, randomModel, randomSequence } from '../../../src/ir/random.js';
import { quantizeWithData } from '../../../src/quantize/pipeline.js';
import { collectMoments } from '../../../src/quantize/moments-batch.js';
import { HEAD_TAIL } from '../../../src/quantize/tune-stats.js';
import { parseTechniques, techniquesText } from '../../../src/quantize/tune.js';

const INPUTS = 5;
const SPECS: Array<{ name: string; layers: LayerSpec[] }> = [
  { name: 'lstm 8', layers: [{ type: 'lstm', units: 8, returnSequences: true }] },
  { name: 'gru 8 resetAfter, initial state', layers: [{ type: 'gru', units: 8, returnSequences: true, resetAfter: true, initialState: true }] },
  { name: 'rnn relu 6 bidirectional', layers: [{ type: 'rnn', units: 6, returnSequences: true, activation: 'relu', bidirectional: 'concat' }] },
  { name: 'dense tanh 7', layers: [{ type: 'dense', units: 7, activation: 'tanh' }] },
  { name: 'conv1d 6 (k 3, d 2) relu', layers: [{ type: 'conv1d', units: 6, kernelSize: 3, dilation: 2, activation: 'relu' }] },
];

/** Every product of layer 0 with the float vectors it multiplies on `seqs`. */
function products(model: FloatModel, q: QuantModel, seqs: number[][][]): Array<{ mm: QMatmul; w: number[][]; b: number[] | undefined; xs: Float64Array[] }> {
  const layer = model.layers[0]! as Layer;
  const ql = q.layers[0]!;
  const inputs = seqs.map((s) => s.map((x) => normalizeInput(model, x)));
  const xs = inputs.flat();
  if (layer.type === 'dense' && ql.type === 'dense') return [{ mm: ql.mm, w: layer.weights.kernel, b: layer.weights.bias, xs }];
  if (layer.type === 'conv1d' && ql.type === 'conv1d') {
    const k = layer.kernelSize, d = layer.dilation ?? 1;
    const windows = inputs.flatMap((seq) => seq.map((_, t) => {
      const w = new Float64Array(k * INPUTS);
      for (let j = 0; j < k; j++) { const v = seq[t - (k - 1 - j) * d]; if (v) w.set(v, j * INPUTS); }
      return w;
    }));
    return [{ mm: ql.mm, w: layer.weights.kernel, b: layer.weights.bias, xs: windows }];
  }
  if (layer.type === 'dense' || layer.type === 'conv1d' || layer.type === 'ssm' || ql.type === 'dense' || ql.type === 'conv1d' || ql.type === 'ssm') throw new Error('kind mismatch');
  // h_{t−1} per direction: the initial state, then the state after each step but the last.
  const hs: Float64Array[][] = [[], []];
  for (const seq of seqs) {
    const prev: Array<Float64Array | undefined> = [undefined, undefined];
    runFloat(model, seq, undefined, {
      step(i, backward, _pre, state) {
        if (i !== 0) return;
        const dir = backward ? 1 : 0;
        const w = dir === 0 ? layer.weights : layer.backwardWeights!;
        hs[dir]!.push(prev[dir] ?? Float64Array.from(w.initialH ?? new Array<number>(layer.units).fill(0)));
        prev[dir] = state.h.slice();
      },
    });
  }
  type Dir = { w: typeof layer.weights; qd: typeof ql.forward; h: Float64Array[] };
  const dirs: Dir[] = [{ w: layer.weights, qd: ql.forward, h: hs[0]! }];
  if (layer.backwardWeights && ql.backward) dirs.push({ w: layer.backwardWeights, qd: ql.backward, h: hs[1]! });
  return dirs.flatMap(({ w, qd, h }) => [
    { mm: qd.x, w: w.kernel, b: w.bias, xs },
    { mm: qd.h!, w: w.recurrentKernel!, b: layer.type === 'gru' && layer.resetAfter ? w.recurrentBias : undefined, xs: h },
  ]);
}

/** Σ over vectors and rows of the squared real output error (formula above). */
function productError(p: ReturnType<typeof products>[number], inFrac: number): number {
  const { mm, w, b, xs } = p;
  let sum = 0;
  for (const x of xs) {
    for (let r = 0; r < mm.rows; r++) {
      let e = mm.bias[r]! * mm.scale[r]! * 2 ** -inFrac - (b?.[r] ?? 0);
      for (let c = 0; c < mm.cols; c++) e += (mm.weights[r * mm.cols + c]! * mm.scale[r]! - w[r]![c]!) * x[c]!;
      sum += e * e;
    }
  }
  return sum;
}

/** The input format of each product: the layer's inFrac, or h's (Q0.15, or a relu RNN's). */
function inFracOf(q: QuantModel, which: number): number {
  const l = q.layers[0]!;
  if (l.type === 'dense' || l.type === 'conv1d' || which % 2 === 0) return l.inFrac;
  return l.type === 'rnn' && l.activation === 'relu' ? (l.bidirectional === 'sum' ? l.outFrac + 1 : l.outFrac) : 15;
}

describe('post-training tuning never makes a product worse on its calibration data', () => {
  for (const spec of SPECS) {
    it(spec.name, () => {
      for (const seed of [1, 2]) {
        const model = randomModel({ inputSize: INPUTS, layers: spec.layers, weightScale: 0.7 }, seed);
        // 6 × 40 steps: every product has ≥ 16 vectors per input column (tune-rows.ts MIN_VECTORS_PER_COL).
        const seqs = Array.from({ length: 6 }, (_, k) => randomSequence(INPUTS, 40, 100 * seed + k));
        for (const bits of [8, 16] as const) {
          const quant = (tune: string) => quantizeWithData(model, { sequences: seqs, source: 'calib' }, { weightBits: bits, tune: parseTechniques(tune)! }).model;
          const base = quant('none');
          const baseErr = products(model, base, seqs).map((p, k) => productError(p, inFracOf(base, k)));
          for (const tune of ['scale', 'bias', 'round', 'bias,round', 'all']) {
            const q = quant(tune);
            expect(techniquesText(parseTechniques(tune)!)).toBe((q.meta!.quantization as { tune: string }).tune);
            const errs = products(model, q, seqs).map((p, k) => productError(p, inFracOf(q, k)));
            errs.forEach((e, k) => expect(e, `${tune} int${bits} product ${k}`).toBeLessThanOrEqual(baseErr[k]! * (1 + 1e-9) + 1e-30));
            if (tune === 'bias,round' && bits === 8) {
              const total = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
              expect(total(errs), `${spec.name} seed ${seed}: tuning lowers the error`).toBeLessThan(total(baseErr));
            }
          }
        }
      }
    });
  }

  it('collects the moments the tuning minimises: mean and Gram of the layer input', () => {
    const model = randomModel({ inputSize: 3, layers: [{ type: 'dense', units: 2, activation: 'linear' }] }, 4);
    const seqs = [randomSequence(3, 5, 1), randomSequence(3, 4, 2)];
    const m = collectMoments(model, seqs)[0]!.x!;
    const xs = seqs.flat();
    expect(m.n).toBe(9);
    for (let i = 0; i < 3; i++) {
      expect(m.mean[i]).toBeCloseTo(xs.reduce((s, x) => s + x[i]!, 0) / 9, 12);
      for (let j = 0; j < 3; j++) expect(m.gram[i * 3 + j]).toBeCloseTo(xs.reduce((s, x) => s + x[i]! * x[j]!, 0) / 9, 12);
    }
  });

  it("takes a last-output layer's dense head moments over the h_t of each sequence's last quarter", () => {
    const model = randomModel({ inputSize: 3, layers: [{ type: 'lstm', units: 4 }, { type: 'dense', units: 2, activation: 'linear' }] }, 5);
    const seqs = [randomSequence(3, 8, 1), randomSequence(3, 6, 2)];
    // The h_t of steps 6, 7 (of 8) and 5 (of 6): t ≥ ⌈0.75·T⌉.
    const hs: Float64Array[] = [];
    for (const seq of seqs) {
      let t = 0;
      runFloat(model, seq, undefined, { step(i, _b, _pre, state) { if (i === 0 && t++ >= Math.ceil(0.75 * seq.length)) hs.push(state.h.slice()); } });
    }
    expect(HEAD_TAIL).toBe(0.25);
    const m = collectMoments(model, seqs)[1]!.x!;
    expect(m.n).toBe(3);
    for (let i = 0; i < 4; i++) {
      expect(m.mean[i]).toBeCloseTo(hs.reduce((s, h) => s + h[i]!, 0) / 3, 12);
      for (let j = 0; j < 4; j++) expect(m.gram[i * 4 + j]).toBeCloseTo(hs.reduce((s, h) => s + h[i]! * h[j]!, 0) / 3, 12);
    }
  });

  it('bidirectional: pairs of states after as many steps, merged; "last-index" keeps one vector per sequence', () => {
    const seqs = [randomSequence(3, 8, 1), randomSequence(3, 6, 2)];
    const layers = (lastOutput: 'final' | 'last-index'): LayerSpec[] => [{ type: 'gru', units: 4, bidirectional: 'concat', lastOutput }, { type: 'dense', units: 2, activation: 'linear' }];
    const bi = randomModel({ inputSize: 3, layers: layers('final') }, 5);
    // Forward after x_k with backward after x_{T−1−k}, both k + 1 steps in, for k ≥ ⌈0.75·T⌉.
    const pairs: Float64Array[] = [];
    for (const seq of seqs) {
      const hs: Float64Array[][] = [[], []];
      runFloat(bi, seq, undefined, { step(i, backward, _pre, state) { if (i === 0) hs[backward ? 1 : 0]!.push(state.h.slice()); } });
      for (let k = Math.ceil(0.75 * seq.length); k < seq.length; k++) pairs.push(Float64Array.from([...hs[0]![k]!, ...hs[1]![k]!]));
    }
    // The last pair of each sequence is the layer's output.
    expect(Array.from(pairs[1]!)).toEqual(Array.from(runFloat({ ...bi, layers: [bi.layers[0]!] }, seqs[0]!)[0]!));
    const m = collectMoments(bi, seqs)[1]!.x!;
    expect(m.n).toBe(3);
    for (let i = 0; i < 8; i++) expect(m.mean[i]).toBeCloseTo(pairs.reduce((s, h) => s + h[i]!, 0) / 3, 12);
    expect(collectMoments(randomModel({ inputSize: 3, layers: layers('last-index') }, 5), seqs)[1]!.x!.n).toBe(2);
  });

  it('tunes nothing on too little data, and --tune names are checked', () => {
    const model = randomModel({ inputSize: INPUTS, layers: [{ type: 'lstm', units: 8 }] }, 3);
    const seqs = [randomSequence(INPUTS, 6, 9)];
    const a = quantizeWithData(model, { sequences: seqs, source: 'c' }, { tune: new Set() }).model;
    const b = quantizeWithData(model, { sequences: seqs, source: 'c' }, { tune: parseTechniques('all')! }).model;
    expect(b.layers).toEqual(a.layers);
    expect(parseTechniques('none')!.size).toBe(0);
    expect([...parseTechniques('round,bias')!].sort()).toEqual(['bias', 'round']);
    expect(parseTechniques('round,fast')).toBeUndefined();
  });
});
