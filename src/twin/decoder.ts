/**
 * An encoder–decoder in the TypeScript twin, with the C's API (templates/decoder.c.hbs):
 * encodeStep appends one input step to a memory of MAX_SEQ positions (a streaming encoder
 * runs its layers on it and stores the last layer's output and the attention's keys; a
 * whole-sequence encoder stores the input and runs its passes at the next decode), decode
 * writes up to STEPS output vectors, and decodeBegin / decodeStep write them one at a time.
 * The decoder itself is the runtime's decoderBegin and decoderStep (runtime-ts/rnnc_twin.ts)
 * over one parameter object, DEC, so its integers are those of fixed/seq2seq.ts
 * runDecoderFixed step by step.
 */
import type { InterfaceDeclarationStructure } from 'ts-morph';
import { decoderLayers, feedbackWidthQ } from '../codegen/decoder.js';
import type { planModel } from '../codegen/plan.js';
import { EXP_FRAC } from '../fixed/dense.js';
import { wholeSequenceOnly } from '../ir/kinds.js';
import { type QDecoder, type QDenseLayer, type QuantModel, hiddenFrac, isQRecurrent } from '../ir/qmodel.js';
import { RnncError } from '../errors.js';
import { type FnSpec, chain, passes } from './code.js';
import { type Consts, type LayerNames, type Tables, denseFields, direction, mat } from './layers.js';

type Plan = ReturnType<typeof planModel>;

/** Where emit.ts collects the module's statements. */
export interface Sink {
  fn(spec: FnSpec): void;
  iface(i: Omit<InterfaceDeclarationStructure, 'kind'>): void;
}

function denseOf(l: QDecoder['projection'], what: string): QDenseLayer {
  if (l.type !== 'dense') throw new RnncError('ir/invalid', `decoder ${what} of type ${l.type}`);
  return l;
}

/** The memory's width: the last encoder layer's output (both directions of a concat layer). */
export function memWidth(q: QuantModel): number {
  const last = q.layers[q.layers.length - 1]!;
  return isQRecurrent(last) && last.bidirectional === 'concat' ? 2 * last.units : last.units;
}

/** The decoder's constants and its DecoderP object, DEC; the cell, projection and bridge are named as layers L, L + 1, L + 2 (as in the C). */
export function declareDecoder(q: QuantModel, d: QDecoder, c: Consts, t: Tables): string {
  const L = q.layers.length;
  const cell = d.cell;
  if (!isQRecurrent(cell)) throw new RnncError('ir/invalid', 'decoder cell is not recurrent');
  const cellName = direction(c, q, t, cell, cell.forward, L, 'F');
  const proj = denseOf(d.projection, 'projection');
  const projName = c.object(`L${L + 1}`, 'DenseP', `{\n  ${denseFields(c, q, t, proj, L + 1, 'decoder projection').join(',\n  ')},\n}`, 'the decoder\'s projection');
  const bridge = d.init.kind === 'bridge' ? denseOf(d.init.dense, 'bridge') : undefined;
  const bridgeName = bridge
    ? c.object(`L${L + 2}`, 'DenseP', `{\n  ${denseFields(c, q, t, bridge, L + 2, 'decoder bridge').join(',\n  ')},\n}`, 'the decoder\'s bridge: h = tanh(W m_{T-1} + b)')
    : 'null';
  const a = d.attention;
  let att = 'null';
  if (a) {
    const bits = q.weightBits;
    const m = (mm: typeof a.keys, name: string, what: string) => (mm ? mat(c, name, mm, bits, `decoder attention ${what}`) : 'null');
    const keysWidth = a.kind === 'bahdanau' ? a.keys!.rows : a.kind === 'general' ? d.units : 0;
    const shift = a.kind === 'bahdanau' ? 0 : 15 + (a.kind === 'general' ? a.keyFrac! : d.memFrac) - a.logitFrac;
    const fields = [
      `kind: '${a.kind}'`, `keys: ${m(a.keys, 'ATT_K', a.kind === 'bahdanau' ? 'keys W_e' : 'keys W_g')}`, `query: ${m(a.query, 'ATT_Q', 'query W_q')}`,
      `v: ${m(a.v, 'ATT_V', 'score v')}`, `keysWidth: ${keysWidth}`, `shift: ${shift}`, `logitFrac: ${a.logitFrac}`, `expFrac: ${EXP_FRAC}`,
      `tanh: ${a.kind === 'bahdanau' ? t.tanh : 'EMPTY'}`, `exp: ${t.exp}`, `log2: ${t.log2}`,
    ];
    att = c.object('ATT', 'AttentionP', `{\n  ${fields.join(',\n  ')},\n}`, `the decoder's ${a.kind} attention (into the ${a.into})`);
  }
  const fb = d.feedback;
  const u = fb.kind === 'embedding'
    ? c.array('DEC_U', 'Int16Array', fb.table, `decoder embedding: ${fb.table.length / fb.width} rows of ${fb.width}, ${d.uFrac} fractional bits`)
    : c.array('DEC_U', 'Int16Array', fb.start, `decoder start input, ${d.uFrac} fractional bits`);
  const into = a?.into;
  const fields = [
    `units: ${d.units}`, `memWidth: ${memWidth(q)}`, `outputSize: ${d.outputSize}`, `steps: ${d.steps}`, `cell: ${cellName}`, `proj: ${projName}`, `bridge: ${bridgeName}`, `att: ${att}`,
    `ctxIn: ${into === 'input' || into === 'both'}`, `ctxOut: ${into === 'output' || into === 'both'}`,
    `u: ${u}`, `embedding: ${fb.kind === 'embedding'}`, `uWidth: ${feedbackWidthQ(d)}`,
    `start: ${fb.kind === 'embedding' ? fb.start * fb.width : 0}`, `endToken: ${d.endToken ?? -1}`,
    `uFrac: ${d.uFrac}`, `cellIn: ${cell.inFrac}`, `projIn: ${proj.inFrac}`, `memFrac: ${d.memFrac}`,
  ];
  return c.object('DEC', 'DecoderP', `{\n  ${fields.join(',\n  ')},\n}`, `the decoder: ${cell.type} cell of ${d.units} units, ${d.steps} steps`);
}

