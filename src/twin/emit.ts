/**
 * QuantModel → NAME.ts, the TypeScript twin of the emitted C (`rnnc compile --target
 * typescript`): one dependency-free ES module with the C's API (createState, reset, step,
 * run, the size constants, quantizeInput / dequantizeOutput; an encoder–decoder's
 * encodeStep and decode, decoder.ts) and the C header's comment,
 * computing the same integers as the C and the fixed-point reference.
 *
 * Built with ts-morph's structured API, imported lazily here so that rnnc without this
 * target never loads it. The module is the runtime (runtime-ts/rnnc_twin.ts, passed in as
 * text by the caller: this phase reads no file) cut down to the declarations the model
 * reaches, then the model: typed-array constants (layers.ts) and the API functions
 * (code.ts). Pure: the same model, runtime and options give the same text.
 */
import type { FunctionDeclarationStructure, InterfaceDeclarationStructure, StatementStructures, StructureKind as StructureKindEnum, VariableStatementStructure } from 'ts-morph';
import { seqWidth } from '../codegen/passes.js';
import { planModel } from '../codegen/plan.js';
import type { Target } from '../codegen/targets.js';
import { RnncError } from '../errors.js';
import { type QuantModel, isQRecurrent } from '../ir/qmodel.js';
import { type FnSpec, sequenceRun, streamingFunctions } from './code.js';
import { declareDecoder, decoderApi, memWidth } from './decoder.js';
import { Consts, declareLayers, declareTables } from './layers.js';
import { namesUsed, pruneModel, pruneRuntime } from './prune.js';

export interface TwinOptions {
  /** rnnc version written into the banner and header. */
  version: string;
  /** Where the model came from, for the banner. */
  source: string;
  /** MAX_SEQ of whole-sequence models (run's buffers). */
  maxSeq: number;
}

export interface TwinFile {
  name: string;
  content: string;
}

/** The C plan the header comment comes from: the portable C, whose integers the twin computes. */
const TWIN_VIEW: Target = { name: 'typescript', kernel: 'portable', wordAlign: 1 };

/** The header: the C's banner (so rnnc recognises its file) and the C header's comment. */
function header(q: QuantModel, plan: ReturnType<typeof planModel>): string {
  // Flash and RAM figures describe the C build; the rest of the summary holds for the twin.
  const summary = plan.summary.filter((s) => !/^(Flash|RAM):/.test(s));
  return [
    plan.banner,
    '/*',
    ` * ${q.name}: the bit-exact TypeScript twin of the fixed-point C rnnc ${plan.version} emits for this model`,
    ` * (rnnc compile --target typescript): the same integers as ${q.decoder ? `${q.name}_encode_step / ${q.name}_decode` : `${q.name}_step / ${q.name}_run`} of the C on every`,
    ' * input. One dependency-free ES module: no imports, no Node APIs (runs in browsers), no BigInt',
    ` * and no allocation in ${q.decoder ? 'encodeStep or decode' : 'step'}.`,
    ' *',
    ...summary.map((s) => ` * ${s}`),
    ' *',
    ' * Numbers: inputs and outputs are int16 fixed point. An input x is given as',
    ' * round(x * 2^INPUT_FRAC_BITS) (after the model\'s normalisation); an output y is',
    ' * y_int / 2^OUTPUT_FRAC_BITS. quantizeInput and dequantizeOutput do this in float32,',
    ' * bit-exact with the C helpers.',
    ' */',
    '',
  ].join('\n');
}

/** The runtime's text without its file comment (the header says where it comes from). */
function runtimeBody(runtime: string, version: string): string {
  const end = runtime.indexOf('*/');
  if (!runtime.startsWith('/**') || end < 0) throw new RnncError('internal/bug', 'the TypeScript twin runtime does not start with its file comment');
  return `// The fixed-point runtime: copied from rnnc ${version}'s runtime-ts/rnnc_twin.ts (what this model uses).\n`
    + runtime.slice(end + 2).trimStart();
}

