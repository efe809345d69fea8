/**
 * The C part of each layer kind (ir/kinds.ts): the partial templates its functions use
 * and how a layer becomes functions, tables and state fields. plan.ts dispatches
 * through this record only; a recurrent kind supplies the plan of one direction, and
 * the initial-state tables and state fields come from its declared state (state.ts).
 */
import type { LayerType } from '../ir/model.js';
import type { QConv1dLayer, QDenseLayer, QDirection, QLayer, QRecurrentLayer, QSsmLayer } from '../ir/qmodel.js';
import type { CTable } from './ctables.js';
import type { CellEnv, DirectionPlan } from './cells/common.js';
import { convWord, planConv } from './cells/conv.js';
import { planDense } from './cells/dense.js';
import { planGru } from './cells/gru.js';
import { planLstm } from './cells/lstm.js';
import { planMinGru } from './cells/mingru.js';
import { planMinLstm } from './cells/minlstm.js';
import { planRnn } from './cells/rnn.js';
import { planSsm } from './cells/ssm.js';
import { type InitialTables, type StateField, initialTables, stateFields } from './state.js';

/** What one layer adds to NAME.c and NAME_state. */
export interface LayerPlan {
  functions: Array<{ partial: string; ctx: object }>;
  tables: CTable[];
  macs: number;
  /** Largest stack scratch of its functions, bytes. */
  stackBytes: number;
  /** Fields of NAME_state (streaming models). */
  state: StateField[];
  /** Initial-state tables per direction (forward first); empty for a stateless kind. */
  initials: InitialTables[];
}

export interface CodegenKind<L extends QLayer> {
  /** Partial name → template file under templates/, for the partials its plans name. */
  partials: Record<string, string>;
  /** The header comment's line for the layer (numbers and fixed words only). */
  describe(layer: L): string;
  plan(layer: L, index: number, env: CellEnv): LayerPlan;
}

type DirectionPlanner<L> = (layer: L, dir: QDirection, index: number, tag: 'f' | 'b', env: CellEnv) => DirectionPlan;

function recurrentKind<L extends QRecurrentLayer>(partials: Record<string, string>, planDirection: DirectionPlanner<L>): CodegenKind<L> {
  return {
    partials,
    describe(l) {
      const extra = [
        l.bidirectional ? `bidirectional (${l.bidirectional})` : '',
        l.reverse ? 'reverse' : '',
        l.type === 'gru' ? `reset ${l.resetAfter ? 'after' : 'before'}` : '',
        l.type === 'lstm' ? `c int${l.cell.bits} Q.${l.cell.frac}` : '',
        l.returnSequences ? 'sequences' : 'last step only',
        l.lastOutput === 'last-index' ? 'backward output at t = T-1' : '',
        l.forward.h ? `${l.forward.x.acc}/${l.forward.h.acc} accumulators` : `${l.forward.x.acc} accumulator`,
      ].filter(Boolean).join(', ');
      return `${l.type} ${l.forward.x.cols} -> ${l.units} units, ${extra}`;
    },
    plan(layer, index, env) {
      const dirs = layer.bidirectional && layer.backward ? [['f', layer.forward], ['b', layer.backward]] as const : [['f', layer.forward]] as const;
      const initials = dirs.map(([tag, dir]) => initialTables(env.prefix, layer, dir, index, tag));
      const plans = dirs.map(([tag, dir]) => planDirection(layer, dir, index, tag, env));
      return {
        functions: plans.map((dp) => ({ partial: dp.ctx.partial, ctx: dp.ctx })),
        tables: [...initials.flatMap((t) => t.tables), ...plans.flatMap((dp) => dp.tables)],
        macs: plans.reduce((s, dp) => s + dp.macs, 0),
        stackBytes: Math.max(...plans.map((dp) => dp.stackBytes)),
        state: stateFields(layer, index, initials[0]!),
        initials,
      };
    },
  };
}

const dense: CodegenKind<QDenseLayer> = {
  partials: { dense: 'cells/dense.c.hbs' },
  describe: (l) => `dense ${l.mm.cols} -> ${l.units}, ${l.activation}, out Q.${l.outFrac}, ${l.mm.acc} accumulator`,
  plan(layer, index, env) {
    const d = planDense(layer, index, env);
    return { functions: [{ partial: 'dense', ctx: d.ctx }], tables: d.tables, macs: d.macs, stackBytes: d.stackBytes, state: [], initials: [] };
  },
};

