// Elman RNN direction: h' = tanh(sat16(X + H)), X = W x + b, H = U h in Q.12; h Q0.15;
// relu: h' = max(0, sat16(X + H)) with X, H and h in h's calibrated format.
import type { QDirection, QRecurrentLayer } from '../../ir/qmodel.js';
import { type CellEnv, type DirectionPlan, type RnnCtx, directionBase, planMatmul } from './common.js';

export function planRnn(layer: QRecurrentLayer, dir: QDirection, index: number, d: 'f' | 'b', env: CellEnv): DirectionPlan<RnnCtx> {
  const base = directionBase(env, index, d);
  const relu = layer.type === 'rnn' && layer.activation === 'relu';
  const hFrac = layer.bidirectional === 'sum' ? layer.outFrac + 1 : layer.outFrac;
  const x = planMatmul(dir.x, `${base}_x`, `layer ${index} input product`, env);
  const h = planMatmul(dir.h!, `${base}_h`, `layer ${index} recurrent product`, env);
  return {
    ctx: {
      partial: 'rnn', fn: `${base}_step`,
      comment: `layer ${index}${d === 'b' ? ' backward' : ''}: rnn, ${layer.units} units${relu ? `, relu, h with ${hFrac} fractional bits` : ''}`,
      relu, hFrac,
      units: layer.units, x: x.ctx, h: h.ctx, tanh: env.tanh, log2: env.log2Lut,
    },
    tables: [...x.tables, ...h.tables],
    macs: x.macs + h.macs,
    stackBytes: 8 * layer.units,
  };
}
