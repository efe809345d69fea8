/** The header comment's model summary: built only from numbers and fixed words. */
import { type QuantModel, isQRecurrent } from '../ir/qmodel.js';
import type { MemoryFigures } from './memory.js';
import type { Target } from './targets.js';

function layerLine(q: QuantModel, i: number): string {
  const l = q.layers[i]!;
  if (l.type === 'dense') {
    return `layer ${i}: dense ${l.mm.cols} -> ${l.units}, ${l.activation}, out Q.${l.outFrac}, ${l.mm.acc} accumulator`;
  }
  if (l.type === 'conv1d') {
    return `layer ${i}: causal conv1d ${l.mm.cols / l.kernelSize} -> ${l.units}, kernel ${l.kernelSize}, dilation ${l.dilation}, ${l.activation}, out Q.${l.outFrac}, ${l.mm.acc} accumulator`;
  }
  const extra = [
    l.bidirectional ? `bidirectional (${l.bidirectional})` : '',
    l.reverse ? 'reverse' : '',
    l.type === 'gru' ? `reset ${l.resetAfter ? 'after' : 'before'}` : '',
    l.type === 'lstm' ? `c int${l.cell.bits} Q.${l.cell.frac}` : '',
    l.returnSequences ? 'sequences' : 'last step only',
    l.lastOutput === 'last-index' ? 'backward output at t = T-1' : '',
    `${l.forward.x.acc}/${l.forward.h.acc} accumulators`,
  ].filter(Boolean).join(', ');
  return `layer ${i}: ${l.type} ${l.forward.x.cols} -> ${l.units} units, ${extra}`;
}

export function summaryLines(q: QuantModel, target: Target, kernel: string, m: MemoryFigures, maxSeq: number, streaming: boolean): string[] {
  return [
    `Model: ${q.inputSize} inputs -> ${q.outputSize} outputs ${q.output.sequence ? 'per timestep' : 'per sequence'}` +
      `${streaming ? '' : `, ${q.layers.some((l) => isQRecurrent(l) && l.bidirectional) ? 'bidirectional' : 'reverse'}: whole sequences of at most ${maxSeq} steps`}`,
    ...q.layers.map((_, i) => layerLine(q, i)),
    `Quantization: int${q.weightBits} weights (per-row scale), LUT size ${q.lut.size}, input Q.${q.input.frac}, output Q.${q.output.frac}`,
    `Target: ${target.name} (${kernel} kernels)`,
    `Flash: weights ${m.weightBytes} B, LUTs ${m.lutBytes} B (code: see rnnc compile's report)`,
    `RAM: state ${m.stateBytes} B, static scratch ${m.staticScratchBytes} B, stack scratch about ${m.stackScratchBytes} B`,
    `MACs per timestep: ${m.macsPerStep}`,
  ];
}