/** The decoder's work arrays (DecoderWork) for MAX_SEQ positions. */
function workInit(q: QuantModel, d: QDecoder): string {
  const cell = d.cell;
  if (!isQRecurrent(cell)) throw new RnncError('ir/invalid', 'decoder cell is not recurrent');
  const he = memWidth(q);
  const a = d.attention;
  const A = a?.kind === 'bahdanau' ? a.keys!.rows : 0;
  const acc = Math.max(...decoderLayers(d).map((l) => l.units), a?.kind === 'general' ? d.units : 0);
  const rows = cell.forward.x.rows;
  return [
    '{',
    `  h: new Int16Array(${d.units}), c: new Int32Array(${d.units}), x: new Int16Array(${cell.forward.x.cols}), r: new Int16Array(${denseOf(d.projection, 'projection').mm.cols}),`,
    `  ctx: new Int16Array(${he}), scores: new Int32Array(MAX_SEQ), alpha: new Int16Array(MAX_SEQ), sum: new Int32Array(${he}),`,
    `  qa: new Int32Array(${A}), t: new Int16Array(${A}), acc: new Int32Array(${acc}),`,
    `  sc: { xg: new Int32Array(${rows}), hg: new Int32Array(${rows}), rh: new Int16Array(${d.units}), acc: new Int32Array(0), win: new Int16Array(0), zeros: new Int16Array(0), early: new Int16Array(0), ssm: new Int16Array(0) },`,
    `  keys32: new Int32Array(${a?.kind === 'bahdanau' ? `MAX_SEQ * ${A}` : '0'}), keys16: new Int16Array(${a?.kind === 'general' ? `MAX_SEQ * ${d.units}` : '0'}),`,
    `  u: new Int16Array(${feedbackWidthQ(d)}), k: -1,`,
    '}',
  ].join('\n');
}

/**
 * The State interface, createState, reset, encodeStep and decode. `encoderState` are the
 * State's encoder fields and their creation and reset (emit.ts), `scratch` one step's scratch.
 */
