// A trainable encoder–decoder (docs/seq2seq.md): any encoder stack the trainer builds
// (net.ts) and a decoder over one parameter vector, the decoder's parameters after the
// encoder's. Batched over B sequences; the encoder's outputs M (T×B×H_e) are the memory.
//
// Forward, K decoding steps from the initial state s_0 (zeros, copy, or bridge
// h_0 = tanh(W_b m_{T−1} + b_b)):
//   u_k = start (k = 0), else the ground truth y*_{k−1} (teacher forcing) or, with probability
//         p per step and sequence (scheduled sampling), the model's own y_{k−1}; embedding
//         feedback reads the table row of that class (the truth's, or argmax y_{k−1})
//   ctx = attention(q) over M, q = h_{k−1} (into input, both) or h_k (into output)
//   s_k = cell([u_k ; ctx], s_{k−1});   y_k = act(W_o [h_k ; ctx] + b_o)
// Each step runs a training cell (cells/*.ts) over one timestep; one cell object per step
// keeps that step's activations for the backward pass, all sharing the recurrent weights.
//
// Backward, k = K−1 … 0, with dh_k, dc_k gathered from the projection, the output route's
// attention and step k+1:
//   dr_k = dlogits_k · W_o  → dh_k (first S), dctx (the rest)
//   into output: attention backward at q = h_k adds to dh_k
//   the cell over one step: dZ_k, and dh_{k−1}, dc_{k−1} (its initialStateGrad)
//   dx_k = dZ_k · W → du_k (embedding: into that row of the table), dctx (into input, both:
//   attention backward at q = h_{k−1} adds to dh_{k−1})
// then dW += Σ_k dZ_kᵀ x_k, the attention's keys into dM, and dh_0, dc_0 into the init:
// copy hands them to the encoder's last layer (RecurrentLayer.finalGrad), bridge through
// tanh into W_b, b_b and dm_{T−1}. Last, the encoder's own backward from dM.
import { RnncError } from '../errors.js';
import type { FloatModel } from '../ir/model.js';
import { gateCount } from '../ir/kinds.js';
import type { Decoder, DECODER_CELLS, CONTEXT_INTO } from '../ir/seq2seq.js';
import { Rng } from '../util/rng.js';
import { type ResolvedLayer, hasReturnSequences, isRecurrentSpec, outputUnits } from './arch.js';
import { type AttentionSpec, TrainAttention, attentionParamCount, attentionTensors } from './attention.js';
import { grow } from './cells/common.js';
import type { TrainCell } from './cells/types.js';
import { activate } from './dense.js';
import { gemmNN, gemmNT, gemmTN, sumRows } from './gemm.js';
import { glorotUniform, orthogonal } from './init.js';
import { toRows } from './layer.js';
import { argmax, crossEntropy, meanSquared } from './loss.js';
import { Net } from './net.js';
import type { ParamView } from './params.js';
import { RecurrentLayer } from './recurrent.js';
import { TRAIN_KINDS } from './kinds.js';
import type { Targets } from './bptt.js';

export interface DecoderSpec {
  cell: (typeof DECODER_CELLS)[number];
  units: number;
  /** GRU only (default true, PyTorch's GRU). */
  resetAfter?: boolean;
  outputSize: number;
  steps: number;
  /**
   * prediction: regression, the previous output fed back (`start`, default zeros, before the
   * first), a linear projection and MSE. embedding: classes, a trained table of O rows of
   * `dims`, a softmax projection and cross-entropy.
   */
  feedback: { kind: 'prediction'; start?: number[] } | { kind: 'embedding'; dims: number; start: number };
  /** embedding only: written to the model; training still runs all K steps. */
  endToken?: number;
  init: 'zeros' | 'copy' | 'bridge';
  attention?: AttentionSpec & { into: (typeof CONTEXT_INTO)[number] };
}

/** Scheduled sampling: each step k ≥ 1 of each sequence feeds back the model's own output with probability `ratio`. */
export interface Sampling {
  ratio: number;
  rng: Rng;
}

