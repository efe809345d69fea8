/** Plain-text rendering of the quantization report (`rnnc quantize`). */
import { type QuantModel, widthsText } from '../ir/qmodel.js';
import type { QuantizationMeta } from '../quantize/meta.js';
import type { DecoderError, EvalReport, LayerError } from '../quantize/report.js';
import type { ExcursionSummary } from '../fixed/excursions.js';
import { renderExcursions } from './excursion-text.js';
import { num, table } from './format.js';
import { escapeText } from '../util/text.js';

export interface QuantReport {
  output: string;
  quantization: QuantizationMeta;
  formats: { input: number; layers: Array<{ index: number; type: string; detail: string }> };
  /** Fixed vs float on the calibration data; absent without calibration data. */
  layerErrors?: LayerError[];
  /** An encoder–decoder: its formats, and its error over the K outputs on the calibration data. */
  decoder?: { formats: string; error?: DecoderError };
  eval?: EvalReport & { source: string };
  /** Values of the --eval data beyond the written model's formats (docs/quantize.md, "Range excursions"). */
  excursions?: ExcursionSummary;
}

function q(bits: number, frac: number): string {
  return `Q${bits - 1 - frac}.${frac}`;
}

/** Per-layer format summary: what calibration decided. */
export function formatsOf(model: QuantModel): QuantReport['formats'] {
  return {
    input: model.input.frac,
    layers: model.layers.map((l, index) => {
      let detail = `in ${q(16, l.inFrac)}, out ${q(16, l.outFrac)}`;
      if (l.type === 'lstm') detail += `, cell int${l.cell.bits} ${q(l.cell.bits, l.cell.frac)}`;
      if (l.type === 'dense' && l.logitFrac !== undefined) detail += `, logits ${q(16, l.logitFrac)}`;
      if (l.type === 'ssm') detail += `, Δ ${q(16, l.deltaFrac)}, state h int32 ${q(32, l.hFrac)}`;
      return { index, type: l.type, detail };
    }),
  };
}

