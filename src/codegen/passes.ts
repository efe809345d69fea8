/**
 * NAME_run for models with a bidirectional layer: layer by layer over the whole
 * sequence, as runFixed does (src/fixed/model.ts). Each pass reads the previous pass's
 * sequence buffer and writes the other one; both are static, sized by --max-seq.
 *   backward direction: runs over the reversed sequence, as does a reverse layer's one
 *     direction (its output without returnSequences is then its step on x_0)
 *   merge concat: [fwd_t, bwd_t]; sum: rshr(fwd_t + bwd_t, 1) in Q1.14
 *   returnSequences false: fwd at T−1 merged with bwd at t = 0, one step passed on;
 *     with lastOutput "last-index", bwd at t = T−1, which is the backward direction's
 *     first step (on x_{T−1} from its initial state), so it runs that one step only
 * Each direction starts from its initial state (a table, or zeros).
 */
import { lastOutputOf } from '../ir/model.js';
import { type QuantModel, isQRecurrent } from '../ir/qmodel.js';
import { type InitialTables, cellCType, stepArgs } from './state.js';

export interface PassCtx {
  dense: boolean;
  fn: string;
  bwdFn: string;
  units: number;
  /**
   * The direction's state as locals, in the step function's argument order (h first):
   * C type, and the initial-state table of each direction ('' = zeros).
   */
  state: Array<{ name: string; ctype: string; init: string; binit: string }>;
  inW: number;
  outW: number;
  input: string;
  output: string;
  returnSequences: boolean;
  /** The one direction reads x[n − 1] … x[0] (a reverse layer): its last output is at t = 0. */
  reverse: boolean;
  /** Backward output at t = T−1 (one backward step) instead of t = 0. */
  lastIndex: boolean;
  concat: boolean;
  sum: boolean;
  index: number;
  /** conv1d: its wrapper runs over the n steps from a zeroed local history of `hist` values (0: none). */
  conv: boolean;
  hist: number;
  /**
   * conv1d lookahead a: the wrapper runs a more steps on zeros, and its output at step s
   * is y_{s−a} (the first a outputs go to a scratch row).
   */
  lookahead: number;
  /** ssm: its step function runs over the n steps from a zeroed local h of `ssmH` int32 and conv history of `hist` int16. */
  ssm: boolean;
  ssmH: number;
}

export function seqWidth(q: QuantModel): number {
  let w = q.inputSize;
  for (const l of q.layers) w = Math.max(w, isQRecurrent(l) && l.bidirectional === 'concat' ? 2 * l.units : l.units);
  return w;
}

export function buildPasses(q: QuantModel, initials: ReadonlyMap<number, readonly InitialTables[]>): PassCtx[] {
  let width = q.inputSize;
  return q.layers.map((l, i) => {
    const input = i === 0 ? 'x' : `${q.name}_seq${(i - 1) % 2}`;
    const output = `${q.name}_seq${i % 2}`;
    const rec = isQRecurrent(l) ? l : undefined;
    const outW = rec?.bidirectional === 'concat' ? 2 * l.units : l.units;
    const hist = l.type === 'conv1d' ? (l.kernelSize - 1) * l.dilation * width : l.type === 'ssm' ? (l.convSize - 1) * l.units : 0;
    const fn = l.type === 'dense' ? `${q.name}_l${i}_dense` : l.type === 'conv1d' ? `${q.name}_l${i}_conv` : l.type === 'ssm' ? `${q.name}_l${i}_ssm` : `${q.name}_l${i}f_step`;
    const p: PassCtx = {
      dense: l.type === 'dense', fn,
      bwdFn: rec?.bidirectional ? `${q.name}_l${i}b_step` : '',
      units: l.units,
      state: !rec ? [] : stepArgs(rec.type, (s) => s).map((name) => ({
        name, ctype: name === 'c' ? cellCType(rec) : 'int16_t',
        init: initials.get(i)?.[0]?.[name as 'h' | 'c'] ?? '', binit: initials.get(i)?.[1]?.[name as 'h' | 'c'] ?? '',
      })),
      inW: width, outW, input, output,
      returnSequences: rec?.returnSequences ?? (l.type === 'ssm' && l.returnSequences),
      lastIndex: rec !== undefined && !rec.returnSequences && lastOutputOf(rec) === 'last-index',
      reverse: rec?.reverse === true,
      concat: rec?.bidirectional === 'concat', sum: rec?.bidirectional === 'sum', index: i,
      conv: l.type === 'conv1d', hist, lookahead: l.type === 'conv1d' ? l.lookahead ?? 0 : 0,
      ssm: l.type === 'ssm', ssmH: l.type === 'ssm' ? l.units * l.stateSize : 0,
    };
    width = outW;
    return p;
  });
}