const conv1d: CodegenKind<QConv1dLayer> = {
  partials: { conv: 'cells/conv.c.hbs' },
  describe: (l) => `${convWord(l)} ${l.mm.cols / l.kernelSize} -> ${l.units}, kernel ${l.kernelSize}, dilation ${l.dilation}, ${l.activation}, out Q.${l.outFrac}, ${l.mm.acc} accumulator`,
  plan(layer, index, env) {
    const c = planConv(layer, index, env);
    return {
      functions: [{ partial: 'dense', ctx: c.dense.ctx }, { partial: 'conv', ctx: c.ctx }],
      tables: c.dense.tables,
      macs: c.dense.macs,
      // The window on the wrapper's stack, then the dense function's accumulators.
      stackBytes: 2 * c.ctx.window + c.dense.stackBytes,
      state: c.ctx.hist > 0 ? [{
        ctype: 'int16_t', field: `l${index}_x`, units: c.ctx.hist, init: '',
        comment: `layer ${index} (conv1d) input history: a ring of its last ${c.ctx.slots} inputs, Q${15 - layer.inFrac}.${layer.inFrac}`,
      }, {
        ctype: 'int16_t', field: `l${index}_pos`, units: 1, init: '', comment: `layer ${index} (conv1d) the ring slot of the oldest input`,
      }] : [],
      initials: [],
    };
  },
};

const ssm: CodegenKind<QSsmLayer> = {
  partials: { ssm: 'cells/ssm.c.hbs' },
  describe: (l) => `ssm ${l.inMm.cols} -> ${l.units} channels, state ${l.stateSize}, conv ${l.convSize}, dt rank ${l.dtRank}, `
    + `${l.returnSequences ? 'sequences' : 'last step only'}, h int32 Q.${l.hFrac}, out Q.${l.outFrac}`,
  plan(layer, index, env) {
    const p = planSsm(layer, index, env);
    const what = `layer ${index} (ssm)`;
    return {
      functions: [{ partial: 'ssm', ctx: p.ctx }],
      tables: p.tables,
      macs: p.macs,
      stackBytes: p.stackBytes,
      state: [{
        ctype: 'int32_t', field: `l${index}_h`, units: layer.units * layer.stateSize, init: '',
        comment: `${what} state h, ${layer.units}x${layer.stateSize} row-major (channel by channel), Q${31 - layer.hFrac}.${layer.hFrac}: real = value / 2^${layer.hFrac}`,
      }, ...(layer.convSize > 1 ? [{
        ctype: 'int16_t' as const, field: `l${index}_x`, units: (layer.convSize - 1) * layer.units, init: '',
        comment: `${what} conv history: x' of the last ${layer.convSize - 1} steps, oldest first, ${layer.units} per step, Q${15 - layer.xFrac}.${layer.xFrac}`,
      }] : [])],
      initials: [],
    };
  },
};

type Kinds = { [K in LayerType]: CodegenKind<Extract<QLayer, { type: K }>> };

export const CODEGEN_KINDS: Kinds = {
  rnn: recurrentKind({ rnn: 'cells/rnn.c.hbs' }, planRnn),
  lstm: recurrentKind({ lstm: 'cells/lstm.c.hbs' }, planLstm),
  // Fused on the DSP and MVE families with resetAfter (gru-fused), else one product per gate group.
  gru: recurrentKind({ gru: 'cells/gru.c.hbs', grufused: 'cells/gru-fused.c.hbs' }, planGru),
  mingru: recurrentKind({ mingru: 'cells/mingru.c.hbs' }, planMinGru),
  minlstm: recurrentKind({ minlstm: 'cells/minlstm.c.hbs' }, planMinLstm),
  dense,
  conv1d,
  ssm,
};

/** The kind of `layer`, typed for it. */
export function codegenKind<L extends QLayer>(layer: L): CodegenKind<L> {
  return CODEGEN_KINDS[layer.type] as unknown as CodegenKind<L>;
}
