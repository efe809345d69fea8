/** The header comment's model summary: built only from numbers and fixed words. */
import { wholeSequenceOnly } from '../ir/kinds.js';
import { type QuantModel, weightWidthsText } from '../ir/qmodel.js';
import { codegenKind } from './kinds.js';
import type { MemoryFigures } from './memory.js';
import type { Target } from './targets.js';

export function summaryLines(q: QuantModel, target: Target, kernel: string, m: MemoryFigures, maxSeq: number, streaming: boolean): string[] {
  const d = q.decoder;
  if (d) {
    const a = d.attention ? `${d.attention.kind} attention into ${d.attention.into}` : 'no attention';
    return [
      `Model: encoder-decoder, ${q.inputSize} inputs per encoder step (at most ${maxSeq}) -> up to ${d.steps} outputs of ${d.outputSize}`,
      ...q.layers.map((l, i) => `layer ${i}: ${codegenKind(l).describe(l)}`),
      // The cell's every step feeds the projection: "last step only" does not apply to it.
      `decoder: ${codegenKind(d.cell).describe(d.cell).replace(', last step only', '')}; init ${d.init.kind}, ${a}, feedback ${d.feedback.kind}${d.endToken !== undefined ? `, end token ${d.endToken}` : ''}`,
      `Quantization: ${weightWidthsText(q)} (per-row scale), LUT size ${q.lut.size}, input Q.${q.input.frac}, output Q.${q.output.frac}`,
      `Target: ${target.name} (${kernel} kernels)`,
      `Flash: weights ${m.weightBytes} B, LUTs ${m.lutBytes} B (code: see rnnc compile's report)`,
      `RAM: state ${m.stateBytes} B (of which memory buffer and keys ${m.memoryBufferBytes ?? 0} B), static scratch ${m.staticScratchBytes} B, stack scratch about ${m.stackScratchBytes} B`,
      `MACs per encoder step: ${m.macsPerStep}; per decoder step at ${maxSeq} positions: ${m.decodeMacsPerStep ?? 0}`,
    ];
  }
  return [
    `Model: ${q.inputSize} inputs -> ${q.outputSize} outputs ${q.output.sequence ? 'per timestep' : 'per sequence'}` +
      `${streaming ? '' : `, ${wholeSequenceOnly(q.layers)?.word ?? ''}: whole sequences of at most ${maxSeq} steps`}`,
    ...q.layers.map((l, i) => `layer ${i}: ${codegenKind(l).describe(l)}`),
    `Quantization: ${weightWidthsText(q)} (per-row scale), LUT size ${q.lut.size}, input Q.${q.input.frac}, output Q.${q.output.frac}`,
    `Target: ${target.name} (${kernel} kernels)`,
    `Flash: weights ${m.weightBytes} B, LUTs ${m.lutBytes} B (code: see rnnc compile's report)`,
    `RAM: state ${m.stateBytes} B, static scratch ${m.staticScratchBytes} B, stack scratch about ${m.stackScratchBytes} B`,
    `MACs per timestep: ${m.macsPerStep}`,
  ];
}