/** A named range of the parameter vector (the gradient check walks them). */
export interface ParamGroup {
  name: string;
  from: number;
  to: number;
}

function bad(why: string): never {
  throw new RnncError('arch/invalid', `decoder: ${why}`);
}

export class Seq2SeqNet {
  readonly encoder: Net;
  /** H_e: the width of each memory vector. */
  readonly memoryWidth: number;
  /** The decoder's parameter groups, in the order they sit in the parameter vector. */
  readonly groups: ParamGroup[] = [];
  private readonly gates: number;
  private readonly fbWidth: number;
  private readonly inWidth: number;
  private readonly outWidth: number;
  private readonly routes: { input: boolean; output: boolean };
  private readonly kernel: ParamView;
  private readonly recurrent: ParamView;
  private readonly bias: ParamView;
  private readonly recurrentBias: ParamView | undefined;
  private readonly attention: TrainAttention | undefined;
  private readonly bridgeKernel: ParamView | undefined;
  private readonly bridgeBias: ParamView | undefined;
  private readonly table: ParamView | undefined;
  private readonly projKernel: ParamView;
  private readonly projBias: ParamView;
  private readonly cells: TrainCell[];
  /** Initial state and each step's state: (K+1)×B×S; row 0 is s_0. */
  private hs: Float64Array = new Float64Array(0);
  private cs: Float64Array = new Float64Array(0);
  private dhs: Float64Array = new Float64Array(0);
  private dcs: Float64Array = new Float64Array(0);
  /** Per step: the cell's input [u ; ctx] (K×B×W_in), its projections (K×B×G·S), the projection's input [h ; ctx] (K×B×W_out). */
  private xs: Float64Array = new Float64Array(0);
  private zs: Float64Array = new Float64Array(0);
  private dzs: Float64Array = new Float64Array(0);
  private rs: Float64Array = new Float64Array(0);
  private drs: Float64Array = new Float64Array(0);
  private ctx: Float64Array = new Float64Array(0);
  private dctx: Float64Array = new Float64Array(0);
  private dx: Float64Array = new Float64Array(0);
  private dM: Float64Array = new Float64Array(0);
  private scratch: Float64Array = new Float64Array(0);
  private scratchC: Float64Array = new Float64Array(0);
  /** Class fed at each step (embedding): K×B. */
  private fed: Int32Array = new Int32Array(0);
  /** Logits and outputs of the last forward call: K×B×O. */
  logits: Float64Array = new Float64Array(0);
  out: Float64Array = new Float64Array(0);
  private dout: Float64Array = new Float64Array(0);
  private memory: Float64Array = new Float64Array(0);
  private memSteps = 0;
  private batch = 0;

