/**
 * The recurrent state in the emitted C: one array per layer and state in NAME_state
 * (streaming models), each documented with its fixed-point format in the header, and
 * each direction's initial state as a const table that NAME_reset (or, for whole-sequence
 * models, each pass) copies in. A zero initial state has no table: it is written as 0.
 */
import { KINDS } from '../ir/kinds.js';
import type { LayerType, StateKind } from '../ir/model.js';
import { type QDirection, type QRecurrentLayer, type QuantModel, hiddenFrac, isQRecurrent } from '../ir/qmodel.js';
import { type CTable, cTable } from './ctables.js';

export interface StateField {
  ctype: 'int16_t' | 'int32_t';
  field: string;
  units: number;
  /** Table holding the initial values, or '' for zeros. */
  init: string;
  /** Header comment: which layer and state, and its format. */
  comment: string;
}

/** Initial-state tables of one direction, by state. */
export interface InitialTables {
  h: string;
  c: string;
  tables: CTable[];
}

function qName(frac: number, bits: number): string {
  return `Q${bits - 1 - frac}.${frac}`;
}

/** The C type of a layer's cell state c (LSTM). */
export function cellCType(layer: QRecurrentLayer): 'int16_t' | 'int32_t' {
  return layer.type === 'lstm' && layer.cell.bits === 32 ? 'int32_t' : 'int16_t';
}

/** Tables `NAME_l<i><f|b>_h0` / `_c0` for a direction's nonzero initial state. */
export function initialTables(prefix: string, layer: QRecurrentLayer, dir: QDirection, index: number, tag: 'f' | 'b'): InitialTables {
  const out: InitialTables = { h: '', c: '', tables: [] };
  const where = `layer ${index}${tag === 'b' ? ' backward' : ''}`;
  if (dir.h0) {
    out.h = `${prefix}_l${index}${tag}_h0`;
    out.tables.push(cTable(out.h, 'int16_t', dir.h0, `${where}: initial h, ${qName(hiddenFrac(layer), 16)}`));
  }
  if (dir.c0 && layer.type === 'lstm') {
    out.c = `${prefix}_l${index}${tag}_c0`;
    out.tables.push(cTable(out.c, cellCType(layer), dir.c0, `${where}: initial c, ${qName(layer.cell.frac, layer.cell.bits)}`));
  }
  return out;
}

/** How each kind of state is held in C: its type, fractional bits and what it is. */
const STATE_FORMATS: Record<StateKind, (layer: QRecurrentLayer) => { ctype: 'int16_t' | 'int32_t'; frac: number; bits: number; what: string }> = {
  h: (layer) => ({ ctype: 'int16_t', frac: hiddenFrac(layer), bits: 16, what: 'hidden state h (its output)' }),
  c: (layer) => (layer.type === 'lstm'
    ? { ctype: cellCType(layer), frac: layer.cell.frac, bits: layer.cell.bits, what: 'cell state c' }
    : { ctype: 'int16_t', frac: 15, bits: 16, what: 'cell state c' }),
};

/** The fields of NAME_state for layer `index` (forward direction: streaming models have no other), as the kind declares them. */
export function stateFields(layer: QRecurrentLayer, index: number, init: InitialTables): StateField[] {
  return KINDS[layer.type].state.map((s) => {
    const f = STATE_FORMATS[s](layer);
    return {
      ctype: f.ctype, field: `l${index}_${s}`, units: layer.units, init: init[s],
      comment: `layer ${index} (${layer.type}) ${f.what}, ${qName(f.frac, f.bits)}: real = value / 2^${f.frac}`,
    };
  });
}

/** Whether any direction of the model starts from a nonzero state. */
export function hasInitialState(q: QuantModel): boolean {
  return q.layers.some((l) => isQRecurrent(l) && [l.forward, l.backward].some((d) => d?.h0 || d?.c0));
}

/**
 * The state arguments of a direction's step function, in the order it takes them:
 * h first, then the kind's other state (the LSTM's c). `of(name)` gives each argument's
 * C expression (a local array, or a state struct field).
 */
export function stepArgs(type: LayerType, of: (state: StateKind) => string): string[] {
  return [...KINDS[type].state].sort((a, b) => (a === 'h' ? -1 : b === 'h' ? 1 : 0)).map(of);
}