function maxOf(values: number[]): number {
  return Math.max(0, ...values);
}

/** The sizes of one step's scratch, for createState and run's buffers. */
function scratchInit(q: QuantModel): string {
  const rec = q.layers.filter(isQRecurrent);
  const rows = maxOf(rec.map((l) => l.forward.x.rows));
  const units = maxOf(rec.map((l) => l.units));
  const acc = maxOf(q.layers.map((l) => (isQRecurrent(l) ? 0 : l.type === 'ssm' ? Math.max(2 * l.units, l.dtRank + 2 * l.stateSize) : l.units)));
  // An ssm's x' and z, u, δ/B/C and conv window (rnnc_twin.ts ssmStep).
  const ssm = maxOf(q.layers.map((l) => (l.type === 'ssm' ? 3 * l.units + l.dtRank + 2 * l.stateSize + l.convSize : 0)));
  const win = maxOf(q.layers.map((l) => (l.type === 'conv1d' ? l.mm.cols : 0)));
  // A centred conv's zero input row and its outputs before y_0 (seqConv).
  const centred = q.layers.filter((l) => l.type === 'conv1d' && (l.lookahead ?? 0) > 0);
  const zeros = maxOf(centred.map((l) => (l.type === 'conv1d' ? l.mm.cols / l.kernelSize : 0)));
  const early = maxOf(centred.map((l) => l.units));
  return `{ xg: new Int32Array(${rows}), hg: new Int32Array(${rows}), rh: new Int16Array(${units}), acc: new Int32Array(${acc}), win: new Int16Array(${win}), `
    + `zeros: new Int16Array(${zeros}), early: new Int16Array(${early}), ssm: new Int16Array(${ssm}) }`;
}

/** The model's statements, collected as ts-morph structures and printed in one batch. */
class Statements {
  readonly list: Array<string | StatementStructures> = [];
  constructor(private readonly K: typeof StructureKindEnum) {}

  fn(spec: FnSpec): void {
    const f: FunctionDeclarationStructure = {
      kind: this.K.Function, name: spec.name, isExported: spec.exported, parameters: spec.params.map(([name, type]) => ({ name, type })),
      returnType: spec.returns, statements: spec.body, docs: [spec.doc],
    };
    this.list.push(f);
  }

  iface(i: Omit<InterfaceDeclarationStructure, 'kind'>): void {
    this.list.push({ ...i, kind: this.K.Interface });
  }

  variable(kind: VariableStatementStructure['declarationKind'], name: string, type: string | undefined, init: string, doc: string, exported = false): void {
    this.list.push({
      kind: this.K.VariableStatement, isExported: exported, declarationKind: kind, docs: [doc],
      declarations: [{ name, ...(type ? { type } : {}), initializer: init }],
    });
  }
}