  constructor(encoderLayers: ResolvedLayer[], readonly inputSize: number, readonly spec: DecoderSpec) {
    const s = spec.units, o = spec.outputSize, he = outputUnits(encoderLayers);
    const last = encoderLayers[encoderLayers.length - 1]!;
    const a = spec.attention;
    // One output per step unless the last layer choosing (recurrent, ssm) gives one per sequence (net.ts sequenceOut).
    const chooser = [...encoderLayers].reverse().find(hasReturnSequences);
    if (a && chooser && !chooser.returnSequences) bad('attention reads every encoder output, so the last encoder layer needs returnSequences (:seq)');
    if (a?.kind === 'dot' && s !== he) bad(`"dot" attention needs the decoder's ${s} units to equal the encoder's output width ${he}; use "general"`);
    if (spec.init === 'copy') {
      if (!isRecurrentSpec(last) || last.bidirectional) bad('init "copy" needs a forward recurrent last encoder layer; use "bridge"');
      if (last.units !== s) bad(`init "copy" needs the last encoder layer's ${last.units} units to equal the decoder's ${s}; use "bridge"`);
    }
    const fb = spec.feedback;
    if (fb.kind === 'embedding' && !(Number.isInteger(fb.start) && fb.start >= 0 && fb.start < o)) bad(`the start class must be from 0 to ${o - 1}, got ${fb.start}`);
    if (fb.kind === 'prediction' && fb.start && fb.start.length !== o) bad(`the start vector needs ${o} values, got ${fb.start.length}`);
    if (spec.endToken !== undefined && fb.kind !== 'embedding') bad('only a decoder that feeds back classes (embedding) can stop at an end token');
    this.memoryWidth = he;
    this.gates = gateCount(spec.cell);
    this.routes = { input: a?.into === 'input' || a?.into === 'both', output: a?.into === 'output' || a?.into === 'both' };
    this.fbWidth = fb.kind === 'prediction' ? o : fb.dims;
    this.inWidth = this.fbWidth + (this.routes.input ? he : 0);
    this.outWidth = s + (this.routes.output ? he : 0);
    const rows = this.gates * s, resetAfter = spec.cell === 'gru' && spec.resetAfter !== false;
    const decoderParams = rows * (this.inWidth + s + 1) + (resetAfter ? rows : 0) + (a ? attentionParamCount(a, s, he) : 0)
      + (spec.init === 'bridge' ? s * (he + 1) : 0) + (fb.kind === 'embedding' ? o * fb.dims : 0) + o * (this.outWidth + 1);
    this.encoder = new Net(encoderLayers, inputSize, decoderParams);
    const store = this.encoder.store;
    let at = store.size - decoderParams;
    // The decoder's groups, in the order they are taken from the store.
    const take = (name: string, n: number): ParamView => {
      const v = store.take(n);
      if (n > 0) this.groups.push({ name, from: at, to: at + n });
      at += n;
      return v;
    };
    this.kernel = take('decoder kernel', rows * this.inWidth);
    this.recurrent = take('decoder recurrentKernel', rows * s);
    this.bias = take('decoder bias', rows);
    this.recurrentBias = resetAfter ? take('decoder recurrentBias', rows) : undefined;
    if (a) {
      this.attention = new TrainAttention(a, s, he, store);
      for (const [name, n] of attentionTensors(a, s, he)) this.groups.push({ name: `attention ${name}`, from: at, to: (at += n) });
    }
    if (spec.init === 'bridge') {
      this.bridgeKernel = take('bridge kernel', s * he);
      this.bridgeBias = take('bridge bias', s);
    }
    if (fb.kind === 'embedding') this.table = take('embedding table', o * fb.dims);
    this.projKernel = take('projection kernel', o * this.outWidth);
    this.projBias = take('projection bias', o);
    const p = { u: this.recurrent.w, du: this.recurrent.g, ...(this.recurrentBias ? { rb: this.recurrentBias.w, drb: this.recurrentBias.g } : {}) };
    const cellSpec = { type: spec.cell, units: s, returnSequences: true, resetAfter };
    this.cells = Array.from({ length: spec.steps }, () => TRAIN_KINDS[spec.cell].cell(cellSpec, p));
  }

  get theta(): Float64Array { return this.encoder.theta; }
  get grad(): Float64Array { return this.encoder.grad; }

  /** Every parameter group: one per encoder layer, then the decoder's (`groups`). */
  paramGroups(): ParamGroup[] {
    let at = 0;
    const encoder = this.encoder.layerParams.map((n, i) => ({ name: `encoder layer ${i + 1} (${this.encoder.arch[i]!.type})`, from: at, to: (at += n) }));
    return [...encoder, ...this.groups];
  }

  init(seed: number): void {
    this.encoder.init(seed);
    const rng = new Rng(seed ^ 0x5e02);
    const { units: s, outputSize: o } = this.spec, rows = this.gates * s;
    glorotUniform(this.kernel.w, rows, this.inWidth, rng);
    for (let k = 0; k < this.gates; k++) orthogonal(this.recurrent.w, s, rng, k * s * s);
    this.bias.w.fill(0);
    TRAIN_KINDS[this.spec.cell].initBias?.(this.bias.w, s);
    this.recurrentBias?.w.fill(0);
    this.attention?.init(rng);
    if (this.bridgeKernel) glorotUniform(this.bridgeKernel.w, s, this.memoryWidth, rng);
    this.bridgeBias?.w.fill(0);
    // Embedding rows N(0, 1) as torch.nn.Embedding.
    if (this.table) for (let i = 0; i < this.table.w.length; i++) this.table.w[i] = rng.normal();
    glorotUniform(this.projKernel.w, o, this.outWidth, rng);
    this.projBias.w.fill(0);
  }

