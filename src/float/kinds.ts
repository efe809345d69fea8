/**
 * The float part of each layer kind (ir/kinds.ts): a whole-sequence run and a streaming
 * instance (conv1d: conv.ts). float/model.ts dispatches through this record only; a recurrent kind supplies
 * its cell, and recurrent.ts does the rest.
 */
import type { Conv1dLayer, DenseLayer, FloatModel, Layer, LayerType, RecurrentLayer, RecurrentType, SsmLayer } from '../ir/model.js';
import { inferShapes } from '../ir/shapes.js';
import { gruCell } from './cells/gru.js';
import { lstmCell } from './cells/lstm.js';
import { minGruCell } from './cells/mingru.js';
import { minLstmCell } from './cells/minlstm.js';
import { rnnCell } from './cells/rnn.js';
import type { FloatCell } from './cells/types.js';
import { denseForward, denseRows } from './dense.js';
import type { BatchObserver, FloatObserver } from './observer.js';
import { convStream, runConv, runConvBatch } from './conv.js';
import { type PreparedConv, type PreparedDense, type PreparedLayer, type PreparedRecurrent, prepareConv, prepareDense, prepareRecurrent } from './prepare.js';
import { initialCellState, runRecurrent, scratchFor } from './recurrent.js';
import { runRecurrentBatch } from './recurrent-batch.js';
import type { SeqBatch } from './seq-batch.js';
import { type PreparedSsm, prepareSsm, runSsm, runSsmBatch, ssmStream } from './ssm.js';

export const FLOAT_CELLS: Record<RecurrentType, FloatCell> = { rnn: rnnCell, lstm: lstmCell, gru: gruCell, mingru: minGruCell, minlstm: minLstmCell };

/** One streaming instance of a layer. */
export interface FloatStreamLayer {
  reset(): void;
  step(x: Float64Array): Float64Array;
}

export interface FloatKind<P extends PreparedLayer, L extends Layer = Layer> {
  /** The layer with its weights flattened (prepare.ts), given its input and output widths. */
  prepare(layer: L, inputSize: number, outputSize: number): P;
  /** Layer `i` over a whole sequence: one output per step, or one. */
  run(p: P, xs: Float64Array[], i: number, obs?: FloatObserver): Float64Array[];
  /** `run` on every sequence of an equal-length batch at once (batch.ts), bit for bit. */
  runBatch(p: P, x: SeqBatch, i: number, obs?: BatchObserver): SeqBatch;
  /** Streaming (forward direction only). */
  stream(p: P): FloatStreamLayer;
}

function recurrentKind(cell: FloatCell): FloatKind<PreparedRecurrent, RecurrentLayer> {
  return {
    prepare: prepareRecurrent,
    run: (p, xs, i, obs) => runRecurrent(cell, p, xs, i, obs),
    runBatch: (p, x, i, obs) => runRecurrentBatch(cell, p, x, i, obs),
    stream(p) {
      const s = initialCellState(p.forward);
      const scratch = scratchFor(p.forward);
      return {
        reset() {
          const init = initialCellState(p.forward);
          s.h.set(init.h);
          s.c.set(init.c);
        },
        step(x) {
          cell.step(p.forward, x, s, scratch);
          return s.h.slice();
        },
      };
    },
  };
}

const conv1d: FloatKind<PreparedConv, Conv1dLayer> = {
  prepare: prepareConv,
  run: (p, xs, i, obs) => runConv(p, xs, obs?.dense ? (pre) => obs.dense!(i, pre) : undefined),
  runBatch: (p, x, i, obs) => runConvBatch(p, x, obs?.dense ? (pre) => obs.dense!(i, pre) : undefined),
  stream: convStream,
};

const dense: FloatKind<PreparedDense, DenseLayer> = {
  prepare: prepareDense,
  run: (p, xs, i, obs) => xs.map((x) => denseForward(p, x, obs?.dense ? (pre) => obs.dense!(i, pre) : undefined)),
  runBatch: (p, x, i, obs) => ({
    steps: x.steps, rows: x.rows, width: p.units,
    data: denseRows(p, x.steps * x.rows, x.data, obs?.dense ? (pre) => obs.dense!(i, pre) : undefined),
  }),
  stream: (p) => ({ reset() {}, step: (x) => denseForward(p, x) }),
};

const ssm: FloatKind<PreparedSsm, SsmLayer> = {
  prepare: prepareSsm,
  run: (p, xs, i, obs) => runSsm(p, xs, obs?.ssm ? (probe) => obs.ssm!(i, probe) : undefined),
  runBatch: (p, x, i, obs) => runSsmBatch(p, x, obs?.ssm ? (probe) => obs.ssm!(i, probe) : undefined),
  stream(p) {
    const s = ssmStream(p);
    return { reset: () => s.reset(), step: (x) => s.step(x).out.slice() };
  },
};

type Prepared<K extends LayerType> = K extends 'dense' ? PreparedDense : K extends 'conv1d' ? PreparedConv : K extends 'ssm' ? PreparedSsm : PreparedRecurrent;

export const FLOAT_KINDS: { [K in LayerType]: FloatKind<Prepared<K>, Extract<Layer, { type: K }>> } = {
  rnn: recurrentKind(rnnCell),
  lstm: recurrentKind(lstmCell),
  gru: recurrentKind(gruCell),
  mingru: recurrentKind(minGruCell),
  minlstm: recurrentKind(minLstmCell),
  dense,
  conv1d,
  ssm,
};

/** Every layer of the model prepared by its kind, once (the float runs reuse it). */
export function prepareModel(model: FloatModel): PreparedLayer[] {
  const shapes = inferShapes(model);
  return model.layers.map((layer, i) => {
    const { inputSize, outputSize } = shapes[i]!;
    return (FLOAT_KINDS[layer.type] as unknown as FloatKind<PreparedLayer>).prepare(layer, inputSize, outputSize);
  });
}

/** The kind of a prepared layer, typed for it. */
export function floatKind<P extends PreparedLayer>(p: P): FloatKind<P> {
  return FLOAT_KINDS[p.kind === 'recurrent' ? p.layer.type : p.kind] as unknown as FloatKind<P>;
}
