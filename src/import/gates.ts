/**
 * Gate orders of the frameworks rnnc imports from, written once and mapped onto the
 * IR's (ir/model.ts: LSTM i,f,g,o; GRU r,z,n). Tests check these against the
 * frameworks' outputs, not against this table.
 */
import { GRU_GATES, LSTM_GATES } from '../ir/model.js';

/** Keras and TF.js: LSTM kernel columns i,f,c,o; GRU z,r,h (h: the candidate). */
export const KERAS_LSTM = ['i', 'f', 'c', 'o'] as const;
export const KERAS_GRU = ['z', 'r', 'h'] as const;
/** ONNX operators (and so torch.onnx.export): LSTM W rows i,o,f,c; GRU z,r,h. */
export const ONNX_LSTM = ['i', 'o', 'f', 'c'] as const;
export const ONNX_GRU = ['z', 'r', 'h'] as const;

/** The frameworks call the LSTM candidate c and the GRU candidate h; the IR calls them g and n. */
const IR_NAME: Record<string, string> = { c: 'g', h: 'n' };

/**
 * `order[k]` = the framework's block index that holds IR gate k, for use with
 * reorderGates (tensor.ts).
 */
function orderFor(ir: readonly string[], framework: readonly string[]): number[] {
  const renamed = framework.map((g) => IR_NAME[g] ?? g);
  return ir.map((g) => {
    const k = renamed.indexOf(g);
    if (k < 0) throw new Error(`gate ${g} missing from ${framework.join(',')}`);
    return k;
  });
}

export const LSTM_ORDER = { keras: orderFor(LSTM_GATES, KERAS_LSTM), onnx: orderFor(LSTM_GATES, ONNX_LSTM) } as const;
export const GRU_ORDER = { keras: orderFor(GRU_GATES, KERAS_GRU), onnx: orderFor(GRU_GATES, ONNX_GRU) } as const;