  /**
   * Runs the encoder on x (T×B×inputSize) and the decoder for K steps; returns `out`
   * (K×B×O). `teacher`: the ground truth (K×B rows) fed back, each step of each sequence
   * replaced by the model's own output with probability `sampling.ratio`; without it the
   * decoder runs free (every step its own output, as runFloat).
   */
  forward(x: Float64Array, steps: number, batch: number, teacher?: Targets, sampling?: Sampling): Float64Array {
    const { spec } = this, K = spec.steps, s = spec.units, o = spec.outputSize, he = this.memoryWidth, B = batch;
    const enc = this.encoder.forward(x, steps, batch);
    this.memory = enc.out; this.memSteps = enc.steps; this.batch = B;
    const bs = B * s, gs = this.gates * s, wi = this.inWidth, wo = this.outWidth;
    this.hs = grow(this.hs, (K + 1) * bs); this.cs = grow(this.cs, (K + 1) * bs);
    this.xs = grow(this.xs, K * B * wi); this.zs = grow(this.zs, K * B * gs); this.rs = grow(this.rs, K * B * wo);
    this.ctx = grow(this.ctx, B * he);
    this.scratch = grow(this.scratch, bs); this.scratchC = grow(this.scratchC, bs);
    this.fed = this.fed.length >= K * B ? this.fed : new Int32Array(K * B);
    this.logits = grow(this.logits, K * B * o); this.out = grow(this.out, K * B * o);
    const { hs, cs, xs, zs, rs, ctx, logits, out } = this;
    this.initialState();
    this.attention?.setMemory(this.memory, this.memSteps, B, K);
    const fb = spec.feedback;
    const start = fb.kind === 'prediction' ? fb.start : undefined;
    for (let k = 0; k < K; k++) {
      const hPrev = hs.subarray(k * bs, (k + 1) * bs), cPrev = cs.subarray(k * bs, (k + 1) * bs);
      const hNext = hs.subarray((k + 1) * bs, (k + 2) * bs), cNext = cs.subarray((k + 1) * bs, (k + 2) * bs);
      // The feedback u_k. A sampled step feeds the model's own previous output as a constant:
      // the gradient does not flow back through that path (the usual choice for scheduled
      // sampling, Bengio et al. 2015), only through the states and, for embeddings, the row.
      for (let b = 0; b < B; b++) {
        const xo = (k * B + b) * wi;
        const own = k > 0 && (!teacher || (sampling !== undefined && sampling.ratio > 0 && sampling.rng.next() < sampling.ratio));
        const prev = ((k - 1) * B + b) * o;
        if (fb.kind === 'prediction') {
          if (k === 0) for (let i = 0; i < o; i++) xs[xo + i] = start?.[i] ?? 0;
          else {
            const src = own ? out : (teacher as Extract<Targets, { kind: 'value' }>).values;
            for (let i = 0; i < o; i++) xs[xo + i] = src[prev + i]!;
          }
        } else {
          const c = k === 0 ? fb.start : own ? argmax(out, prev, o) : (teacher as Extract<Targets, { kind: 'class' }>).labels[(k - 1) * B + b]!;
          this.fed[k * B + b] = c;
          xs.set(this.table!.w.subarray(c * fb.dims, (c + 1) * fb.dims), xo);
        }
      }
      if (this.attention && this.routes.input) {
        this.attention.forward(k, hPrev, ctx);
        for (let b = 0; b < B; b++) xs.set(ctx.subarray(b * he, (b + 1) * he), (k * B + b) * wi + this.fbWidth);
      }
      // Z_k = x_k·Wᵀ + b, then the cell over one timestep from s_{k−1}.
      const zOff = k * B * gs;
      gemmNT(B, gs, wi, xs, k * B * wi, wi, this.kernel.w, 0, wi, zs, zOff, gs, false);
      for (let b = 0; b < B; b++) for (let j = 0; j < gs; j++) zs[zOff + b * gs + j] = zs[zOff + b * gs + j]! + this.bias.w[j]!;
      const cell = this.cells[k]!;
      cell.forward(zs.subarray(zOff, zOff + B * gs), hNext, hPrev, cPrev, 1, B, false);
      if (spec.cell === 'lstm') cell.finalState(hNext, this.scratch, cNext);
      if (this.attention && !this.routes.input) this.attention.forward(k, hNext, ctx);
      for (let b = 0; b < B; b++) {
        const ro = (k * B + b) * wo;
        rs.set(hNext.subarray(b * s, (b + 1) * s), ro);
        if (this.routes.output) rs.set(ctx.subarray(b * he, (b + 1) * he), ro + s);
      }
      gemmNT(B, o, wo, rs, k * B * wo, wo, this.projKernel.w, 0, wo, logits, k * B * o, o, false);
      const act = fb.kind === 'embedding' ? 'softmax' : 'linear';
      for (let b = 0; b < B; b++) {
        const lo = (k * B + b) * o;
        for (let i = 0; i < o; i++) logits[lo + i] = logits[lo + i]! + this.projBias.w[i]!;
        activate(act, logits, out, lo, o);
      }
    }
    return out.subarray(0, K * B * o);
  }

