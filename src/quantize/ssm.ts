/**
 * Quantizing an ssm layer (ir/qmodel.ts, the ssm entry, says what each format is for):
 * every intermediate takes the int16 format its calibrated range needs (or the default
 * ranges without calibration), the state h an int32 one, and the constraints between
 * formats that keep each shift of the step in range are applied here, each tightening
 * only toward coarser formats. |A| = exp(aLog) and D are constants, quantized with the
 * finest format their largest value allows. The weights are not tuned (--tune): on the
 * in-projection, whose input moments a dense layer's tuning would use, bias correction
 * and rounding measured 14 % worse on test/unit/fixed/ssm.test.ts's model, not better.
 */
import { RnncError } from '../errors.js';
import type { SsmLayer } from '../ir/model.js';
import type { QSsmLayer } from '../ir/qmodel.js';
import { PRE_FRAC } from '../fixed/ops.js';
import { fracFor, int16Frac } from './formats.js';
import { quantizeMatmul } from './matmul.js';
import type { LayerQuantizeCtx, QuantizedLayer } from './kinds.js';
import { DEFAULT_SSM_RANGES } from './ssm-ranges.js';
import { ssmShifts } from '../ir/qcheck-ssm.js';
import { cells, largest } from '../util/extremes.js';

/** softplus of the Q3.12 pre-activation is below 8.0004 (sat16 caps it at 8). */
const DELTA_MAX = 8.0004;

export function quantizeSsm(layer: SsmLayer, c: LayerQuantizeCtx): QuantizedLayer {
  const what = `layers[${c.index}]`;
  const { units: e, stateSize: n, dtRank: r, weights: w } = layer;
  const calibrated = c.range?.ssm;
  const ranges = calibrated ?? DEFAULT_SSM_RANGES;
  const m = calibrated ? c.margin : 1;
  const f16 = (k: keyof typeof ranges, name: string) => int16Frac(ranges[k], m, () => `${c.from}${name} of ${what} (ssm)`);
  const xFrac = f16('x', "the in-projection's x'");
  const zFrac = f16('z', "the in-projection's gate z");
  const convFrac = f16('conv', 'the conv output');
  const dtInFrac = f16('dtIn', 'δ (the x-projection rows of Δ)');
  const bFrac = f16('b', 'B');
  const cFrac = f16('c', 'C');
  // The margin widens the calibrated Δ, but never beyond the 8.0004 it cannot exceed.
  const deltaFrac = Math.min(15, fracFor(Math.min(ranges.delta * m, DELTA_MAX), 16, 1, 15));
  // du = Δ·u by mulRshrS16, which shifts by at least 1.
  const duFrac = Math.min(f16('du', 'Δ·u'), deltaFrac + convFrac - 1);
  // exp is increasing: the largest |A| is exp of the largest aLog.
  const aAbs = Math.exp(largest(cells(w.aLog)));
  const aFrac = fracFor(aAbs, 16, 1, 15);
  if (aFrac < 15 - deltaFrac) {
    throw new RnncError('quantize/range_overflow', `${what} (ssm): |A| = exp(aLog) reaches ${aAbs.toPrecision(3)}; with Δ up to ${ranges.delta.toPrecision(3)} the decay Δ·|A| leaves the int32 the step computes it in`);
  }
  const dAbs = largest(w.d, Math.abs);
  const dFine = fracFor(dAbs, 16, 1, 15);
  if (dFine < 0) throw new RnncError('quantize/range_overflow', `${what} (ssm): |D| reaches ${dAbs.toPrecision(3)}, beyond int16's ±32768`);
  // h: int32; the increment Δu·B is exact at duFrac + bFrac, so no finer format helps.
  const hFrac = Math.min(30, fracFor(ranges.h, 32, m, 30), duFrac + bFrac);
  if (hFrac < 0) throw new RnncError('quantize/range_overflow', `${c.from}the state h of ${what} (ssm) reaches ${ranges.h.toPrecision(3)}, beyond int32's ±2^31`);
  // y's accumulator: 8 guard bits below y's format, as far as the C·h terms' format allows
  // (their shift hFrac + cFrac − yAccFrac is at least 1); D then takes no finer a format than
  // the D·u term's shift (at most 31) needs: a D far below y's resolution rounds toward 0,
  // where it adds nothing y can show anyway.
  const yCal = f16('y', 'y (before the gate)');
  const yAcc0 = Math.min(yCal + 8, hFrac + cFrac - 1);
  const dFrac = Math.max(0, Math.min(dFine, yAcc0 + 31 - convFrac));
  const yAccFrac = Math.min(yAcc0, dFrac + convFrac);
  const yFrac = Math.min(yCal, yAccFrac);
  const outFrac = Math.min(f16('out', 'the output'), yFrac + zFrac - 1);
  const bits = c.bits;
  const q: QSsmLayer = {
    type: 'ssm', units: e, stateSize: n, convSize: layer.convSize, dtRank: r, returnSequences: layer.returnSequences,
    inFrac: c.inFrac, outFrac, xFrac, zFrac, convFrac, dtInFrac, bFrac, cFrac, deltaFrac, duFrac, aFrac, dFrac, hFrac, yAccFrac, yFrac,
    inMm: quantizeMatmul({
      what: `${what}.weights.inKernel`, kernel: w.inKernel, bias: w.inBias, weightBits: bits, inFrac: c.inFrac,
      outFrac: Array.from({ length: 2 * e }, (_, j) => (j < e ? xFrac : zFrac)),
    }),
    convMm: quantizeMatmul({ what: `${what}.weights.convKernel`, kernel: w.convKernel, bias: w.convBias, weightBits: bits, inFrac: xFrac, outFrac: convFrac }),
    xMm: quantizeMatmul({
      what: `${what}.weights.xKernel`, kernel: w.xKernel, weightBits: bits, inFrac: convFrac,
      outFrac: Array.from({ length: r + 2 * n }, (_, j) => (j < r ? dtInFrac : j < r + n ? bFrac : cFrac)),
    }),
    dtMm: quantizeMatmul({ what: `${what}.weights.dtKernel`, kernel: w.dtKernel, bias: w.dtBias, weightBits: bits, inFrac: dtInFrac, outFrac: PRE_FRAC }),
    aq: w.aLog.flat().map((v) => Math.min(32767, Math.round(Math.exp(v) * 2 ** aFrac))),
    dq: w.d.map((v) => Math.max(-32768, Math.min(32767, Math.round(v * 2 ** dFrac)))),
  };
  // What the steps above do not bound for every calibration (ranges decades apart): said
  // here, with what reached it, before anything runs the step.
  for (const [name, s, lo, hi] of ssmShifts(q)) {
    if (!(s >= lo && s <= hi)) {
      throw new RnncError('quantize/range_overflow', `${c.from}${what} (ssm): its calibrated ranges lie too far apart for the fixed-point step (the shift ${name} would be ${s}, outside [${lo}, ${hi}]); recalibrate on data with less extreme values or retrain`);
    }
  }
  return { layer: q, tables: ['softplus', 'expFine', 'exp'] };
}
