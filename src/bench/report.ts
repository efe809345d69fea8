/** The bench result as text for people (rnnc bench without --json). */
import type { BenchResult } from './bench.js';
import { widthsText } from '../ir/qmodel.js';

const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function benchText(r: BenchResult): string {
  const steps = r.mode === 'step'
    ? `  instructions per step: ${n(r.insns.perStep, 1)} average, ${n(r.insns.maxPerStep)} max over steps 2..${r.steps} (first step ${n(r.insns.firstStep)})`
    : `  instructions per step: ${n(r.insns.perStep, 1)} (one ${r.model}_run over ${r.steps} steps: bidirectional models do not stream)`;
  return [
    `${r.model} on ${r.target} (-${r.opt}, ${r.kernel} kernels, ${widthsText((r.layerWeightBits ?? [r.weightBits]) as Array<8 | 16>)}), counted under QEMU, outputs checked bit-exact`,
    steps,
    `  instructions per MAC:  ${n(r.insns.perMac, 2)} (${n(r.macsPerStep)} MACs per step)`,
    `  flash: ${n(r.flash.total)} B = code ${n(r.flash.code)}${r.mode === 'step' ? ` (step path ${n(r.flash.stepCode)})` : ''} + weights ${n(r.flash.weights)} + LUTs ${n(r.flash.luts)}` +
      ` (measured in ${r.model}.o at -${r.opt}, where the compiler may fold small tables into code)`,
    `  RAM:   ${n(r.ram.total)} B = state ${n(r.ram.state)} + static scratch ${n(r.ram.staticScratch)} + peak stack ${n(r.ram.peakStack)} (measured)`,
  ].join('\n') + '\n';
}
