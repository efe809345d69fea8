/**
 * The statements of the twin's API functions, as the C's model.c.hbs computes them:
 * - streaming models: step runs every layer once, in a chain that passes each recurrent
 *   layer's h (in the state) to the next and ping-pongs dense and conv outputs between
 *   two scratch buffers (codegen/chain.ts); run resets a state of its own and, when a
 *   recurrent layer k keeps only its last output, runs layers 0..k at every step and the
 *   rest once (from their initial state) on layer k's last h: runFixed's semantics.
 * - whole-sequence models (bidirectional or reverse layers): run only, layer by layer over
 *   two sequence buffers of MAX_SEQ steps (codegen/passes.ts).
 * Scratch is preallocated (createState, or run's buffers made once): no step allocates.
 */
import { firstLastOnly } from '../codegen/chain.js';
import { lastOutputOf } from '../ir/model.js';
import { type QuantModel, isQRecurrent } from '../ir/qmodel.js';
import type { LayerNames } from './layers.js';

/** Where a layer reads or writes: an array expression and an offset expression. */
export interface Place {
  arr: string;
  off: string;
}

/**
 * Statements of layers [from, to) in state `s`, reading `input`, writing `output` (null:
 * leave it in the last h, or the buffer a last ssm writes); ping-pong from buffer `firstBuf`.
 * `last` is where the last layer's output is.
 */
export function chain(q: QuantModel, names: readonly LayerNames[], from: number, to: number, input: Place, output: Place | null, firstBuf = 0): { body: string[]; last: Place } {
  const out: string[] = [];
  let cur = input;
  let buf = firstBuf;
  for (let i = from; i < to; i++) {
    const l = q.layers[i]!;
    const p = names[i]!.fwd;
    if (l.type === 'ssm') {
      const dst: Place = i === to - 1 && output ? output : { arr: `s.buf${buf}`, off: '0' };
      buf = 1 - buf;
      out.push(`ssmStep(${p}, ${cur.arr}, ${cur.off}, s.l${i}_h, ${l.convSize > 1 ? `s.l${i}_x` : 'EMPTY'}, s.scratch, ${dst.arr}, ${dst.off});`);
      cur = dst;
    } else if (l.type === 'dense' || l.type === 'conv1d') {
      const dst: Place = i === to - 1 && output ? output : { arr: `s.buf${buf}`, off: '0' };
      buf = 1 - buf;
      if (l.type === 'conv1d' && l.kernelSize > 1) {
        out.push(`convStep(${p}, ${cur.arr}, ${cur.off}, s.l${i}_x, s.l${i}_pos, s.scratch, ${dst.arr}, ${dst.off});`);
      } else {
        // A dense layer, or a conv of kernel 1 (its window is the input alone).
        out.push(`dense(${p}, ${cur.arr}, ${cur.off}, ${dst.arr}, ${dst.off}, s.scratch.acc);`);
      }
      cur = dst;
    } else {
      const h = `s.l${i}_h`;
      if (l.type === 'lstm') out.push(`lstmStep(${p}, ${cur.arr}, ${cur.off}, ${h}, s.l${i}_c, s.scratch);`);
      else if (l.type === 'gru') out.push(`gruStep(${p}, ${cur.arr}, ${cur.off}, ${h}, s.scratch);`);
      else if (l.type === 'mingru') out.push(`minGruStep(${p}, ${cur.arr}, ${cur.off}, ${h}, s.scratch);`);
      else if (l.type === 'minlstm') out.push(`minLstmStep(${p}, ${cur.arr}, ${cur.off}, ${h}, s.scratch);`);
      else out.push(`rnnStep(${p}, ${cur.arr}, ${cur.off}, ${h}, s.scratch);`);
      cur = { arr: h, off: '0' };
    }
  }
  if (output && (to === from || isQRecurrent(q.layers[to - 1]!))) out.push(`${output.arr}.set(${cur.arr}, ${output.off});`);
  return { body: out, last: cur };
}