/** The State interface, createState and reset of a streaming model (the C's NAME_state and NAME_reset). */
function addState(out: Statements, q: QuantModel, plan: ReturnType<typeof planModel>): void {
  const bufW = maxOf(q.layers.map((l) => (isQRecurrent(l) ? 0 : l.units)));
  out.iface({
    name: 'State', isExported: true,
    docs: ['The whole recurrent state (the C\'s NAME_state, field for field) and the scratch of one step. Any number of\n'
      + 'states run side by side; copy the fields (typed arrays) to save and restore one. Each field holds one value per unit\n'
      + 'in the format noted: to start from a state of your own, reset(s), then set fields to sat(floor(real * 2^frac + 0.5)).'],
    properties: [
      ...plan.stateFields.map((f) => ({ name: f.field, isReadonly: true, type: f.ctype === 'int32_t' ? 'Int32Array' : 'Int16Array', docs: [f.comment] })),
      { name: 'scratch', isReadonly: true, type: 'Scratch', docs: ['Scratch of one step: not state (written before it is read).'] },
      { name: 'buf0', isReadonly: true, type: 'Int16Array', docs: ['Scratch: dense and conv outputs between layers.'] },
      { name: 'buf1', isReadonly: true, type: 'Int16Array', docs: ['Scratch: dense and conv outputs between layers.'] },
    ],
  });
  const fields = plan.stateFields.map((f) => `${f.field}: new ${f.ctype === 'int32_t' ? 'Int32Array' : 'Int16Array'}(${f.units}),`);
  out.fn({
    name: 'createState', exported: true, params: [], returns: 'State', doc: 'A new state, reset.',
    body: ['const s: State = {', ...fields.map((f) => `  ${f}`), `  scratch: ${scratchInit(q)},`,
      `  buf0: new Int16Array(${bufW}),`, `  buf1: new Int16Array(${bufW}),`, '};', 'reset(s);', 'return s;'],
  });
  const resets = plan.stateFields.map((f) => {
    const m = /^l(\d+)_([hc])$/.exec(f.field);
    const l = m ? q.layers[Number(m[1])] : undefined;
    const init = l && isQRecurrent(l) ? (m![2] === 'h' ? l.forward.h0 : l.forward.c0) : undefined;
    return init ? `s.${f.field}.set(L${m![1]}F_${m![2]!.toUpperCase()}0);` : `s.${f.field}.fill(0);`;
  });
  out.fn({
    name: 'reset', exported: true, params: [['s', 'State']], returns: 'void', body: resets.length > 0 ? resets : ['void s;'],
    doc: plan.initialState ? 'Load the model\'s initial state (its h0/c0 tables): the start of a new sequence.' : 'Zero the state: the start of a new sequence.',
  });
}

/** run's buffers of a whole-sequence model, made at its first call (the C's static sequence buffers). */
function addRunBuffers(out: Statements, q: QuantModel): void {
  const units = maxOf(q.layers.filter(isQRecurrent).map((l) => l.units));
  const convs = q.layers.flatMap((l, i) => (l.type === 'conv1d' && l.kernelSize > 1
    ? [{ i, ring: (l.kernelSize - 1) * l.dilation * (l.mm.cols / l.kernelSize) }] : []));
  const ssms = q.layers.flatMap((l, i) => (l.type === 'ssm' ? [{ i, h: l.units * l.stateSize, hist: (l.convSize - 1) * l.units }] : []));
  out.iface({
    // An encoder–decoder's State holds them (State.run): exported with it.
    name: 'RunBuffers', isExported: q.decoder !== undefined,
    docs: ['run\'s buffers: two sequences of MAX_SEQ steps, one direction\'s state, scratch, the conv histories and each ssm\'s state.'],
    properties: [
      { name: 'seq0', type: 'Int16Array' }, { name: 'seq1', type: 'Int16Array' }, { name: 'h', type: 'Int16Array' }, { name: 'c', type: 'Int32Array' },
      { name: 'scratch', type: 'Scratch' },
      ...convs.flatMap(({ i }) => [{ name: `l${i}_x`, type: 'Int16Array' }, { name: `l${i}_pos`, type: 'Int16Array' }]),
      ...ssms.flatMap(({ i, hist }) => [{ name: `l${i}_h`, type: 'Int32Array' }, ...(hist > 0 ? [{ name: `l${i}_x`, type: 'Int16Array' }] : [])]),
    ].map((p) => ({ ...p, isReadonly: true })),
  });
  const w = seqWidth(q);
  out.fn({
    name: 'createRunBuffers', exported: false, params: [], returns: 'RunBuffers', doc: 'run\'s buffers.',
    body: [
      'return {',
      `  seq0: new Int16Array(MAX_SEQ * ${w}),`, `  seq1: new Int16Array(MAX_SEQ * ${w}),`,
      `  h: new Int16Array(${units}),`, `  c: new Int32Array(${units}),`, `  scratch: ${scratchInit(q)},`,
      ...convs.flatMap(({ i, ring }) => [`  l${i}_x: new Int16Array(${ring}),`, `  l${i}_pos: new Int16Array(1),`]),
      ...ssms.flatMap(({ i, h, hist }) => [`  l${i}_h: new Int32Array(${h}),`, ...(hist > 0 ? [`  l${i}_x: new Int16Array(${hist}),`] : [])]),
      '};',
    ],
  });
}

