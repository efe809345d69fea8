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
  const deltaFrac = Math.min(15, fracFor(Math.min(ranges.delta, DELTA_MAX), 16, m, 15));
  // du = Δ·u by mulRshrS16, which shifts by at least 1.
  const duFrac = Math.min(f16('du', 'Δ·u'), deltaFrac + convFrac - 1);
  const aAbs = Math.max(...w.aLog.flat().map(Math.exp));
  const aFrac = fracFor(aAbs, 16, 1, 15);
  if (aFrac < 15 - deltaFrac) {
    throw new RnncError('quantize/range_overflow', `${what} (ssm): |A| = exp(aLog) reaches ${aAbs.toPrecision(3)}; with Δ up to ${ranges.delta.toPrecision(3)} the decay Δ·|A| leaves the int32 the step computes it in`);
  }
  const dAbs = Math.max(...w.d.map(Math.abs));
  const dFrac = fracFor(dAbs, 16, 1, 15);
  if (dFrac < 0) throw new RnncError('quantize/range_overflow', `${what} (ssm): |D| reaches ${dAbs.toPrecision(3)}, beyond int16's ±32768`);
  // h: int32; the increment Δu·B is exact at duFrac + bFrac, so no finer format helps.
  const hFrac = Math.min(30, fracFor(ranges.h, 32, m, 30), duFrac + bFrac);
  if (hFrac < 0) throw new RnncError('quantize/range_overflow', `${c.from}the state h of ${what} (ssm) reaches ${ranges.h.toPrecision(3)}, beyond int32's ±2^31`);
  // y's accumulator: 8 guard bits below y's format, as far as the D·u and C·h terms' own formats allow.
  const yAccFrac = Math.min(f16('y', 'y (before the gate)') + 8, dFrac + convFrac, hFrac + cFrac - 1);
  const yFrac = Math.min(f16('y', 'y (before the gate)'), yAccFrac);
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
  return { layer: q, tables: ['softplus', 'expFine', 'exp'] };
}
