/**
 * Malformed models through the real command line (`rnnc inspect`): each case must
 * exit 2 with exactly one stderr line naming the problem, and print nothing on stdout.
 *
 * The base model is valid: a bidirectional GRU (8 → 2×20), an LSTM (40 → 24) and a
 * softmax dense head (24 → 3). Each case changes one thing, as parsed JSON (`mutate`)
 * or as text (`text`, for what JSON.parse itself refuses).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelToJson } from '../../src/ir/io.js';
import { randomModel } from '../../src/ir/random.js';
import { rnnc } from '../helpers/run-cli.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- mutations reach into raw JSON */
type Json = any;

interface Case {
  name: string;
  mutate?: (m: Json) => void;
  text?: (json: string) => string;
  /** The model path to pass instead of the written file (missing files, directories). */
  path?: (dir: string, file: string) => string;
  /** Matched against the whole stderr line after `rnnc: <file>: ` (or after `rnnc: ` with `bare`). */
  expected: RegExp;
  bare?: boolean;
}

const base = randomModel({
  name: 'kws',
  inputSize: 8,
  layers: [
    { type: 'gru', units: 20, returnSequences: true, bidirectional: 'concat' },
    { type: 'lstm', units: 24 },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
  normalization: true,
}, 5);
const baseText = modelToJson(base);
const lstm = (m: Json) => m.layers[1];
const gru = (m: Json) => m.layers[0];
const name = (n: string) => (m: Json) => { m.name = n; };

const CASES: Case[] = [
  // JSON syntax
  { name: 'truncated JSON', text: (s) => s.slice(0, 200), expected: /^malformed JSON: .+$/ },
  { name: 'empty file', text: () => '', expected: /^malformed JSON: Unexpected end of JSON input$/ },
  { name: 'bare NaN token', text: (s) => s.replace(/("bias": \[)[^,]+/, '$1NaN'), expected: /^line \d+: NaN is not a number in JSON \(weights must be finite\)$/ },
  { name: 'bare Infinity token', text: (s) => s.replace(/("std": \[)[^,]+/, '$1Infinity'), expected: /^line \d+: Infinity is not a number in JSON \(weights must be finite\)$/ },
  { name: 'bare -Infinity token', text: (s) => s.replace(/("mean": \[)[^,]+/, '$1-Infinity'), expected: /^line \d+: -Infinity is not a number in JSON \(weights must be finite\)$/ },
  { name: '1e999 (parses as Infinity)', text: (s) => s.replace(/("bias": \[)[^,]+/, '$11e999'), expected: /^layers\[0\]\.weights\.bias\[0\]: expected a finite number, got Infinity$/ },
  { name: 'an absurd finite weight (1e308)', text: (s) => s.replace(/("bias": \[)[^,]+/, '$11e308'), expected: /^layers\[0\]\.weights\.bias\[0\]: \|1e\+308\| is beyond any trained weight \(at most 1e\+6\)$/ },
  { name: 'a JSON array instead of an object', text: () => '[]', expected: /^expected a JSON object with "format": "rnnc-model"$/ },
  // header
  { name: 'wrong format', mutate: (m) => { m.format = 'keras'; }, expected: /^format: expected "rnnc-model", got "keras" \(is this an rnnc model\.json\?\)$/ },
  { name: 'missing format', mutate: (m) => { delete m.format; }, expected: /^format: expected "rnnc-model", missing \(is this an rnnc model\.json\?\)$/ },
  { name: 'unsupported version', mutate: (m) => { m.version = 2; }, expected: /^version: this rnnc reads version 1, got 2$/ },
  // fields
  { name: 'missing layers', mutate: (m) => { delete m.layers; }, expected: /^layers: missing \(expected an array\)$/ },
  { name: 'missing inputSize', mutate: (m) => { delete m.inputSize; }, expected: /^inputSize: missing \(expected a finite number\)$/ },
  { name: 'missing units', mutate: (m) => { delete lstm(m).units; }, expected: /^layers\[1\]\.units: missing \(expected a finite number\)$/ },
  { name: 'missing resetAfter on a gru', mutate: (m) => { delete gru(m).resetAfter; }, expected: /^layers\[0\]\.resetAfter: missing \(expected true or false\)$/ },
  { name: 'extra top-level field', mutate: (m) => { m.author = 'me'; }, expected: /^\(top level\): unknown field 'author'$/ },
  { name: 'extra layer field', mutate: (m) => { lstm(m).dropout = 0.2; }, expected: /^layers\[1\]: unknown field 'dropout'$/ },
  { name: 'extra weights field', mutate: (m) => { lstm(m).weights.peephole = []; }, expected: /^layers\[1\]\.weights: unknown field 'peephole'$/ },
  { name: 'too many layers', mutate: (m) => { m.layers.push(...Array.from({ length: 62 }, () => ({ type: 'dense', units: 3, activation: 'linear', weights: { kernel: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], bias: [0, 0, 0] } }))); }, expected: /^layers: expected at most 64 layers, got 65$/ },
  { name: 'empty layer list', mutate: (m) => { m.layers = []; }, expected: /^layers: expected at least one layer$/ },
  // shapes
  { name: 'kernel one row short', mutate: (m) => { lstm(m).weights.kernel.pop(); }, expected: /^layers\[1\]\.weights\.kernel: expected 96×40, got 95×40$/ },
  { name: 'kernel one column short', mutate: (m) => { for (const r of lstm(m).weights.kernel) r.pop(); }, expected: /^layers\[1\]\.weights\.kernel: expected 96×40, got 96×39$/ },
  { name: 'ragged kernel rows', mutate: (m) => { lstm(m).weights.kernel[5].pop(); }, expected: /^layers\[1\]\.weights\.kernel: expected 96×40, got 96 ragged rows$/ },
  { name: 'recurrent kernel transposed', mutate: (m) => { const k = lstm(m).weights.recurrentKernel; lstm(m).weights.recurrentKernel = k[0].map((_: number, c: number) => k.map((r: number[]) => r[c])); }, expected: /^layers\[1\]\.weights\.recurrentKernel: expected 96×24, got 24×96$/ },
  { name: 'bias too long', mutate: (m) => { lstm(m).weights.bias.push(0); }, expected: /^layers\[1\]\.weights\.bias: expected 96 values, got 97$/ },
  { name: 'dense kernel for a unidirectional input', mutate: (m) => { m.layers[2].weights.kernel = m.layers[2].weights.kernel.map((r: number[]) => [...r, ...r]); }, expected: /^layers\[2\]\.weights\.kernel: expected 3×24, got 3×48$/ },
  { name: 'a vector where a matrix belongs', mutate: (m) => { m.layers[2].weights.kernel = [1, 2, 3]; }, expected: /^layers\[2\]\.weights\.kernel\[0\]: expected an array, got 1 \(and 2 more elements like it\)$/ },
  // values
  { name: 'weight as the string "NaN"', mutate: (m) => { lstm(m).weights.kernel[3][7] = 'NaN'; }, expected: /^layers\[1\]\.weights\.kernel\[3\]\[7\]: expected a finite number, got "NaN"$/ },
  { name: 'weight as a numeric string', mutate: (m) => { lstm(m).weights.bias[0] = '0.5'; }, expected: /^layers\[1\]\.weights\.bias\[0\]: expected a finite number, got "0\.5"$/ },
  { name: 'weight null', mutate: (m) => { gru(m).backwardWeights.recurrentBias[2] = null; }, expected: /^layers\[0\]\.backwardWeights\.recurrentBias\[2\]: expected a finite number, got null$/ },
  // layer kinds and options
  { name: 'unknown layer type', mutate: (m) => { lstm(m).type = 'conv2d'; }, expected: /^layers\[1\]\.type: unknown layer type "conv2d"; supported: rnn, lstm, gru, mingru, minlstm, dense, conv1d, ssm$/ },
  { name: 'missing layer type', mutate: (m) => { delete m.layers[2].type; }, expected: /^layers\[2\]\.type: missing layer type; supported: rnn, lstm, gru, mingru, minlstm, dense, conv1d, ssm$/ },
  { name: 'bad activation', mutate: (m) => { m.layers[2].activation = 'gelu'; }, expected: /^layers\[2\]\.activation: expected one of "linear", "relu", "tanh", "sigmoid", "softmax", got "gelu"$/ },
  { name: 'bad merge mode', mutate: (m) => { gru(m).bidirectional = 'mul'; }, expected: /^layers\[0\]\.bidirectional: expected one of "concat", "sum", got "mul"$/ },
  // names
  { name: 'name with a quote', mutate: name('kw"s'), expected: /^name: "kw\\"s" is not a safe C identifier: use lower-case letters, digits and '_', starting with a letter$/ },
  { name: 'name with a comment end', mutate: name('a*/b'), expected: /^name: "a\*\/b" is not a safe C identifier/ },
  { name: 'name with a space', mutate: name('my net'), expected: /^name: "my net" is not a safe C identifier/ },
  { name: 'name in upper case', mutate: name('Kws'), expected: /^name: "Kws" is not a safe C identifier/ },
  { name: 'name starting with a digit', mutate: name('1net'), expected: /^name: "1net" is not a safe C identifier/ },
  { name: 'name a C keyword', mutate: name('int'), expected: /^name: "int" is a reserved word in C or C\+\+$/ },
  { name: 'name too long', mutate: name('keyword_spotter'), expected: /^name: "keyword_spotter" is 15 characters long; at most 12 keep every generated symbol within C99's 31 significant characters$/ },
  { name: "name with the runtime's prefix", mutate: name('rnnc_kws'), expected: /^name: "rnnc_kws" must not start with 'rnnc_' \(reserved for the runtime\)$/ },
  { name: 'name with a double underscore', mutate: name('kws__a'), expected: /^name: "kws__a" must not contain '__' \(reserved in C and C\+\+\)$/ },
  { name: 'name ending in an underscore', mutate: name('kws_'), expected: /^name: "kws_" must not end with '_' \(generated symbols would contain '__'\)$/ },
  { name: 'empty name', mutate: name(''), expected: /^name: must not be empty$/ },
  // sizes
  { name: 'absurd units', mutate: (m) => { m.layers[2].units = 5000; }, expected: /^layers\[2\]\.units: expected an integer from 1 to 4096, got 5000$/ },
  { name: 'zero units', mutate: (m) => { m.layers[2].units = 0; }, expected: /^layers\[2\]\.units: expected an integer from 1 to 4096, got 0$/ },
  { name: 'fractional units', mutate: (m) => { m.layers[2].units = 2.5; }, expected: /^layers\[2\]\.units: expected an integer, got 2\.5$/ },
  { name: 'absurd inputSize', mutate: (m) => { m.inputSize = 100000; }, expected: /^inputSize: expected an integer from 1 to 4096, got 100000$/ },
  // structure
  { name: 'recurrent layer after returnSequences false', mutate: (m) => { gru(m).returnSequences = false; }, expected: /^layers\[1\]: a lstm layer needs a sequence, but layers\[0\] has returnSequences false$/ },
  { name: 'bidirectional without backwardWeights', mutate: (m) => { delete gru(m).backwardWeights; }, expected: /^layers\[0\]\.backwardWeights: required because bidirectional is 'concat'$/ },
  { name: 'backwardWeights without bidirectional', mutate: (m) => { lstm(m).backwardWeights = lstm(m).weights; }, expected: /^layers\[1\]\.backwardWeights: present but the layer is not bidirectional$/ },
  { name: 'recurrentBias on resetAfter false', mutate: (m) => { gru(m).resetAfter = false; }, expected: /^2 problems: layers\[0\]\.weights\.recurrentBias: only a GRU with resetAfter true has a recurrent bias; remove it or fold it into bias; layers\[0\]\.backwardWeights\.recurrentBias: only/ },
  { name: 'recurrentBias on an lstm', mutate: (m) => { lstm(m).weights.recurrentBias = lstm(m).weights.bias; }, expected: /^layers\[1\]\.weights\.recurrentBias: only a GRU with resetAfter true has a recurrent bias; remove it or fold it into bias$/ },
  { name: 'missing recurrentBias', mutate: (m) => { delete gru(m).weights.recurrentBias; }, expected: /^layers\[0\]\.weights\.recurrentBias: required for a GRU with resetAfter true \(60 values\)$/ },
  // normalisation
  { name: 'normalisation std 0', mutate: (m) => { m.normalization.std[2] = 0; }, expected: /^normalization\.std\[2\]: expected a positive number, got 0$/ },
  { name: 'normalisation std negative', mutate: (m) => { m.normalization.std[0] = -1; }, expected: /^normalization\.std\[0\]: expected a positive number, got -1$/ },
  { name: 'normalisation mean too short', mutate: (m) => { m.normalization.mean.pop(); }, expected: /^normalization\.mean: expected 8 values, got 7$/ },
  { name: 'normalisation without std', mutate: (m) => { delete m.normalization.std; }, expected: /^normalization\.std: missing \(expected an array\)$/ },
  // files
  { name: 'missing file', path: (dir) => join(dir, 'nope.json'), bare: true, expected: /^cannot read \S+nope\.json: no such file or directory$/ },
  { name: 'a directory as the model path', path: (dir) => dir, bare: true, expected: /^cannot read \S+: it is a directory; rnnc reads regular files only$/ },
  { name: 'a path through a file (unreadable)', path: (_dir, file) => join(file, 'model.json'), bare: true, expected: /^cannot read \S+: a parent is not a directory$/ },
];

const root = mkdtempSync(join(tmpdir(), 'rnnc-malformed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe(`malformed models through \`rnnc inspect\` (${CASES.length} cases): exit 2, one line`, () => {
  CASES.forEach((c, i) => {
    it(c.name, async () => {
      const dir = join(root, String(i));
      mkdirSync(dir);
      const file = join(dir, 'model.json');
      let text = baseText;
      if (c.mutate) {
        const m = JSON.parse(baseText) as Json;
        c.mutate(m);
        text = JSON.stringify(m, null, 1);
      }
      writeFileSync(file, c.text ? c.text(text) : text);
      const path = c.path ? c.path(dir, file) : file;
      const r = await rnnc(['inspect', path]);
      expect(r.stdout).toBe('');
      expect(r.stderr.endsWith('\n') && !r.stderr.slice(0, -1).includes('\n'), `one line: ${r.stderr}`).toBe(true);
      const prefix = c.bare ? 'rnnc: ' : `rnnc: ${path}: `;
      expect(r.stderr.startsWith(prefix), r.stderr).toBe(true);
      expect(r.stderr.slice(prefix.length, -1)).toMatch(c.expected);
      expect(r.exitCode).toBe(2);
    });
  });

  it('the base model itself is accepted', async () => {
    const file = join(root, 'base.json');
    writeFileSync(file, baseText);
    const r = await rnnc(['inspect', file]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
});
