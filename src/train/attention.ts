// A decoder's attention over the encoder's outputs (the memory), for training; batched over
// B sequences, one call per decoding step (a "slot"). docs/seq2seq.md gives the equations:
//   bahdanau  e_j = vᵀ tanh(W_e m_j + W_q q + b)      dot  e_j = q · m_j      general  e_j = q · (W_g m_j)
//   α = softmax(e),  ctx = Σ_j α_j m_j
// The keys W_e m_j (Bahdanau) and W_g m_j (general) do not depend on the step: computed once
// per batch, and their gradient gathered over all steps before one product each for dW and dM.
// Backward, from dctx:
//   dα_j = dctx · m_j;  dm_j += α_j dctx;  de_j = α_j (dα_j − Σ_i α_i dα_i)   (softmax)
//   bahdanau  dpre_j = de_j v ⊙ (1 − t_j²) with t_j = tanh(pre_j);  dv += Σ_j de_j t_j;
//             dkey_j += dpre_j;  dqa = Σ_j dpre_j → db += dqa, dW_q += dqa qᵀ, dq += W_qᵀ dqa
//   dot       dq += Σ_j de_j m_j;  dm_j += de_j q
//   general   dq += Σ_j de_j k_j;  dkey_j += de_j q
//   keys      dW += dKeyᵀ·M,  dM += dKey·W   (W = W_e or W_g)
import type { Attention } from '../ir/seq2seq.js';
import type { Rng } from '../util/rng.js';
import { grow } from './cells/common.js';
import { gemmNN, gemmNT, gemmTN } from './gemm.js';
import { glorotUniform } from './init.js';
import { toRows } from './layer.js';
import type { ParamStore, ParamView } from './params.js';

export type AttentionSpec = { kind: 'bahdanau'; units: number } | { kind: 'dot' } | { kind: 'general' };

/** The attention's tensors and their sizes, in the order they sit in the parameter vector (the IR's names). */
export function attentionTensors(spec: AttentionSpec, units: number, memoryWidth: number): Array<[string, number]> {
  if (spec.kind === 'bahdanau') {
    const a = spec.units;
    return [['encoderKernel', a * memoryWidth], ['stateKernel', a * units], ['bias', a], ['v', a]];
  }
  return spec.kind === 'general' ? [['kernel', units * memoryWidth]] : [];
}

/** Parameters of the attention given the decoder's S and the memory's H_e. */
export function attentionParamCount(spec: AttentionSpec, units: number, memoryWidth: number): number {
  return attentionTensors(spec, units, memoryWidth).reduce((n, [, size]) => n + size, 0);
}

export class TrainAttention {
  /** Bahdanau: encoderKernel (A × H_e), stateKernel (A × S), bias (A), v (A); general: kernel (S × H_e). */
  private readonly we?: ParamView;
  private readonly wq?: ParamView;
  private readonly b?: ParamView;
  private readonly v?: ParamView;
  /** Width of a key: A (Bahdanau), S (general), H_e (dot: the memory itself). */
  private readonly keyWidth: number;
  private memory: Float64Array = new Float64Array(0);
  private keys: Float64Array = new Float64Array(0);
  private dkeys: Float64Array = new Float64Array(0);
  /** α per slot: K×B×T. */
  private alpha: Float64Array = new Float64Array(0);
  /** Bahdanau's tanh(pre) per slot: K×B×T×A. */
  private tanh: Float64Array = new Float64Array(0);
  private qa: Float64Array = new Float64Array(0);
  private dalpha: Float64Array = new Float64Array(0);
  private steps = 0;
  private batch = 0;

  constructor(readonly spec: AttentionSpec, readonly units: number, readonly memoryWidth: number, store: ParamStore) {
    if (spec.kind === 'bahdanau') {
      const a = spec.units;
      this.we = store.take(a * memoryWidth);
      this.wq = store.take(a * units);
      this.b = store.take(a);
      this.v = store.take(a);
      this.keyWidth = a;
    } else if (spec.kind === 'general') {
      this.we = store.take(units * memoryWidth);
      this.keyWidth = units;
    } else this.keyWidth = memoryWidth;
  }