/** A function of the module: name, parameters, return type, statements, doc. */
export interface FnSpec {
  name: string;
  exported: boolean;
  params: Array<[string, string]>;
  returns: string;
  body: string[];
  doc: string;
}

/** step, run and the chain functions they share, for a streaming model. */
export function streamingFunctions(q: QuantModel, names: readonly LayerNames[]): FnSpec[] {
  const L = q.layers.length;
  const k = firstLastOnly(q);
  const x: Place = { arr: 'x', off: 'xOff' };
  const y: Place = { arr: 'y', off: 'yOff' };
  const sizeCheck = [
    `if (!Number.isInteger(T) || T < 1 || x.length < T * INPUT_SIZE || y.length < ${k < 0 ? 'T * OUTPUT_SIZE' : 'OUTPUT_SIZE'}) return ERR_SIZE;`,
    'const s = runState ?? (runState = createState());',
    'reset(s);',
  ];
  const runDoc = `A whole sequence of T >= 1 steps, x[T * INPUT_SIZE], from the state reset sets; y gets ${k < 0
    ? 'T * OUTPUT_SIZE values (one vector per step)' : 'OUTPUT_SIZE values (the sequence\'s output)'}.\n`
    + 'Returns OK, or ERR_SIZE when T < 1 or an array is too short. Uses a state of its own: any State stays as it is.';
  const stepDoc = 'One timestep: x[INPUT_SIZE] in, y[OUTPUT_SIZE] out, s updated. Every layer runs at every step (streaming), so y is\n'
    + 'the model\'s output for the sequence seen so far. Allocates nothing.';
  if (k < 0) {
    return [
      { name: 'layers', exported: false, params: [['s', 'State'], ['x', 'Int16Array'], ['xOff', 'number'], ['y', 'Int16Array'], ['yOff', 'number']], returns: 'void',
        body: chain(q, names, 0, L, x, y).body, doc: 'Every layer once: x[xOff..] in, y[yOff..] out.' },
      { name: 'step', exported: true, params: [['s', 'State'], ['x', 'Int16Array'], ['y', 'Int16Array']], returns: 'void', body: ['layers(s, x, 0, y, 0);'], doc: stepDoc },
      { name: 'run', exported: true, params: [['x', 'Int16Array'], ['T', 'number'], ['y', 'Int16Array']], returns: 'number',
        body: [...sizeCheck, 'for (let t = 0; t < T; t++) layers(s, x, t * INPUT_SIZE, y, t * OUTPUT_SIZE);', 'return OK;'], doc: runDoc },
    ];
  }
  // Layer k's last output: a recurrent layer's h, or the buffer an ssm wrote (the tail's ping-pong starts at the other).
  const head = chain(q, names, 0, k + 1, x, null);
  const from = head.last.arr === 's.buf0' ? 1 : 0;
  return [
    { name: 'head', exported: false, params: [['s', 'State'], ['x', 'Int16Array'], ['xOff', 'number']], returns: 'void',
      body: head.body, doc: `Layers 0..${k}: x[xOff..] in, layer ${k}'s output left in ${head.last.arr} (it passes on its last output only).` },
    { name: 'tail', exported: false, params: [['s', 'State'], ['y', 'Int16Array'], ['yOff', 'number']], returns: 'void',
      body: k === L - 1 && !isQRecurrent(q.layers[k]!)
        ? [`for (let j = 0; j < ${q.layers[k]!.units}; j++) y[yOff + j] = ${head.last.arr}[j]!;`]
        : chain(q, names, k + 1, L, head.last, y, from).body,
      doc: `The layers after layer ${k}, on its last output: y[yOff..] out.` },
    { name: 'step', exported: true, params: [['s', 'State'], ['x', 'Int16Array'], ['y', 'Int16Array']], returns: 'void', body: ['head(s, x, 0);', 'tail(s, y, 0);'], doc: stepDoc },
    { name: 'run', exported: true, params: [['x', 'Int16Array'], ['T', 'number'], ['y', 'Int16Array']], returns: 'number',
      body: [...sizeCheck, 'for (let t = 0; t < T; t++) head(s, x, t * INPUT_SIZE);', 'tail(s, y, 0);', 'return OK;'], doc: runDoc },
  ];
}

