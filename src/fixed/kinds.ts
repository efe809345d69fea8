/**
 * The fixed-point part of each layer kind (ir/kinds.ts): how a layer runs over a whole
 * sequence and how it streams one step. fixed/model.ts dispatches through this record
 * only; a recurrent kind supplies its cell, and recurrent.ts does the rest.
 */
import type { LayerType } from '../ir/model.js';
import type { QConv1dLayer, QDenseLayer, QLayer, QRecurrentLayer, QuantModel } from '../ir/qmodel.js';
import { gruFixed } from './cells/gru.js';
import { lstmFixed } from './cells/lstm.js';
import { minGruFixed } from './cells/mingru.js';
import { minLstmFixed } from './cells/minlstm.js';
import { rnnFixed } from './cells/rnn.js';
import type { FixedCellSpec, FixedContext } from './cells/types.js';
import { convStreamFixed, runConvFixed } from './conv.js';
import { runSsmFixed, ssmStreamFixed, ssmTables } from './ssm.js';
import { denseFixed, denseHook } from './dense.js';
import { type LayerWatch, initialState, newScratch, runRecurrent, stepHook } from './recurrent.js';

/** What a layer needs besides its own fields: the model's tables, and an optional observer. */
export interface FixedEnv {
  ctx: FixedContext;
  model: QuantModel;
  watch?: LayerWatch;
}

/** One streaming instance of a layer: its state and one step. */
export interface FixedStreamLayer {
  reset(): void;
  step(x: Int16Array): Int16Array;
}

export interface FixedKind<L extends QLayer> {
  /** Whole sequence: one output per step, or one (returnSequences false). */
  run(layer: L, xs: Int16Array[], env: FixedEnv): Int16Array[];
  /** Streaming (forward direction only: bidirectional and reverse layers cannot stream). */
  stream(layer: L, env: FixedEnv): FixedStreamLayer;
}

/** The fixed cell of each recurrent kind (a decoder's cell, its encoder's copied state). */
export const FIXED_CELLS: { [K in QRecurrentLayer['type']]: FixedCellSpec<Extract<QRecurrentLayer, { type: K }>> } = {
  rnn: rnnFixed as FixedCellSpec<Extract<QRecurrentLayer, { type: 'rnn' }>>, lstm: lstmFixed, gru: gruFixed, mingru: minGruFixed, minlstm: minLstmFixed,
};

function recurrentKind<L extends QRecurrentLayer>(cell: FixedCellSpec<L>): FixedKind<L> {
  return {
    run: (layer, xs, env) => runRecurrent(cell, layer, xs, env.ctx, env.watch),
    stream(layer, env) {
      const st = initialState(layer.units, layer.forward);
      const sc = newScratch(layer);
      const hook = stepHook(cell, layer, env.watch);
      return {
        reset() {
          const init = initialState(layer.units, layer.forward);
          st.h.set(init.h);
          st.c.set(init.c);
        },
        step(x) {
          cell.step(layer, layer.forward, x, st, env.ctx, sc);
          if (hook) hook(sc);
          return st.h.slice();
        },
      };
    },
  };
}

const dense: FixedKind<QDenseLayer> = {
  run(layer, xs, env) {
    const hook = denseHook(layer, env.watch);
    return xs.map((x) => denseFixed(layer, x, env.ctx, env.model.tables?.exp, hook));
  },
  stream(layer, env) {
    const hook = denseHook(layer, env.watch);
    return { reset() {}, step: (x) => denseFixed(layer, x, env.ctx, env.model.tables?.exp, hook) };
  },
};

const conv1d: FixedKind<QConv1dLayer> = {
  run: (layer, xs, env) => runConvFixed(layer, xs, env.ctx, env.watch),
  stream: (layer, env) => convStreamFixed(layer, env.ctx, env.watch),
};

type Kinds = { [K in LayerType]: FixedKind<Extract<QLayer, { type: K }>> };

export const FIXED_KINDS: Kinds = {
  rnn: recurrentKind(rnnFixed),
  lstm: recurrentKind(lstmFixed),
  gru: recurrentKind(gruFixed),
  mingru: recurrentKind(minGruFixed),
  minlstm: recurrentKind(minLstmFixed),
  dense,
  conv1d,
  ssm: {
    run: (layer, xs, env) => runSsmFixed(layer, xs, env.ctx, ssmTables(env.model), env.watch),
    stream: (layer, env) => ssmStreamFixed(layer, env.ctx, ssmTables(env.model), env.watch),
  },
};

/** The kind of `layer`, typed for it (the record is indexed by the layer's own type). */
export function fixedKind<L extends QLayer>(layer: L): FixedKind<L> {
  return FIXED_KINDS[layer.type] as unknown as FixedKind<L>;
}
