// Elman RNN direction: h' = tanh(sat16(X + H)), X = W x + b, H = U h in Q.12; h Q0.15.
import type { QDirection, QRecurrentLayer } from '../../ir/qmodel.js';
import { type CellEnv, type DirectionPlan, directionBase, planMatmul } from './common.js';

export function planRnn(layer: QRecurrentLayer, dir: QDirection, index: number, d: 'f' | 'b', env: CellEnv): DirectionPlan {
  const base = directionBase(env, index, d);
  const x = planMatmul(dir.x, `${base}_x`, `layer ${index} input product`, env);
  const h = planMatmul(dir.h, `${base}_h`, `layer ${index} recurrent product`, env);
  return {
    ctx: {
      partial: 'rnn', fn: `${base}_step`, comment: `layer ${index}${d === 'b' ? ' backward' : ''}: rnn, ${layer.units} units`,
      units: layer.units, x: x.ctx, h: h.ctx, sigmoid: env.sigmoid, tanh: env.tanh, log2: env.log2Lut,
    },
    tables: [...x.tables, ...h.tables],
    macs: x.macs + h.macs,
    stackBytes: 8 * layer.units,
  };
}
