/**
 * What the quantizer decided, recorded in `model.q.json` under `meta.quantization` so
 * later phases (the codegen report, `rnnc inspect`) can print it without redoing it:
 * calibration summary or the defaults used, accumulator widths, LUT errors.
 */
import { type QMatmul, type QuantModel, isMixedWidth, isQRecurrent, layerWeightBits, ssmMatmuls } from '../ir/qmodel.js';
import { type LutError, type SsmTableError, buildLuts, lutLog2, measureLutError, measureSsmTableError } from '../fixed/lut.js';
import type { CalibrationSummary } from './calibrate.js';
import { DEFAULT_RANGES } from './formats.js';

export interface AccumulatorDecision {
  /** `layers[0].forward.x` (input product), `.h` (recurrent), `layers[2].mm` (dense). */
  what: string;
  rows: number;
  cols: number;
  acc: QMatmul['acc'];
  preShift: number;
  /** Worst-case |accumulator| over all int16 inputs, from the integer weights and bias. */
  accBound: number;
}

export interface QuantizationMeta {
  weightBits: 8 | 16;
  /** A mixed-width model only: every layer's weight width. */
  layerWeightBits?: Array<8 | 16>;
  margin: number;
  /** The model input's headroom over its calibrated range: the margin, doubled with int8 weights (pipeline.ts INPUT_HEADROOM). */
  inputMargin?: number;
  /** Calibration summary, or null when the conservative defaults were used. */
  calibration: CalibrationSummary | null;
  defaults?: typeof DEFAULT_RANGES;
  accumulators: AccumulatorDecision[];
  lut: LutError & { lsb: { sigmoid: number; tanh: number } };
  /** Models with an ssm layer: its table-based functions' exhaustive error (fixed/lut.ts). */
  ssmTables?: SsmTableError;
}

/** Every matrix product of a quantized model, named by its place in the document. */
export function listMatmuls(q: QuantModel): Array<{ what: string; mm: QMatmul }> {
  const out: Array<{ what: string; mm: QMatmul }> = [];
  q.layers.forEach((l, i) => {
    if (l.type === 'ssm') { for (const [name, mm] of ssmMatmuls(l)) out.push({ what: `layers[${i}].${name}`, mm }); return; }
    if (!isQRecurrent(l)) { out.push({ what: `layers[${i}].mm`, mm: l.mm }); return; }
    for (const [name, dir] of [['forward', l.forward], ['backward', l.backward]] as const) {
      if (!dir) continue;
      out.push({ what: `layers[${i}].${name}.x`, mm: dir.x });
      if (dir.h) out.push({ what: `layers[${i}].${name}.h`, mm: dir.h });
    }
  });
  const d = q.decoder;
  if (d) {
    const dirs = d.cell.type !== 'dense' && d.cell.type !== 'conv1d' && d.cell.type !== 'ssm' ? d.cell.forward : undefined;
    if (dirs) {
      out.push({ what: 'decoder.cell.forward.x', mm: dirs.x });
      if (dirs.h) out.push({ what: 'decoder.cell.forward.h', mm: dirs.h });
    }
    for (const k of ['keys', 'query', 'v'] as const) {
      const mm = d.attention?.[k];
      if (mm) out.push({ what: `decoder.attention.${k}`, mm });
    }
    if (d.init.kind === 'bridge' && d.init.dense.type === 'dense') out.push({ what: 'decoder.init.dense.mm', mm: d.init.dense.mm });
    if (d.projection.type === 'dense') out.push({ what: 'decoder.projection.mm', mm: d.projection.mm });
  }
  return out;
}

export function accumulatorDecisions(q: QuantModel): AccumulatorDecision[] {
  return listMatmuls(q).map(({ what, mm }) => ({ what, rows: mm.rows, cols: mm.cols, acc: mm.acc, preShift: mm.preShift, accBound: mm.accBound }));
}

/** Exhaustive LUT error of the model's own tables (real units, and in Q0.15 LSBs). */
export function lutErrorOf(q: QuantModel): QuantizationMeta['lut'] {
  const e = measureLutError({ size: q.lut.size, log2Size: lutLog2(q.lut.size), sigmoid: q.lut.sigmoid, tanh: q.lut.tanh });
  return { ...e, lsb: { sigmoid: e.sigmoid * 2 ** 15, tanh: e.tanh * 2 ** 15 } };
}

export function quantizationMeta(q: QuantModel, margin: number, calibration: CalibrationSummary | undefined, inputMargin?: number): QuantizationMeta {
  return {
    weightBits: q.weightBits,
    ...(isMixedWidth(q) ? { layerWeightBits: q.layers.map((l) => layerWeightBits(q, l)) } : {}),
    margin,
    ...(calibration && inputMargin !== undefined ? { inputMargin } : {}),
    calibration: calibration ?? null,
    ...(calibration ? {} : { defaults: DEFAULT_RANGES }),
    accumulators: accumulatorDecisions(q),
    lut: lutErrorOf(q),
    ...(q.tables?.softplus && q.tables.expFine && q.tables.exp
      ? { ssmTables: measureSsmTableError(buildLuts(q.lut.size), q.tables.softplus, q.tables.expFine, q.tables.exp) } : {}),
  };
}