/** NAME.ts for a quantized model; `runtime` is the text of runtime-ts/rnnc_twin.ts. */
export async function emitTwin(q: QuantModel, runtime: string, opts: TwinOptions): Promise<TwinFile> {
  // The C plan: the model's checks, the header's summary and the state fields with their formats.
  const plan = planModel(q, TWIN_VIEW, opts);
  const consts = new Consts();
  const luts = declareTables(q, consts);
  const names = declareLayers(q, consts, luts);
  if (q.decoder) declareDecoder(q, q.decoder, consts, luts);
  const norm = q.input.normalization;
  if (norm) {
    consts.array('IN_MEAN', 'Float32Array', norm.mean, 'input normalisation: mean (float32, as the C\'s table)');
    consts.array('IN_STD', 'Float32Array', norm.std, 'input normalisation: std (float32, as the C\'s table)');
  }

  const { IndentationText, Project, QuoteKind, StructureKind, VariableDeclarationKind, ts } = await import('ts-morph');
  // Two parts: the constants and typed-array tables, printed as they are (formatting
  // thousands of numbers would take seconds), then the parameter objects and functions,
  // formatted (the printer indents every line of a multi-line initializer one level more).
  const data = new Statements(StructureKind);
  const out = new Statements(StructureKind);
  const constant = (name: string, value: number, doc: string) => data.variable(VariableDeclarationKind.Const, name, undefined, String(value), doc, true);
  data.list.push('// The model.');
  constant('INPUT_SIZE', q.inputSize, 'Values per input timestep.');
  constant('OUTPUT_SIZE', q.outputSize, 'Values per output vector.');
  constant('INPUT_FRAC_BITS', q.input.frac, 'Fractional bits of the int16 inputs: x_int = round(x * 2^INPUT_FRAC_BITS).');
  constant('OUTPUT_FRAC_BITS', q.output.frac, 'Fractional bits of the int16 outputs: y = y_int / 2^OUTPUT_FRAC_BITS.');
  if (q.decoder) {
    // The C's constants and return values (model.h.hbs), and ERR_SIZE for a short array (C cannot tell).
    constant('MAX_SEQ', opts.maxSeq, 'Encoder steps the memory holds (rnnc compile --max-seq).');
    constant('STEPS', q.decoder.steps, 'Output vectors of one decode (fewer when the end class comes).');
    constant('MEM_WIDTH', memWidth(q), 'Values per memory row: the last encoder layer\'s output.');
    constant('OK', 0, 'encodeStep\'s result: done.');
    constant('ERR_FULL', 2, 'encodeStep\'s result: the memory already holds MAX_SEQ steps (the step is dropped).');
    constant('ERR_EMPTY', -1, 'decode\'s result before any encoder step (otherwise the count of outputs written).');
    constant('ERR_NOT_BEGUN', -2, 'decodeStep\'s result when no decoding is under way (nothing written).');
    constant('ERR_SIZE', -3, 'encodeStep\'s, decode\'s or decodeStep\'s result: an array too short.');
  } else {
    constant('OUTPUT_PER_STEP', plan.outputPerStep ? 1 : 0, '1: run writes one output vector per timestep; 0: one per sequence.');
    constant('OK', 0, 'run\'s result: done.');
    constant('ERR_SIZE', 1, 'run\'s result: T out of range, or an array too short.');
    if (!plan.streaming) constant('MAX_SEQ', opts.maxSeq, 'Longest sequence run accepts (rnnc compile --max-seq).');
  }
  for (const c of consts.list) (c.type === undefined ? data : out).variable(VariableDeclarationKind.Const, c.name, c.type, c.init, c.doc);
  if (q.decoder) {
    if (!plan.streaming) addRunBuffers(out, q);
    decoderApi(out, q, q.decoder, plan, names, scratchInit(q), maxOf(q.layers.map((l) => (isQRecurrent(l) ? 0 : l.units))));
  } else if (plan.streaming) {
    addState(out, q, plan);
    out.variable(VariableDeclarationKind.Let, 'runState', 'State | null', 'null', 'run\'s own state, made at its first call.');
    for (const f of streamingFunctions(q, names)) out.fn(f);
  } else {
    addRunBuffers(out, q);
    out.variable(VariableDeclarationKind.Let, 'runBuffers', 'RunBuffers | null', 'null', 'run\'s buffers, made at its first call.');
    out.fn(sequenceRun(q, names));
  }
  out.fn({
    name: 'quantizeInput', exported: true, params: [['x', 'ArrayLike<number>'], ['xq', 'Int16Array']], returns: 'void',
    body: [`quantizeInputF32(x, ${norm ? 'IN_MEAN, IN_STD' : 'null, null'}, 2 ** ${q.input.frac}, xq, INPUT_SIZE);`],
    doc: 'One timestep of real inputs to int16: sat16(round((x - mean) / std * 2^INPUT_FRAC_BITS)), in float32 as the C\'s\n'
      + 'NAME_quantize_input, so both give the same integers for every input.',
  });
  out.fn({
    name: 'dequantizeOutput', exported: true, params: [['yq', 'Int16Array'], ['y', 'Float32Array | Float64Array | number[]']], returns: 'void',
    body: [`for (let i = 0; i < OUTPUT_SIZE; i++) y[i] = yq[i]! * 2 ** ${-q.output.frac};`],
    doc: 'One output vector to real values: y / 2^OUTPUT_FRAC_BITS (exact in float32, as the C\'s NAME_dequantize_output).',
  });

  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single },
  });
  // Two files, joined at the end: the model printed once from its structures, and the
  // runtime cut down to what the model reaches (editing one big file would re-parse it per edit).
  const tables = project.createSourceFile('tables.ts', { statements: data.list });
  const code = project.createSourceFile('code.ts', { statements: out.list });
  pruneModel([tables, code], ts);
  code.formatText({ indentSize: 2, tabSize: 2, convertTabsToSpaces: true });
  const rt = project.createSourceFile('runtime.ts', runtimeBody(runtime, plan.version));
  for (const s of rt.getStatements()) {
    if (!(s.isKind(ts.SyntaxKind.FunctionDeclaration) || s.isKind(ts.SyntaxKind.InterfaceDeclaration) || s.isKind(ts.SyntaxKind.TypeAliasDeclaration)
      || s.isKind(ts.SyntaxKind.VariableStatement))) {
      throw new RnncError('internal/bug', `the TypeScript twin runtime holds a statement that is not a declaration: ${s.getKindName()}`);
    }
  }
  pruneRuntime(rt, namesUsed(code.compilerNode, ts, namesUsed(tables.compilerNode, ts)), ts);
  // The runtime's declarations are the module's own; only Scratch and DecoderWork are named by the API (State.scratch, State.dec).
  for (const s of rt.getStatements()) {
    if (s.isKind(ts.SyntaxKind.FunctionDeclaration) || s.isKind(ts.SyntaxKind.InterfaceDeclaration) || s.isKind(ts.SyntaxKind.TypeAliasDeclaration)
      || s.isKind(ts.SyntaxKind.VariableStatement)) {
      s.setIsExported(s.isKind(ts.SyntaxKind.InterfaceDeclaration) && (s.getName() === 'Scratch' || s.getName() === 'DecoderWork'));
    }
  }
  const parts = [rt, tables, code].map((f) => f.getFullText().trim());
  return { name: `${q.name}.ts`, content: `${header(q, plan)}${parts.join('\n\n')}\n` };
}