  /** s_0 into row 0 of hs and cs. */
  private initialState(): void {
    const bs = this.batch * this.spec.units, s = this.spec.units, he = this.memoryWidth;
    const h0 = this.hs.subarray(0, bs), c0 = this.cs.subarray(0, bs);
    h0.fill(0); c0.fill(0);
    if (this.spec.init === 'copy') {
      const last = this.encoder.layers[this.encoder.layers.length - 1] as RecurrentLayer;
      last.finalState(h0, this.scratchC);
      // c is copied only from an LSTM into an LSTM (docs/seq2seq.md); otherwise c_0 = 0.
      if (this.spec.cell === 'lstm' && last.spec.type === 'lstm') c0.set(this.scratchC.subarray(0, bs));
    } else if (this.spec.init === 'bridge') {
      // h_0 = tanh(W_b m_{T−1} + b_b)
      const mOff = (this.memSteps - 1) * this.batch * he;
      gemmNT(this.batch, s, he, this.memory, mOff, he, this.bridgeKernel!.w, 0, he, h0, 0, s, false);
      for (let b = 0; b < this.batch; b++) for (let j = 0; j < s; j++) h0[b * s + j] = Math.tanh(h0[b * s + j]! + this.bridgeBias!.w[j]!);
    }
  }

  /**
   * Accumulates dL/dθ into `grad` (callers zero it) from dL/d(logits) (K×B×O): for the
   * linear projection that is dL/dy, for softmax with cross-entropy loss.ts's logit gradient.
   */
  backward(dlogits: Float64Array): void {
    const { spec } = this, K = spec.steps, s = spec.units, o = spec.outputSize, he = this.memoryWidth, B = this.batch;
    const bs = B * s, gs = this.gates * s, wi = this.inWidth, wo = this.outWidth, n = K * B;
    const mSize = this.memSteps * B * he;
    this.dhs = grow(this.dhs, (K + 1) * bs); this.dcs = grow(this.dcs, (K + 1) * bs);
    this.dzs = grow(this.dzs, n * gs); this.drs = grow(this.drs, n * wo);
    this.dctx = grow(this.dctx, B * he); this.dx = grow(this.dx, B * wi); this.dM = grow(this.dM, mSize);
    const { hs, dhs, dcs, xs, dzs, rs, drs, dctx, dx } = this;
    const dM = this.dM.subarray(0, mSize);
    dhs.fill(0, 0, (K + 1) * bs); dcs.fill(0, 0, (K + 1) * bs); dM.fill(0);
    // Projection over all K·B rows at once: dW_o += dlogitsᵀ·R, db_o += Σ dlogits, dR = dlogits·W_o.
    gemmTN(o, wo, n, dlogits, 0, o, rs, 0, wo, this.projKernel.g, 0, wo);
    sumRows(n, o, dlogits, 0, o, this.projBias.g, 0);
    gemmNN(n, wo, o, dlogits, 0, o, this.projKernel.w, 0, wo, drs, 0, wo, false);
    for (let k = 0; k < K; k++) {
      for (let b = 0; b < B; b++) {
        const ro = (k * B + b) * wo, ho = (k + 1) * bs + b * s;
        for (let j = 0; j < s; j++) dhs[ho + j] = drs[ro + j]!;
      }
    }
    this.attention?.beginBackward();
    for (let k = K - 1; k >= 0; k--) {
      const hPrev = hs.subarray(k * bs, (k + 1) * bs), hNext = hs.subarray((k + 1) * bs, (k + 2) * bs);
      const dhPrev = dhs.subarray(k * bs, (k + 1) * bs), dhNext = dhs.subarray((k + 1) * bs, (k + 2) * bs);
      dctx.fill(0, 0, B * he);
      if (this.routes.output) {
        for (let b = 0; b < B; b++) {
          const ro = (k * B + b) * wo + s;
          for (let i = 0; i < he; i++) dctx[b * he + i] = drs[ro + i]!;
        }
        // into output: the context was asked by h_k; into both: by h_{k−1}, handled with the input's share below.
        if (!this.routes.input) this.attention!.backward(k, hNext, dctx, dhNext, dM);
      }
      const zOff = k * B * gs;
      const cell = this.cells[k]!;
      cell.backward(dhNext, dzs.subarray(zOff, zOff + B * gs), hNext, spec.cell === 'lstm' ? dcs.subarray((k + 1) * bs, (k + 2) * bs) : undefined);
      cell.initialStateGrad!(this.scratch, dcs.subarray(k * bs, (k + 1) * bs));
      for (let j = 0; j < bs; j++) dhPrev[j] = dhPrev[j]! + this.scratch[j]!;
      // dx_k = dZ_k·W: the feedback's share and the context's.
      gemmNN(B, wi, gs, dzs, zOff, gs, this.kernel.w, 0, wi, dx, 0, wi, false);
      if (this.routes.input) {
        for (let b = 0; b < B; b++) for (let i = 0; i < he; i++) dctx[b * he + i] = dctx[b * he + i]! + dx[b * wi + this.fbWidth + i]!;
        this.attention!.backward(k, hPrev, dctx, dhPrev, dM);
      }
      if (this.table) {
        const d = this.fbWidth, g = this.table.g;
        for (let b = 0; b < B; b++) {
          const row = this.fed[k * B + b]! * d;
          for (let i = 0; i < d; i++) g[row + i] = g[row + i]! + dx[b * wi + i]!;
        }
      }
    }
    // The cell's input kernel and bias over all steps at once.
    gemmTN(gs, wi, n, dzs, 0, gs, xs, 0, wi, this.kernel.g, 0, wi);
    sumRows(n, gs, dzs, 0, gs, this.bias.g, 0);
    this.attention?.endBackward(dM);
    this.initialStateBackward(dhs.subarray(0, bs), dcs.subarray(0, bs), dM);
    this.encoder.backward(dM, false);
    const last = this.encoder.layers[this.encoder.layers.length - 1];
    if (last instanceof RecurrentLayer) last.finalGrad = undefined;
  }

