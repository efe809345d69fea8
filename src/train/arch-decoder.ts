/**
 * The decoder item of `rnnc train --arch` (docs/seq2seq.md, Training): the last item, after
 * the encoder's layers,
 *   decoder:lstm|gru|rnn:UNITS:steps=K:out=O[:bahdanau=A|dot|general][:into=input|output|both]
 *     [:init=zeros|copy|bridge][:softmax[:emb=D][:start=C][:end=C]][:reset-before]
 * steps and out are required. into defaults to input for bahdanau (Bahdanau et al.) and to
 * output for dot and general (Luong et al.); init defaults to bridge (any encoder). softmax:
 * the decoder writes classes (softmax projection, embedding feedback of D values, default
 * O, starting from class C, default 0; end: stop after that class). Without it, it writes O
 * values and feeds each back (regression). reset-before: a GRU with the reset gate before
 * the recurrent product (resetAfter false). Each option at most once.
 */
import { RnncError } from '../errors.js';
import { LIMITS } from '../ir/model.js';
import { CONTEXT_INTO, DECODER_CELLS, MAX_DECODE_STEPS } from '../ir/seq2seq.js';
import { integerValue } from '../util/decimal.js';
import { quote } from '../util/text.js';
import type { DecoderSpec } from './seq2seq.js';

const OPTIONS = 'steps=K, out=O, bahdanau=A, dot, general, into=input|output|both, init=zeros|copy|bridge, softmax, emb=D, start=C, end=C, reset-before';

function bad(item: string, why: string): never {
  throw new RnncError('arch/invalid', `--arch: ${why} in ${quote(item, 80, '"')}`);
}

function int(item: string, what: string, text: string, min: number, max: number): number {
  const n = integerValue(text);
  if (n === undefined || n < min || n > max) bad(item, `${what} must be an integer from ${min} to ${max}, got ${quote(text)}`);
  return n;
}

/** Parses one `decoder:…` item (the leading `decoder` included). */
export function parseDecoderItem(item: string): DecoderSpec {
  const [, cell = '', unitsText = '', ...opts] = item.split(':').map((s) => s.trim());
  if (!(DECODER_CELLS as readonly string[]).includes(cell)) bad(item, `unknown decoder cell ${quote(cell)}; supported: ${DECODER_CELLS.join(', ')}`);
  const units = int(item, 'units', unitsText, 1, LIMITS.units);
  const setBy = new Map<string, string>();
  const got: Record<string, string> = {};
  for (const o of opts) {
    const eq = o.indexOf('=');
    const name = eq < 0 ? o : o.slice(0, eq).trim(), value = eq < 0 ? '' : o.slice(eq + 1).trim();
    const property = ['bahdanau', 'dot', 'general'].includes(name) ? 'attention' : name;
    const known = eq < 0 ? ['dot', 'general', 'softmax', 'reset-before'].includes(name) : ['steps', 'out', 'bahdanau', 'into', 'init', 'emb', 'start', 'end'].includes(name);
    if (!known) bad(item, `unknown decoder option ${quote(o)}; supported: ${OPTIONS}`);
    const before = setBy.get(property);
    if (before !== undefined) bad(item, before === o ? `${quote(o)} is given twice` : `${quote(o)} conflicts with ${quote(before)}`);
    setBy.set(property, o);
    got[property] = property === 'attention' ? o : value;
  }
  if (got.steps === undefined) bad(item, 'a decoder needs its number of outputs, e.g. steps=8');
  if (got.out === undefined) bad(item, 'a decoder needs the width of each output (values, or classes with softmax), e.g. out=1');
  const steps = int(item, 'steps', got.steps, 1, MAX_DECODE_STEPS);
  const outputSize = int(item, 'out', got.out, 1, LIMITS.units);
  if (got['reset-before'] !== undefined && cell !== 'gru') bad(item, "'reset-before' is for a gru decoder");
  const classes = got.softmax !== undefined;
  for (const k of ['emb', 'start', 'end']) if (!classes && got[k] !== undefined) bad(item, `${k}= needs softmax (a decoder that writes classes)`);
  const att = got.attention;
  let attention: DecoderSpec['attention'];
  if (att !== undefined) {
    const into = got.into ?? (att.startsWith('bahdanau') ? 'input' : 'output');
    if (!(CONTEXT_INTO as readonly string[]).includes(into)) bad(item, `into must be one of ${CONTEXT_INTO.join(', ')}, got ${quote(into)}`);
    const route = into as (typeof CONTEXT_INTO)[number];
    attention = att.startsWith('bahdanau=')
      ? { kind: 'bahdanau', units: int(item, 'bahdanau', att.slice('bahdanau='.length), 1, LIMITS.units), into: route }
      : { kind: att === 'dot' ? 'dot' : 'general', into: route };
  } else if (got.into !== undefined) bad(item, 'into= needs an attention (bahdanau=A, dot or general)');
  const init = got.init ?? 'bridge';
  if (!['zeros', 'copy', 'bridge'].includes(init)) bad(item, `init must be zeros, copy or bridge, got ${quote(init)}`);
  const spec: DecoderSpec = {
    cell: cell as DecoderSpec['cell'], units, outputSize, steps,
    feedback: classes
      ? { kind: 'embedding', dims: got.emb !== undefined ? int(item, 'emb', got.emb, 1, LIMITS.inputSize) : outputSize, start: got.start !== undefined ? int(item, 'start', got.start, 0, outputSize - 1) : 0 }
      : { kind: 'prediction' },
    init: init as DecoderSpec['init'],
    ...(cell === 'gru' ? { resetAfter: got['reset-before'] === undefined } : {}),
    ...(attention ? { attention } : {}),
    ...(got.end !== undefined ? { endToken: int(item, 'end', got.end, 0, outputSize - 1) } : {}),
  };
  return spec;
}

/** The item back as text (meta.arch), options in a fixed order. */
export function decoderText(d: DecoderSpec): string {
  const a = d.attention;
  const parts = ['decoder', d.cell, String(d.units), `steps=${d.steps}`, `out=${d.outputSize}`];
  if (a) parts.push(a.kind === 'bahdanau' ? `bahdanau=${a.units}` : a.kind, `into=${a.into}`);
  parts.push(`init=${d.init}`);
  if (d.feedback.kind === 'embedding') parts.push('softmax', `emb=${d.feedback.dims}`, `start=${d.feedback.start}`);
  if (d.endToken !== undefined) parts.push(`end=${d.endToken}`);
  if (d.cell === 'gru' && d.resetAfter === false) parts.push('reset-before');
  return parts.join(':');
}