export function decoderApi(out: Sink, q: QuantModel, d: QDecoder, plan: Plan, names: readonly LayerNames[], scratch: string, bufW: number): void {
  const L = q.layers.length;
  const whole = wholeSequenceOnly(q.layers) !== undefined;
  const last = q.layers[L - 1]!;
  // The encoder's recurrent state (a whole-sequence encoder keeps none between steps); the decoder's own is DecoderWork.
  const fields = whole ? [] : plan.stateFields.filter((f) => !f.field.startsWith(`l${L}_`));
  const arr = (ctype: string) => (ctype === 'int32_t' ? 'Int32Array' : 'Int16Array');
  out.iface({
    name: 'State', isExported: true,
    docs: ['The whole state (the C\'s NAME_state): the encoder\'s recurrent state, the memory of the last encoder layer\'s outputs\n'
      + '(MAX_SEQ rows) with the attention\'s keys, the decoder\'s state and every scratch array. Any number of states run\n'
      + 'side by side.'],
    properties: [
      ...fields.map((f) => ({ name: f.field, isReadonly: true, type: arr(f.ctype), docs: [f.comment] })),
      { name: 'memory', isReadonly: true, type: 'Int16Array', docs: [`The last encoder layer's outputs, one row of ${memWidth(q)} per encoder step, ${d.memFrac} fractional bits.`] },
      { name: 'length', type: 'number', docs: ['Encoder steps in the memory.'] },
      ...(whole ? [
        { name: 'inputs', isReadonly: true, type: 'Int16Array', docs: ['The inputs so far: the encoder reads whole sequences, so it runs in decode.'] },
        { name: 'encoded', type: 'boolean', docs: ['true: memory holds the encoder\'s outputs for the inputs so far.'] },
        { name: 'run', isReadonly: true, type: 'RunBuffers', docs: ['Scratch: the encoder\'s sequence buffers.'] },
      ] : [
        { name: 'scratch', isReadonly: true, type: 'Scratch', docs: ['Scratch of one encoder step.'] },
        { name: 'buf0', isReadonly: true, type: 'Int16Array', docs: ['Scratch: dense and conv outputs between layers.'] },
        { name: 'buf1', isReadonly: true, type: 'Int16Array', docs: ['Scratch: dense and conv outputs between layers.'] },
      ]),
      { name: 'dec', isReadonly: true, type: 'DecoderWork', docs: ['The decoder\'s state, the keys and the decoder\'s scratch.'] },
    ],
  });
  out.fn({
    name: 'createState', exported: true, params: [], returns: 'State', doc: 'A new state, reset.',
    body: [
      'const s: State = {',
      ...fields.map((f) => `  ${f.field}: new ${arr(f.ctype)}(${f.units}),`),
      `  memory: new Int16Array(MAX_SEQ * ${memWidth(q)}),`, '  length: 0,',
      ...(whole ? [`  inputs: new Int16Array(MAX_SEQ * INPUT_SIZE),`, '  encoded: false,', '  run: createRunBuffers(),']
        : [`  scratch: ${scratch},`, `  buf0: new Int16Array(${bufW}),`, `  buf1: new Int16Array(${bufW}),`]),
      `  dec: ${workInit(q, d).split('\n').join('\n  ')},`,
      '};', 'reset(s);', 'return s;',
    ],
  });
  const resets = fields.map((f) => {
    const m = /^l(\d+)_([hc])$/.exec(f.field);
    const l = m ? q.layers[Number(m[1])] : undefined;
    const init = l && isQRecurrent(l) ? (m![2] === 'h' ? l.forward.h0 : l.forward.c0) : undefined;
    return init ? `s.${f.field}.set(L${m![1]}F_${m![2]!.toUpperCase()}0);` : `s.${f.field}.fill(0);`;
  });
  out.fn({
    name: 'reset', exported: true, params: [['s', 'State']], returns: 'void', doc: 'Clear the memory and the state: the start of a new input sequence.',
    body: [...resets, 's.length = 0;', 's.dec.k = -1;', ...(whole ? ['s.encoded = false;'] : [])],
  });
  const keys = d.attention?.keys ? ['decoderKeys(ATT, s.memory, MEM_WIDTH, s.length, s.dec);'] : [];
  if (whole) {
    const body = ['let n = T;'];
    const lastBuf = passes(q, names, body);
    body.push('for (let j = 0; j < n * MEM_WIDTH; j++) m[j] = ' + `${lastBuf}[j]!;`);
    out.fn({ name: 'encode', exported: false, params: [['b', 'RunBuffers'], ['x', 'Int16Array'], ['T', 'number'], ['m', 'Int16Array']], returns: 'void', body,
      doc: 'The encoder\'s passes over x[T * INPUT_SIZE]: its outputs into m[T * MEM_WIDTH].' });
    out.fn({
      name: 'encodeStep', exported: true, params: [['s', 'State'], ['x', 'Int16Array']], returns: 'number',
      doc: 'One encoder step: x[INPUT_SIZE] appended to the inputs. The encoder reads whole sequences, so it runs in decode\n'
        + 'over them. Returns OK, or ERR_FULL (nothing changed) when MAX_SEQ steps are held, or ERR_SIZE when x is too short.',
      body: ['if (x.length < INPUT_SIZE) return ERR_SIZE;', 'if (s.length >= MAX_SEQ) return ERR_FULL;',
        'for (let i = 0; i < INPUT_SIZE; i++) s.inputs[s.length * INPUT_SIZE + i] = x[i]!;', 's.length++;', 's.encoded = false;',
        's.dec.k = -1; // the memory changed: decodeBegin again', 'return OK;'],
    });
  } else {
    out.fn({ name: 'layers', exported: false, params: [['s', 'State'], ['x', 'Int16Array'], ['y', 'Int16Array'], ['yOff', 'number']], returns: 'void',
      body: chain(q, names, 0, L, { arr: 'x', off: '0' }, { arr: 'y', off: 'yOff' }).body, doc: 'Every encoder layer once: x in, the last layer\'s output to y[yOff..].' });
    out.fn({
      name: 'encodeStep', exported: true, params: [['s', 'State'], ['x', 'Int16Array']], returns: 'number',
      doc: 'One encoder step: x[INPUT_SIZE] through the encoder, its last layer\'s output appended to the memory (with the\n'
        + 'attention\'s keys). Returns OK, or ERR_FULL (nothing changed) when the memory holds MAX_SEQ steps, or ERR_SIZE when\n'
        + 'x is too short. Allocates nothing.',
      body: ['if (x.length < INPUT_SIZE) return ERR_SIZE;', 'if (s.length >= MAX_SEQ) return ERR_FULL;', 'layers(s, x, s.memory, s.length * MEM_WIDTH);', ...keys, 's.length++;',
        's.dec.k = -1; // the memory changed: decodeBegin again', 'return OK;'],
    });
  }
  const copy = d.init.kind === 'copy' && isQRecurrent(last);
  if (copy && whole) throw new RnncError('unsupported/feature', `${q.name}: an encoder–decoder whose encoder reads whole sequences cannot start its decoder from the encoder's final state (init copy)`);
  // decodeBegin: the memory brought up to date, the decoder's first state (init), the start input.
  const begin = [
    'if (s.length < 1) return ERR_EMPTY;',
    ...(whole ? ['if (!s.encoded) {', '  encode(s.run, s.inputs, s.length, s.memory);',
      ...(keys.length > 0 ? ['  for (let j = 0; j < s.length; j++) decoderKeys(ATT, s.memory, MEM_WIDTH, j, s.dec);'] : []), '  s.encoded = true;', '}'] : []),
    's.dec.h.fill(0);', 's.dec.c.fill(0);',
  ];
  if (copy) {
    begin.push(`// init copy: the last encoder layer's final state (h from ${hiddenFrac(last)} fractional bits to Q0.15).`,
      `for (let i = 0; i < ${d.units}; i++) s.dec.h[i] = rescaleS16(s.l${L - 1}_h[i]!, ${hiddenFrac(last)}, 15);`);
    if (d.cell.type === 'lstm' && last.type === 'lstm') begin.push(`s.dec.c.set(s.l${L - 1}_c);`);
  }
  begin.push('decoderBegin(DEC, s.memory, s.length, s.dec);', 'return OK;');
  out.fn({
    name: 'decodeBegin', exported: true, params: [['s', 'State']], returns: 'number', body: begin,
    doc: 'Starts the decoder one output at a time (decodeStep), from the memory as it is: its first state and the start\n'
      + 'input. Returns OK, or ERR_EMPTY before any encoder step. The C\'s NAME_decode_begin.',
  });
  out.fn({
    name: 'decodeStep', exported: true, params: [['s', 'State'], ['y', 'Int16Array']], returns: 'number',
    body: ['if (s.dec.k < 0) return ERR_NOT_BEGUN;', 'if (y.length < OUTPUT_SIZE) return ERR_SIZE;', 'return decoderStep(DEC, s.memory, s.length, s.dec, y, 0);'],
    doc: 'The next output vector into y[OUTPUT_SIZE]: returns 1 while more may follow, 0 after the last one (STEPS written, or\n'
      + 'the end class), ERR_NOT_BEGUN (nothing written) when no decoding is under way (none begun since reset or the last\n'
      + 'encodeStep, or the last output written), ERR_SIZE when y is too short. The C\'s NAME_decode_step.',
  });
  out.fn({
    name: 'decode', exported: true, params: [['s', 'State'], ['y', 'Int16Array'], ['kMax', 'number']], returns: 'number',
    body: [
      'const k = Math.max(0, Math.min(Math.floor(kMax), STEPS));',
      'if (y.length < k * OUTPUT_SIZE) return ERR_SIZE;',
      'const r = decodeBegin(s);',
      'if (r !== OK) return r;',
      'let n = 0;',
      'while (n < k) {',
      '  const more = decoderStep(DEC, s.memory, s.length, s.dec, y, n * OUTPUT_SIZE);',
      '  n++;',
      '  if (more === 0) break;',
      '}',
      'return n;',
    ],
    doc: 'The decoder over the memory: up to min(kMax, STEPS) output vectors into y (OUTPUT_SIZE values each; fewer when\n'
      + 'the end class comes). Returns their count, ERR_EMPTY before any encoder step, or ERR_SIZE when y is too short.\n'
      + 'The memory stays: more encoder steps may follow. Allocates nothing.',
  });
}
