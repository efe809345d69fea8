/**
 * The built command line end to end: version, help, `inspect` (text and --json, with
 * parameter counts checked against TensorFlow.js' countParams), `run` on JSON and CSV
 * sequences, and its one-line errors and exit codes.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFloat } from '../../src/float/model.js';
import { saveModel } from '../../src/ir/io.js';
import { type LayerSpec, randomModel, randomSequence } from '../../src/ir/random.js';
import { buildTfjsArchitecture, useTfjsCpu } from '../helpers/keras.js';
import { BIN, rnnc } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** inputSize 6 → bidirectional GRU 2×16 (sequences) → bidirectional GRU 2×12 (last) → dense 5. */
function biGru(resetAfter: boolean): LayerSpec[] {
  return [
    { type: 'gru', units: 16, returnSequences: true, bidirectional: 'concat', resetAfter },
    { type: 'gru', units: 12, bidirectional: 'concat', resetAfter },
    { type: 'dense', units: 5, activation: 'softmax' },
  ];
}

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function oneLine(stderr: string): string {
  expect(stderr.endsWith('\n') && !stderr.slice(0, -1).includes('\n'), `one line: ${stderr}`).toBe(true);
  return stderr.slice(0, -1);
}

describe('version and help', () => {
  it('--version prints the package version', async () => {
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    const r = await rnnc(['--version']);
    expect(r).toMatchObject({ exitCode: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists every command on stdout', async () => {
    const r = await rnnc(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: rnnc \[options\] \[command\]/);
    expect(r.stdout).toMatch(/^\s+inspect \[options\] <model>/m);
    expect(r.stdout).toMatch(/^\s+run \[options\] <model>/m);
  });

  for (const cmd of ['inspect', 'run']) {
    it(`${cmd} --help shows its usage and options`, async () => {
      const r = await rnnc([cmd, '--help']);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: rnnc ${cmd} \\[options\\] <model>`));
      expect(r.stdout).toContain('--json');
    });
  }

  it('no command prints the help on stderr and exits 2', async () => {
    const r = await rnnc([]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: rnnc/);
  });

  it('an unknown command or option is one line, exit 2', async () => {
    const a = await rnnc(['compilee']);
    expect([a.exitCode, oneLine(a.stderr)]).toEqual([2, "rnnc: unknown command 'compilee'"]);
    const b = await rnnc(['inspect', '--bogus', 'x.json']);
    expect([b.exitCode, oneLine(b.stderr)]).toEqual([2, "rnnc: unknown option '--bogus'"]);
  });
});

describe('inspect', () => {
  beforeAll(useTfjsCpu);

  for (const resetAfter of [false, true]) {
    it(`--json of a 2-layer bidirectional GRU (resetAfter ${resetAfter}) + dense: Keras' parameter count, MACs`, async () => {
      const model = randomModel({ inputSize: 6, layers: biGru(resetAfter) }, 1);
      const path = join(dir, `bigru-${resetAfter}.json`);
      saveModel(model, path);
      const r = await rnnc(['inspect', path, '--json']);
      expect(r.exitCode).toBe(0);
      const s = JSON.parse(r.stdout) as { params: number; macsPerStep: number; layers: Array<{ params: number }>; bidirectional: boolean };
      // Keras: 3·U·(I+U+1) per direction without the reset-after recurrent bias, +U·3 with it.
      const keras = resetAfter
        ? 2 * 3 * 16 * (6 + 16 + 2) + 2 * 3 * 12 * (32 + 12 + 2) + 5 * (24 + 1)
        : buildTfjsArchitecture(model).countParams(); // tfjs cannot build resetAfter true
      expect(s.params).toBe(keras);
      expect(s.params).toBe(resetAfter ? 5741 : 5573);
      expect(s.layers.map((l) => l.params)).toEqual(resetAfter ? [2304, 3312, 125] : [2208, 3240, 125]);
      // 2·3·U·(I+U) per bidirectional GRU layer, U·I for the dense head.
      expect(s.macsPerStep).toBe(2 * 3 * 16 * (6 + 16) + 2 * 3 * 12 * (32 + 12) + 5 * 24);
      expect(s.bidirectional).toBe(true);
    });
  }

  it('prints a table and the totals', async () => {
    const path = join(dir, 'lstm.json');
    saveModel(randomModel({ name: 'kws', inputSize: 4, layers: [{ type: 'lstm', units: 8 }, { type: 'dense', units: 2, activation: 'sigmoid' }], normalization: true }, 2), path);
    const r = await rnnc(['inspect', path]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('model kws: 4 inputs -> 2 outputs per sequence, input normalisation');
    expect(r.stdout).toMatch(/^0 +lstm +8 +4 -> 8 +last +416 +384$/m);
    expect(r.stdout).toMatch(/^1 +dense +2 +8 -> 2 +sigmoid +18 +16$/m);
    expect(r.stdout).toMatch(/^total: 434 parameters, 400 MACs per timestep$/m);
  });
});

describe('run', () => {
  const model = randomModel({ inputSize: 3, layers: [{ type: 'gru', units: 6, returnSequences: true }, { type: 'dense', units: 2, activation: 'tanh' }], weightScale: 2, normalization: true }, 3);
  const xs = randomSequence(3, 20, 4, 5);
  const expected = runFloat(model, xs).map((v) => Array.from(v));
  const modelPath = join(dir, 'run-model.json');
  beforeAll(() => saveModel(model, modelPath));

  it('--json on a JSON sequence: exactly the float reference', async () => {
    const r = await rnnc(['run', modelPath, '--input', write('seq.json', JSON.stringify(xs)), '--json']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ outputs: expected });
  });

  it('--json on a CSV sequence with a header row: the same outputs', async () => {
    const csv = ['a,b,c', ...xs.map((x) => x.map(String).join(','))].join('\n') + '\n';
    const r = await rnnc(['run', modelPath, '-i', write('seq.csv', csv), '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ outputs: expected });
  });

  it('text output: one line per timestep, 6 significant digits', async () => {
    const r = await rnnc(['run', modelPath, '-i', join(dir, 'seq.json')]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe(`t=0: ${expected[0]!.map((v) => String(Number(v.toPrecision(6)))).join(' ')}`);
  });

  it('an encoder–decoder model: its K outputs, labelled k, and inspect says so; quantize, run --fixed, compile, verify and the TypeScript twin take it', async () => {
    const f = JSON.parse(readFileSync(new URL('../fixtures/torch/seq2seq_bahdanau_lstm.json', import.meta.url), 'utf8')) as { model: unknown; input: number[][]; output: number[][] };
    const path = write('s2s.json', JSON.stringify(f.model));
    const r = await rnnc(['run', path, '-i', write('s2s-in.json', JSON.stringify(f.input))]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trimEnd().split('\n').map((l) => l.split(':')[0])).toEqual(['k=0', 'k=1', 'k=2', 'k=3', 'k=4', 'k=5']);
    const i = await rnnc(['inspect', path]);
    expect(i.stdout).toMatch(/^model s2s: 3 inputs -> 6 outputs of 2 after the sequence \(encoder–decoder\)$/m);
    expect(i.stdout).toMatch(/^decoder: lstm 8 units, 6 outputs of 2, feedback prediction, init copy, attention bahdanau \(A = 5\) into input; 716 parameters$/m);
    const qpath = join(dir, 's2s.q.json');
    const q = await rnnc(['quantize', path, '-o', qpath, '--data', write('s2s-calib.json', JSON.stringify([f.input]))]);
    expect(q.exitCode).toBe(0);
    expect(q.stdout).toMatch(/^decoder: memory Q0\.15, feedback prediction Q\d+\.\d+, init copy; cell lstm in Q\d+\.\d+, cell int(16|32) Q\d+\.\d+; attention bahdanau into input, scores Q\d+\.\d+; projection linear in Q0\.15, out Q\d+\.\d+ \(calibrated .*\)$/m);
    expect(q.stdout).toMatch(/^decoder error over its outputs: max [\d.e-]+, rms [\d.e-]+$/m);
    const fixed = await rnnc(['run', qpath, '-i', join(dir, 's2s-in.json')]);
    expect(fixed.stdout.trimEnd().split('\n').map((l) => l.split(':')[0])).toEqual(['k=0', 'k=1', 'k=2', 'k=3', 'k=4', 'k=5']);
    const c = await rnnc(['compile', qpath, '-o', join(dir, 's2s-c'), '--max-seq', '16']);
    expect(c.exitCode).toBe(0);
    expect(c.stdout).toMatch(/^ {2}RAM: {3}state [\d,]+ B \(memory buffer and keys [\d,]+\), /m);
    expect(c.stdout).toMatch(/^ {2}MACs per encoder step: [\d,]+; per decoder step: [\d,]+ /m);
    expect(readFileSync(join(dir, 's2s-c', 's2s.h'), 'utf8')).toMatch(/int s2s_decode\(s2s_state \*s, int16_t \*y, int32_t k_max\);/);
    const v = await rnnc(['verify', qpath, '--max-seq', '16', '--cases', '4']);
    expect([v.exitCode, v.stdout]).toEqual([0, expect.stringMatching(/^s2s on host: \d+ outputs compared in \d+ cases, all bit-exact\n$/)]);
    const big = await rnnc(['compile', qpath, '-o', join(dir, 's2s-big'), '--max-seq', '5000']);
    expect([big.exitCode, big.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(big.stderr).toMatch(/--max-seq 5000: an encoder–decoder's memory holds at most 4096 encoder steps/);
    const twin = await rnnc(['compile', qpath, '-o', join(dir, 's2s-ts'), '--target', 'typescript']);
    expect([twin.exitCode, twin.stderr]).toEqual([0, '']);
    expect(readFileSync(join(dir, 's2s-ts', 's2s.ts'), 'utf8')).toMatch(/export function decode\(s: State, y: Int16Array, kMax: number\): number \{/);
  });

  it('a many-to-one model prints one "output" line', async () => {
    const m = randomModel({ inputSize: 3, layers: [{ type: 'rnn', units: 4 }] }, 5);
    const path = join(dir, 'm2o.json');
    saveModel(m, path);
    const r = await rnnc(['run', path, '-i', join(dir, 'seq.json')]);
    expect(r.stdout).toMatch(/^output: (-?[\d.e-]+ ){3}-?[\d.e-]+\n$/);
  });

  it('a wrong feature count is one line, exit 2', async () => {
    const r = await rnnc(['run', modelPath, '-i', write('wide.json', JSON.stringify([[1, 2, 3], [1, 2, 3, 4]]))]);
    expect([r.exitCode, oneLine(r.stderr), r.stdout]).toEqual([2, `rnnc: ${join(dir, 'wide.json')}: timestep 1 has 4 features, but the model takes 3`, '']);
  });

  it('a CSV with too few columns for the model is one line, exit 2', async () => {
    const r = await rnnc(['run', modelPath, '-i', write('narrow.csv', '1,2\n3,4\n')]);
    expect([r.exitCode, oneLine(r.stderr)]).toEqual([2, `rnnc: ${join(dir, 'narrow.csv')}: timestep 0 has 2 features, but the model takes 3`]);
  });

  it('a bad sequence file is one line, exit 2', async () => {
    const csv = write('bad.csv', '1,2,3\n4,x,6\n');
    const r = await rnnc(['run', modelPath, '-i', csv]);
    expect([r.exitCode, oneLine(r.stderr)]).toEqual([2, `rnnc: ${csv}: line 2, column 2: expected a decimal number, got "x"`]);
    const json = write('bad.json', '[[1, 2, "3"]]');
    const j = await rnnc(['run', modelPath, '-i', json]);
    expect([j.exitCode, oneLine(j.stderr)]).toEqual([2, `rnnc: ${json}: [0][2]: expected a finite number, got "3"`]);
  });

  it('a missing --input is one line, exit 2', async () => {
    const r = await rnnc(['run', modelPath]);
    expect([r.exitCode, oneLine(r.stderr)]).toEqual([2, "rnnc: required option '-i, --input <file>' not specified"]);
  });

  it('a reader that stops early (| head) ends the run quietly', async () => {
    const long = write('long.json', JSON.stringify(randomSequence(3, 20000, 6)));
    const r = await execa('node', [BIN, 'run', modelPath, '-i', long], { reject: false }).pipe('head', ['-c', '20']);
    expect(r.stdout).toHaveLength(20);
    expect(r.pipedFrom[0]!.stderr).toBe('');
    expect(r.pipedFrom[0]!.exitCode).toBe(0);
  });

  it('a full disk on stdout is one line, exit 2', async () => {
    // The child writes to /dev/full itself (an inherited descriptor, as with `> /dev/full`).
    const full = openSync('/dev/full', 'w');
    const r = spawnSync('node', [BIN, 'run', modelPath, '-i', join(dir, 'seq.json')], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
    closeSync(full);
    expect([r.status, oneLine(r.stderr)]).toEqual([2, 'rnnc: cannot write to standard output: no space left on device (ENOSPC)']);
  });
});