  init(rng: Rng): void {
    const he = this.memoryWidth, s = this.units;
    if (this.spec.kind === 'bahdanau') {
      const a = this.spec.units;
      glorotUniform(this.we!.w, a, he, rng);
      glorotUniform(this.wq!.w, a, s, rng);
      this.b!.w.fill(0);
      glorotUniform(this.v!.w, 1, a, rng);
    } else if (this.spec.kind === 'general') glorotUniform(this.we!.w, s, he, rng);
  }

  /** Once per batch: the memory M (T×B×H_e, time-major), its keys, and room for `slots` steps. */
  setMemory(memory: Float64Array, steps: number, batch: number, slots: number): void {
    this.memory = memory; this.steps = steps; this.batch = batch;
    const n = steps * batch, kw = this.keyWidth;
    if (this.we) {
      this.keys = grow(this.keys, n * kw);
      gemmNT(n, kw, this.memoryWidth, memory, 0, this.memoryWidth, this.we.w, 0, this.memoryWidth, this.keys, 0, kw, false);
    } else this.keys = memory;
    this.alpha = grow(this.alpha, slots * batch * steps);
    if (this.spec.kind === 'bahdanau') {
      this.tanh = grow(this.tanh, slots * batch * steps * kw);
      this.qa = grow(this.qa, kw);
    }
    this.dalpha = grow(this.dalpha, steps);
  }

  /** Slot k: the context ctx (B×H_e) asked by the states q (B×S). */
  forward(k: number, q: Float64Array, ctx: Float64Array): void {
    const { steps: T, batch: B, memoryWidth: he, units: s, keyWidth: kw, keys, memory, alpha } = this;
    for (let b = 0; b < B; b++) {
      const ao = (k * B + b) * T, qo = b * s;
      if (this.spec.kind === 'bahdanau') {
        const a = kw, qa = this.qa, wq = this.wq!.w, bias = this.b!.w, v = this.v!.w;
        for (let i = 0; i < a; i++) {
          let sum = bias[i]!;
          for (let c = 0; c < s; c++) sum += wq[i * s + c]! * q[qo + c]!;
          qa[i] = sum;
        }
        for (let j = 0; j < T; j++) {
          const ko = (j * B + b) * a, to = (ao + j) * a;
          let e = 0;
          for (let i = 0; i < a; i++) {
            const t = Math.tanh(keys[ko + i]! + qa[i]!);
            this.tanh[to + i] = t;
            e += v[i]! * t;
          }
          alpha[ao + j] = e;
        }
      } else {
        for (let j = 0; j < T; j++) {
          const ko = (j * B + b) * kw;
          let e = 0;
          for (let i = 0; i < s; i++) e += q[qo + i]! * keys[ko + i]!;
          alpha[ao + j] = e;
        }
      }
      // Softmax over the T scores, shifted by their maximum.
      let max = -Infinity;
      for (let j = 0; j < T; j++) if (alpha[ao + j]! > max) max = alpha[ao + j]!;
      let sum = 0;
      for (let j = 0; j < T; j++) { const e = Math.exp(alpha[ao + j]! - max); alpha[ao + j] = e; sum += e; }
      for (let j = 0; j < T; j++) alpha[ao + j] = alpha[ao + j]! / sum;
      const co = b * he;
      ctx.fill(0, co, co + he);
      for (let j = 0; j < T; j++) {
        const al = alpha[ao + j]!, mo = (j * B + b) * he;
        for (let i = 0; i < he; i++) ctx[co + i] = ctx[co + i]! + al * memory[mo + i]!;
      }
    }
  }

  /** Before the backward steps: clears the keys' gradient. */
  beginBackward(): void {
    if (this.we) {
      this.dkeys = grow(this.dkeys, this.steps * this.batch * this.keyWidth);
      this.dkeys.fill(0, 0, this.steps * this.batch * this.keyWidth);
    }
  }