  /** dL/ds_0 into the init: the encoder's final state (copy) or the bridge. */
  private initialStateBackward(dh0: Float64Array, dc0: Float64Array, dM: Float64Array): void {
    const B = this.batch, s = this.spec.units, he = this.memoryWidth;
    if (this.spec.init === 'copy') {
      const last = this.encoder.layers[this.encoder.layers.length - 1] as RecurrentLayer;
      const both = this.spec.cell === 'lstm' && last.spec.type === 'lstm';
      last.finalGrad = { h: Float64Array.from(dh0), c: both ? Float64Array.from(dc0) : new Float64Array(B * s) };
    } else if (this.spec.init === 'bridge') {
      // dpre = dh_0 ⊙ (1 − h_0²); dW_b += dpreᵀ m_{T−1}, db_b += Σ dpre, dm_{T−1} += dpre·W_b.
      const h0 = this.hs, dpre = this.scratch;
      for (let k = 0; k < B * s; k++) dpre[k] = dh0[k]! * (1 - h0[k]! * h0[k]!);
      const mOff = (this.memSteps - 1) * B * he;
      gemmTN(s, he, B, dpre, 0, s, this.memory, mOff, he, this.bridgeKernel!.g, 0, he);
      sumRows(B, s, dpre, 0, s, this.bridgeBias!.g, 0);
      gemmNN(B, he, s, dpre, 0, s, this.bridgeKernel!.w, 0, he, dM, mOff, he, true);
    }
  }

