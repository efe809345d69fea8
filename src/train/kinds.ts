/**
 * The training part of each recurrent kind (ir/kinds.ts): its cell (forward and BPTT of
 * one direction, cells/*.ts) and how its biases start. train/recurrent.ts builds a
 * direction through this record only.
 */
import type { RecurrentType } from '../ir/model.js';
import { TRAIN_GATES } from './cells/common.js';
import { GruCell } from './cells/gru.js';
import { LstmCell } from './cells/lstm.js';
import { MinGruCell } from './cells/mingru.js';
import { MinLstmCell } from './cells/minlstm.js';
import { RnnCell } from './cells/rnn.js';
import type { CellParams, TrainCell } from './cells/types.js';
import type { RecurrentSpec } from './recurrent.js';

export interface TrainKind {
  cell(spec: RecurrentSpec, p: CellParams): TrainCell;
  /** Bias at initialisation (G·U values, zeroed before): e.g. the LSTM's forget gate at 1. */
  initBias?(bias: Float64Array, units: number): void;
}

const gate = (spec: RecurrentSpec) => TRAIN_GATES[spec.recurrentActivation ?? 'sigmoid'];

export const TRAIN_KINDS: Record<RecurrentType, TrainKind> = {
  rnn: { cell: (spec, p) => new RnnCell(spec.units, p, spec.activation === 'relu') },
  // Forget-gate bias 1 (Jozefowicz et al. 2015): the cell keeps its memory at the start.
  lstm: { cell: (spec, p) => new LstmCell(spec.units, p, gate(spec)), initBias: (b, u) => b.fill(1, u, 2 * u) },
  gru: { cell: (spec, p) => new GruCell(spec.units, p, spec.resetAfter, gate(spec)) },
  // No recurrent kernel (its CellParams views are empty); biases start at 0.
  // Their recurrence is linear in h: `scan` trains it by a prefix scan (cells/scan.ts).
  mingru: { cell: (spec) => new MinGruCell(spec.units, spec.scan === true) },
  minlstm: { cell: (spec) => new MinLstmCell(spec.units, spec.scan === true) },
};
