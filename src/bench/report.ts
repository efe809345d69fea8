/** The bench result as text for people (rnnc bench without --json). */
import type { BenchResult } from './bench.js';
import { widthsText } from '../ir/qmodel.js';

const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function benchText(r: BenchResult): string {
  const d = r.decoder;
  const steps = d?.encoderInDecode
    ? `  instructions per encoder step: ${n(r.insns.perStep, 1)} average (${r.model}_encode_step only buffers the input: the encoder reads whole sequences and runs in ${r.model}_decode)\n` +
      `  instructions of ${r.model}_decode: ${n(d.decode)} over ${r.steps} encoder steps (the encoder's passes and ${d.outputs} decoder steps: ${n(d.perOutput, 1)} per output)`
    : d
    ? `  instructions per encoder step: ${n(r.insns.perStep, 1)} average, ${n(r.insns.maxPerStep)} max over steps 2..${r.steps} (first step ${n(r.insns.firstStep)}) (${r.model}_encode_step)\n` +
      `  instructions per decoder step: ${n(d.perOutput, 1)} (one ${r.model}_decode over ${r.steps} encoder steps: ${n(d.decode)} for ${d.outputs} outputs; ${n(d.macsPerOutput)} MACs per decoder step)`
    : r.mode === 'step'
    ? `  instructions per step: ${n(r.insns.perStep, 1)} average, ${n(r.insns.maxPerStep)} max over steps 2..${r.steps} (first step ${n(r.insns.firstStep)})`
    : `  instructions per step: ${n(r.insns.perStep, 1)} (one ${r.model}_run over ${r.steps} steps: bidirectional models do not stream)`;
  return [
    `${r.model} on ${r.target} (-${r.opt}, ${r.kernel} kernels, ${widthsText((r.layerWeightBits ?? [r.weightBits]) as Array<8 | 16>)}), counted under QEMU, outputs checked bit-exact`,
    steps,
    d?.encoderInDecode
      ? `  MACs: ${n(r.macsPerStep)} per encoder step, ${n(d.macsPerOutput)} per decoder step`
      : `  instructions per MAC:  ${n(r.insns.perMac, 2)} (${n(r.macsPerStep)} MACs per ${d ? 'encoder ' : ''}step)`,
    `  flash: ${n(r.flash.total)} B = code ${n(r.flash.code)}${r.mode === 'step' ? ` (step path ${n(r.flash.stepCode)})` : ''} + weights ${n(r.flash.weights)} + LUTs ${n(r.flash.luts)}` +
      ` (measured in ${r.model}.o at -${r.opt}, where the compiler may fold small tables into code)`,
    `  RAM:   ${n(r.ram.total)} B = state ${n(r.ram.state)} + static scratch ${n(r.ram.staticScratch)} + peak stack ${n(r.ram.peakStack)} (measured)`,
  ].join('\n') + '\n';
}