  /**
   * Loss of the batch against K×B target rows (values K×B×O, or classes K×B) with teacher
   * forcing (and scheduled sampling); with `learn`, dL/dθ added to `grad`.
   */
  loss(x: Float64Array, steps: number, batch: number, targets: Targets, learn: boolean, sampling?: Sampling): number {
    this.forward(x, steps, batch, targets, sampling);
    const rows = this.spec.steps * batch, o = this.spec.outputSize;
    this.dout = grow(this.dout, rows * o);
    const dout = this.dout.subarray(0, rows * o);
    let loss: number;
    if (this.spec.feedback.kind === 'embedding') {
      if (targets.kind !== 'class') throw new Error('an embedding decoder needs class targets');
      loss = crossEntropy(this.logits, targets.labels, rows, o, dout);
    } else {
      if (targets.kind !== 'value') throw new Error('a prediction decoder needs value targets');
      loss = meanSquared(this.out, targets.values, rows, o, dout);
    }
    if (learn) this.backward(dout);
    return loss;
  }

  toModel(name: string, extra: Pick<FloatModel, 'normalization' | 'meta'> = {}): FloatModel {
    const model = this.encoder.toModel(name, extra);
    model.decoder = this.toDecoder();
    return model;
  }

  /** The decoder as the model's `decoder` field (ir/seq2seq.ts). */
  toDecoder(): Decoder {
    const { spec } = this, s = spec.units, o = spec.outputSize, rows = this.gates * s, fb = spec.feedback;
    const d: Decoder = {
      cell: spec.cell,
      ...(spec.cell === 'gru' ? { resetAfter: spec.resetAfter !== false } : {}),
      units: s, outputSize: o, steps: spec.steps,
      feedback: fb.kind === 'prediction'
        ? { kind: 'prediction', start: fb.start ? [...fb.start] : new Array<number>(o).fill(0) }
        : { kind: 'embedding', table: toRows(this.table!.w, o, fb.dims), start: fb.start },
      ...(spec.endToken !== undefined ? { endToken: spec.endToken } : {}),
      init: spec.init === 'bridge'
        ? { kind: 'bridge', kernel: toRows(this.bridgeKernel!.w, s, this.memoryWidth), bias: Array.from(this.bridgeBias!.w) }
        : { kind: spec.init },
      ...(this.attention && spec.attention ? { attention: this.attention.toIr(spec.attention.into) } : {}),
      weights: {
        kernel: toRows(this.kernel.w, rows, this.inWidth), recurrentKernel: toRows(this.recurrent.w, rows, s), bias: Array.from(this.bias.w),
        ...(this.recurrentBias ? { recurrentBias: Array.from(this.recurrentBias.w) } : {}),
      },
      projection: { kernel: toRows(this.projKernel.w, o, this.outWidth), bias: Array.from(this.projBias.w), activation: fb.kind === 'embedding' ? 'softmax' : 'linear' },
    };
    return d;
  }
}