/** One line of a decoder's formats (ir/qmodel.ts qDecoderSchema). */
export function decoderFormats(model: QuantModel): string | undefined {
  const d = model.decoder;
  if (!d) return undefined;
  const c = d.cell;
  const cell = `${c.type} in ${q(16, c.inFrac)}${c.type === 'lstm' ? `, cell int${c.cell.bits} ${q(c.cell.bits, c.cell.frac)}` : ''}`;
  const a = d.attention;
  const att = a ? `; attention ${a.kind} into ${a.into}, scores ${q(16, a.logitFrac)}${a.keyFrac !== undefined ? `, keys ${q(16, a.keyFrac)}` : ''}` : '';
  const p = d.projection;
  const proj = p.type === 'dense' ? `; projection ${p.activation} in ${q(16, p.inFrac)}${p.logitFrac !== undefined ? `, logits ${q(16, p.logitFrac)}` : ''}, out ${q(16, p.outFrac)}` : '';
  return `memory ${q(16, d.memFrac)}, feedback ${d.feedback.kind} ${q(16, d.uFrac)}, init ${d.init.kind}; cell ${cell}${att}${proj}`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

function evalLines(e: NonNullable<QuantReport['eval']>): string {
  const head = `eval on ${escapeText(e.source, Infinity)} (${e.examples} sequences):`;
  if (e.metric === 'accuracy') {
    const d = (x: number) => `${x >= e.float ? '+' : ''}${(100 * (x - e.float)).toFixed(2)} pp`;
    const mixed = e.mixed ? `, mixed (${e.mixed.widths}) ${pct(e.mixed.value)} (${d(e.mixed.value)})` : '';
    return `${head} accuracy float ${pct(e.float)}, int8 ${pct(e.int8)} (${d(e.int8)}), int16 ${pct(e.int16)} (${d(e.int16)})${mixed}\n`;
  }
  const rel = (x: number) => (e.float > 0 ? ` (${x >= e.float ? '+' : ''}${(100 * (x / e.float - 1)).toFixed(2)}%)` : '');
  const mixed = e.mixed ? `, mixed (${e.mixed.widths}) ${num(e.mixed.value, 5)}${rel(e.mixed.value)}` : '';
  return `${head} RMSE float ${num(e.float, 5)}, int8 ${num(e.int8, 5)}${rel(e.int8)}, int16 ${num(e.int16, 5)}${rel(e.int16)}${mixed}\n`;
}

export function renderQuantReport(r: QuantReport): string {
  const m = r.quantization;
  let s = `wrote ${r.output}: ${widthsText(m.layerWeightBits ?? [m.weightBits])}, ${m.lut.size}-entry tables, margin ${m.margin}\n`;
  const c = m.calibration;
  if (c) {
    s += `calibration: ${c.sequences} sequences, ${c.timesteps} timesteps, ranges at ${c.percentile === 100 ? 'max-abs' : `percentile ${c.percentile}`}; ` +
      `input |x| max ${num(c.input.maxAbs, 4)}, range ${num(c.input.range, 4)}\n`;
  } else {
    s += 'calibration: none (conservative default ranges)\n';
  }
  s += `input: int16 ${q(16, r.formats.input)}\n`;
  const calibRows = c?.layers ?? [];
  const errRows = r.layerErrors ?? [];
  s += table(r.formats.layers.map((l) => {
    const cl = calibRows[l.index];
    const range = cl?.ssm ? `|h| ${num(cl.ssm.h.range, 4)}, Δ ${num(cl.ssm.delta.range, 4)}` : cl?.cell ? `|c| ${num(cl.cell.range, 4)}` : cl?.dense ? `|Wx+b| ${num(cl.dense.range, 4)}` : cl?.hidden ? `|h| ${num(cl.hidden.range, 4)}` : '';
    const gates = cl?.gates ? `${num(cl.gates.maxAbs, 4)} (${pct(cl.gates.clippedFraction)} > 8)` : '';
    const e = errRows[l.index];
    return [String(l.index), l.type, l.detail, range, gates, e ? num(e.maxAbs, 3) : '-', e ? num(e.rms, 3) : '-'];
  }), ['#', 'layer', 'formats', 'calibrated', '|gate pre|', 'max err', 'rms err']);
  if (r.decoder) {
    const e = r.decoder.error;
    const dc = c?.decoder;
    const ranges = dc ? ` (calibrated |gate pre| ${num(dc.gates.maxAbs, 4)} (${pct(dc.gates.clippedFraction)} > 8), |Wr+b| ${num(dc.projection.range, 4)}${dc.cell ? `, |c| ${num(dc.cell.range, 4)}` : ''}${dc.scores ? `, |e| ${num(dc.scores.range, 4)}` : ''}${dc.keys ? `, |W_g m| ${num(dc.keys.range, 4)}` : ''})` : '';
    s += `decoder: ${r.decoder.formats}${ranges}\n`;
    if (e) s += `decoder error over its outputs: max ${num(e.maxAbs, 3)}, rms ${num(e.rms, 3)}${e.agree !== undefined ? `, classes agree on ${pct(e.agree)} of steps` : ''}\n`;
  }
  if (!r.layerErrors) s += '(error vs float not measured: no calibration data)\n';
  const wide = m.accumulators.filter((a) => a.acc === 'int64');
  s += `accumulators: ${m.accumulators.length - wide.length} of ${m.accumulators.length} products proven safe in int32\n`;
  for (const a of wide) {
    s += `  ${a.what}: worst case ${a.accBound.toExponential(2)} exceeds int32 -> int64 accumulator, pre-shift ${a.preShift}\n`;
  }
  s += `tables: max abs error sigmoid ${num(m.lut.lsb.sigmoid, 3)} LSB (${m.lut.sigmoid.toExponential(2)}), ` +
    `tanh ${num(m.lut.lsb.tanh, 3)} LSB (${m.lut.tanh.toExponential(2)})\n`;
  if (m.ssmTables) {
    s += `ssm tables: max abs error softplus ${m.ssmTables.softplus.toExponential(2)}, exp(-u) ${m.ssmTables.expNeg.toExponential(2)}, silu (Q6.9) ${m.ssmTables.silu.toExponential(2)}\n`;
  }
  if (r.eval) s += evalLines(r.eval);
  if (r.excursions) s += renderExcursions(r.excursions);
  return s;
}