  /** Slot k backward: from dctx (B×H_e) and the q of that slot, adds dq (B×S) and dM (T×B×H_e); gathers the parameters' gradients. */
  backward(k: number, q: Float64Array, dctx: Float64Array, dq: Float64Array, dM: Float64Array): void {
    const { steps: T, batch: B, memoryWidth: he, units: s, keyWidth: kw, keys, memory, alpha, dalpha } = this;
    for (let b = 0; b < B; b++) {
      const ao = (k * B + b) * T, qo = b * s, co = b * he;
      let dot = 0;
      for (let j = 0; j < T; j++) {
        const mo = (j * B + b) * he, al = alpha[ao + j]!;
        let d = 0;
        for (let i = 0; i < he; i++) {
          d += dctx[co + i]! * memory[mo + i]!;
          dM[mo + i] = dM[mo + i]! + al * dctx[co + i]!;
        }
        dalpha[j] = d;
        dot += al * d;
      }
      // dalpha becomes de.
      for (let j = 0; j < T; j++) dalpha[j] = alpha[ao + j]! * (dalpha[j]! - dot);
      if (this.spec.kind === 'bahdanau') {
        const a = kw, qa = this.qa, v = this.v!.w, dv = this.v!.g;
        qa.fill(0, 0, a); // reused as dqa
        for (let j = 0; j < T; j++) {
          const de = dalpha[j]!, to = (ao + j) * a, ko = (j * B + b) * a;
          for (let i = 0; i < a; i++) {
            const t = this.tanh[to + i]!;
            dv[i] = dv[i]! + de * t;
            const dpre = de * v[i]! * (1 - t * t);
            this.dkeys[ko + i] = this.dkeys[ko + i]! + dpre;
            qa[i] = qa[i]! + dpre;
          }
        }
        const wq = this.wq!.w, dwq = this.wq!.g, db = this.b!.g;
        for (let i = 0; i < a; i++) {
          const g = qa[i]!;
          db[i] = db[i]! + g;
          for (let c = 0; c < s; c++) {
            dwq[i * s + c] = dwq[i * s + c]! + g * q[qo + c]!;
            dq[qo + c] = dq[qo + c]! + g * wq[i * s + c]!;
          }
        }
      } else {
        const dk = this.spec.kind === 'general' ? this.dkeys : dM;
        for (let j = 0; j < T; j++) {
          const de = dalpha[j]!, ko = (j * B + b) * kw;
          for (let i = 0; i < s; i++) {
            dq[qo + i] = dq[qo + i]! + de * keys[ko + i]!;
            dk[ko + i] = dk[ko + i]! + de * q[qo + i]!;
          }
        }
      }
    }
  }

  /** After every slot's backward: the keys' gradient into W_e or W_g and into dM. */
  endBackward(dM: Float64Array): void {
    if (!this.we) return;
    const n = this.steps * this.batch, kw = this.keyWidth, he = this.memoryWidth;
    gemmTN(kw, he, n, this.dkeys, 0, kw, this.memory, 0, he, this.we.g, 0, he);
    gemmNN(n, he, kw, this.dkeys, 0, kw, this.we.w, 0, he, dM, 0, he, true);
  }

  toIr(into: Attention['into']): Attention {
    const he = this.memoryWidth, s = this.units;
    if (this.spec.kind === 'bahdanau') {
      const a = this.spec.units;
      return {
        kind: 'bahdanau', into, units: a,
        weights: { encoderKernel: toRows(this.we!.w, a, he), stateKernel: toRows(this.wq!.w, a, s), bias: Array.from(this.b!.w), v: Array.from(this.v!.w) },
      };
    }
    if (this.spec.kind === 'general') return { kind: 'general', into, weights: { kernel: toRows(this.we!.w, s, he) } };
    return { kind: 'dot', into };
  }
}