/** The run of a whole-sequence model: one pass per layer over the sequence buffers `b.seq0` / `b.seq1`. */
export function sequenceRun(q: QuantModel, names: readonly LayerNames[]): FnSpec {
  const body = [
    'if (!Number.isInteger(T) || T < 1 || T > MAX_SEQ || x.length < T * INPUT_SIZE) return ERR_SIZE;',
    'const b = runBuffers ?? (runBuffers = createRunBuffers());',
    'let n = T;',
  ];
  const input = passes(q, names, body);
  body.push(
    `if (y.length < n * OUTPUT_SIZE) return ERR_SIZE;`,
    `for (let j = 0; j < n * OUTPUT_SIZE; j++) y[j] = ${input}[j]!;`,
    'return OK;',
  );
  return {
    name: 'run', exported: true, params: [['x', 'Int16Array'], ['T', 'number'], ['y', 'Int16Array']], returns: 'number', body,
    doc: `A whole sequence of 1 <= T <= MAX_SEQ steps, x[T * INPUT_SIZE]; y gets ${q.output.sequence
      ? 'T * OUTPUT_SIZE values (one vector per step)' : 'OUTPUT_SIZE values (the sequence\'s output)'}.\n`
      + 'A bidirectional or reverse layer needs the whole sequence, so this is the only entry point. Returns OK, or\n'
      + 'ERR_SIZE when T is out of range or an array is too short. Uses module-level buffers made at the first call.',
  };
}

/**
 * The passes of a whole-sequence model, one per layer, appended to `body`: they read x[n *
 * INPUT_SIZE] and the buffers `b`, and update `n`; returns the buffer holding the last layer's outputs.
 */
export function passes(q: QuantModel, names: readonly LayerNames[], body: string[]): string {
  let width = q.inputSize;
  let input = 'x';
  q.layers.forEach((l, i) => {
    const output = `b.seq${i % 2}`;
    const p = names[i]!.fwd;
    const outW = isQRecurrent(l) && l.bidirectional === 'concat' ? 2 * l.units : l.units;
    body.push(`// layer ${i}: ${l.type}`);
    if (l.type === 'dense' || (l.type === 'conv1d' && l.kernelSize === 1)) {
      body.push(`seqDense(${p}, ${input}, ${width}, n, ${output}, ${outW}, b.scratch);`);
    } else if (l.type === 'conv1d') {
      body.push(`seqConv(${p}, ${input}, ${width}, n, ${output}, ${outW}, b.l${i}_x, b.l${i}_pos, b.scratch);`);
    } else if (l.type === 'ssm') {
      body.push(`n = seqSsm(${p}, ${l.returnSequences}, ${input}, ${width}, n, ${output}, ${outW}, b.l${i}_h, ${l.convSize > 1 ? `b.l${i}_x` : 'EMPTY'}, b.scratch);`);
    } else {
      const bwd = names[i]!.bwd;
      const merge = l.bidirectional ? `'${l.bidirectional}'` : 'null';
      const lastIndex = !l.returnSequences && lastOutputOf(l) === 'last-index';
      body.push(`n = seqRecurrent(${p}, ${bwd ?? 'null'}, ${merge}, ${l.returnSequences}, ${lastIndex}, ${l.reverse === true}, `
        + `${input}, ${width}, n, ${output}, ${outW}, b.h, b.c, b.scratch);`);
    }
    width = outW;
    input = output;
  });
  return input;
}
