/**
 * Plain text of a range-excursion summary (fixed/excursions.ts): one line when nothing
 * saturated, else a warning block, one line per layer and kind that saturated, with what
 * to do about it. Shared by quantize --eval, run and verify.
 */
import type { ExcursionItem, ExcursionSummary } from '../fixed/excursions.js';
import { escapeText } from '../util/text.js';
import { num, thousands } from './format.js';

/** 1 − sigmoid(8): how far the sigmoid table's last entry sits below 1. */
const SIGMOID_AT_8_DEFICIT = 1 / (1 + Math.exp(8));

function what(i: ExcursionItem): string {
  if (i.quantity) return i.quantity;
  switch (i.kind) {
    case 'input': return 'input';
    case 'preactivation': return i.type === 'dense' || i.type === 'conv1d' ? 'activation input' : i.type === 'rnn' ? 'tanh input' : 'gate pre-activation';
    case 'cell': return 'cell state';
    // The minimal kinds narrow h~ = W_h x + b_h into h's format (h itself is a blend of the two).
    case 'hidden': return i.type === 'mingru' || i.type === 'minlstm' ? 'candidate h~' : 'h';
    case 'output': return 'output';
  }
}

function advice(i: ExcursionItem): string {
  // Δ = softplus(p) with p clamped at 8 is at most 8: exp(−8·|A|) has forgotten the state either way.
  if (i.type === 'ssm' && i.kind === 'preactivation') return 'the softplus input is Q3.12 whatever the calibration; clamped at 8, Δ stays 8, where the state is forgotten at once either way';
  if (i.type === 'ssm') return 'recalibrate with data like this (--data), or raise --margin';
  if (i.kind === 'preactivation') {
    // Q3.12 is fixed, so neither calibration nor --margin moves this limit.
    const head = `the table input is Q3.12 whatever the calibration; clamped at 8, a sigmoid reads at most ${num(SIGMOID_AT_8_DEFICIT, 2)} low`;
    // The minimal kinds' only table inputs are their sigmoid gates (no tanh, no hard sigmoid).
    return i.type === 'mingru' || i.type === 'minlstm' ? head : `${head}, tanh and hard sigmoid nothing`;
  }
  // --cell auto may keep a saturating cell format on purpose (less error on the calibration data).
  if (i.kind === 'cell') return 'recalibrate with data like this (--data), or --margin / --cell int32';
  return 'recalibrate with data like this (--data), or raise --margin';
}

export function percent(f: number): string {
  if (f === 0) return '0 %';
  const p = 100 * f;
  return p < 0.1 ? `${num(p, 2)} %` : `${p.toFixed(1)} %`;
}

/** "layer 0 lstm: cell state beyond ±16 in 3.1 % of steps, 0.4 % of values (max 21.3): advice". */
export function excursionLine(i: ExcursionItem): string {
  const who = i.layer < 0 ? 'input' : i.type === 'decoder' ? 'decoder' : `layer ${i.layer} ${i.type}`;
  const bound = `${i.positiveOnly ? '+' : '±'}${num(i.limit, 6)}`;
  const label = i.layer < 0 ? 'values (normalised units)' : what(i);
  return `${who}: ${label} beyond ${bound} in ${percent(i.stepFraction)} of steps, ${percent(i.valueFraction)} of values (max ${num(i.maxAbs, 3)}): ${advice(i)}`;
}

/** What ran: "heldout.csv (200 sequences, 9,600 timesteps)". */
export function runText(s: ExcursionSummary): string {
  return `${escapeText(s.data, Infinity)} (${thousands(s.sequences)} sequence${s.sequences === 1 ? '' : 's'}, ${thousands(s.timesteps)} timesteps)`;
}

/** The summary line, or the warning block (each line ends in a newline); `prefix` starts the first line. */
export function renderExcursions(s: ExcursionSummary, prefix = ''): string {
  const hit = s.items.filter((i) => i.valuesSaturated > 0);
  if (hit.length === 0) return `${prefix}ranges: no value left its calibrated range on ${runText(s)}\n`;
  return `${prefix}warning: values left their calibrated ranges on ${runText(s)}:\n` + hit.map((i) => `  ${excursionLine(i)}\n`).join('');
}
