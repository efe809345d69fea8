/** The compile report: flash, RAM and MACs, as text and as JSON. */
import type { Emitted } from './emit.js';
import { type QuantModel, isMixedWidth, layerWeightBits, widthsText } from '../ir/qmodel.js';
import { escapeText } from '../util/text.js';

/** The code size the report shows: measured by src/target/size.ts, or estimated. */
export interface CodeSize {
  /** .text bytes of NAME.o. */
  codeBytes: number;
  /** .rodata bytes (the const tables as the compiler laid them out). */
  rodataBytes: number;
  /** .bss + .data bytes. */
  staticRamBytes: number;
  measured: boolean;
  /** Compiler used, or why not measured. */
  how: string;
}

export interface CompileReport {
  /** First key, so rnnc recognises its own report when asked to overwrite it. */
  format: 'rnnc-report';
  model: string;
  target: string;
  kernel: string;
  weightBits: number;
  /** A mixed-width model only: each layer's weight width. */
  layerWeightBits?: number[];
  flash: { weights: number; luts: number; code: number; codeMeasured: boolean; codeHow: string; total: number };
  ram: { state: number; staticScratch: number; stackScratch: number };
  macsPerStep: number;
  /** An encoder–decoder: the memory buffer and keys inside the state, and the MACs of one decoder step at --max-seq positions. */
  decoder?: { memoryBytes: number; macsPerDecoderStep: number };
  files: string[];
}

export function buildReport(e: Emitted, code: CodeSize, files: string[], q: QuantModel): CompileReport {
  const m = e.plan.memory;

  return {
    format: 'rnnc-report', model: e.plan.name, target: e.plan.target, kernel: e.plan.kernel, weightBits: q.weightBits,
    ...(isMixedWidth(q) ? { layerWeightBits: q.layers.map((l) => layerWeightBits(q, l)) } : {}),
    flash: {
      weights: m.weightBytes, luts: m.lutBytes, code: code.codeBytes, codeMeasured: code.measured, codeHow: code.how,
      total: m.weightBytes + m.lutBytes + code.codeBytes,
    },
    ram: { state: m.stateBytes, staticScratch: m.staticScratchBytes, stackScratch: m.stackScratchBytes },
    macsPerStep: m.macsPerStep,
    ...(q.decoder ? { decoder: { memoryBytes: m.memoryBufferBytes ?? 0, macsPerDecoderStep: m.decodeMacsPerStep ?? 0 } } : {}),
    files,
  };
}

/**
 * Each figure says where it comes from, because `rnnc bench` measures some of them
 * differently: weights and LUTs are the tables as NAME.c declares them (bench reads the
 * symbols of the object built at -O2, where the compiler may fold a small table into
 * code); code is the object's .text at -Os (bench: at its --opt); state and static
 * scratch are exact; the stack is an estimate (bench measures the peak under QEMU).
 */
export function reportText(r: CompileReport): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    `${r.model} for ${r.target} (${r.kernel} kernels, ${widthsText((r.layerWeightBits ?? [r.weightBits]) as Array<8 | 16>)})`,
    `  flash: ${n(r.flash.total)} B = weights ${n(r.flash.weights)} + LUTs ${n(r.flash.luts)} (tables as declared) + code ${n(r.flash.code)}` +
      ` (${r.flash.codeMeasured ? `measured with ${r.flash.codeHow}` : r.flash.codeHow})`,
    `  RAM:   state ${n(r.ram.state)} B${r.decoder ? ` (memory buffer and keys ${n(r.decoder.memoryBytes)})` : ''}, static scratch ${n(r.ram.staticScratch)} B (exact), stack scratch about ${n(r.ram.stackScratch)} B (estimated; rnnc bench measures the peak)`,
    r.decoder
      ? `  MACs per encoder step: ${n(r.macsPerStep)}; per decoder step: ${n(r.decoder.macsPerDecoderStep)} (attending over NAME_MAX_SEQ steps)`
      : `  MACs per timestep: ${n(r.macsPerStep)}`,
    `  wrote: ${r.files.map((f) => escapeText(f, Infinity)).join(', ')}`,
  ].join('\n') + '\n';
}
