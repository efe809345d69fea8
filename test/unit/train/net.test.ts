// The trainer's batched forward must be the float reference (runFloat) on the written IR.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ArchLayer, archText, isRecurrentSpec, parseArch, resolveArch } from '../../../src/train/arch.js';
import { maxForwardGap } from '../../helpers/train.js';

describe('trained forward equals runFloat on the written model.json', () => {
  const archs = [
    'rnn:6,dense:3:softmax', 'lstm:6,dense:3:softmax', 'gru:6,dense:3:softmax', 'gru:6:reset-before,dense:2',
    'lstm:5:bi,dense:3:softmax', 'gru:5:bi-sum,dense:2:tanh', 'rnn:4:bi:seq,lstm:4,dense:2:sigmoid',
    'dense:5:relu,gru:4:reset-before:bi,gru:4,dense:3:softmax',
    'lstm:5:hard-sigmoid,dense:2', 'gru:5:hard-sigmoid-v3:bi,dense:2', 'gru:4:reset-before:hard-sigmoid,rnn:5:relu,dense:2',
    'gru:4:reverse,dense:2', 'rnn:3:reverse:seq,lstm:4:reverse,dense:2:tanh',
    'mingru:6,dense:3:softmax', 'gru:4,mingru:5:reverse,mingru:3,dense:2', 'minlstm:6,dense:3:softmax', 'minlstm:5:reverse,lstm:3,dense:2', 'mingru:6:scan,minlstm:4:reverse:scan,dense:2', 'mingru:4:bi-sum:seq,minlstm:3:bi:scan,dense:2',
  ];
  for (const [i, arch] of archs.entries()) {
    it(`${arch}, many-to-one and per step`, () => {
      expect(maxForwardGap(arch, false, 9, 30 + i)).toBeLessThan(1e-9);
      expect(maxForwardGap(arch, true, 9, 40 + i)).toBeLessThan(1e-9);
    });
  }
});

describe('architecture strings', () => {
  it('stacking makes every recurrent layer but the last return sequences', () => {
    const r = resolveArch(parseArch('lstm:8,gru:4:bi,dense:2').layers, false);
    expect(r.map((l) => (isRecurrentSpec(l) ? l.returnSequences : 'd'))).toEqual([true, false, 'd']);
  });
  it('per-step tasks make every recurrent layer return sequences', () => {
    const r = resolveArch(parseArch('in:3,lstm:8,gru:4').layers, true) as Array<ArchLayer & { returnSequences: boolean }>;
    expect(r.every((l) => l.returnSequences)).toBe(true);
  });
  it('last-index (torch out[:, -1]) on a bidirectional many-to-one layer; refused where the layer returns sequences', () => {
    const [l] = resolveArch(parseArch('lstm:4:bi:last-index,dense:2').layers, false);
    expect(l).toMatchObject({ bidirectional: 'concat', lastOutput: 'last-index', returnSequences: false });
    expect(archText(resolveArch(parseArch('lstm:4:bi:last-index,dense:2').layers, false))).toBe('lstm:4:bi:last-index,dense:2:linear');
    expect(() => resolveArch(parseArch('lstm:4:bi:last-index,gru:3').layers, false)).toThrow(/layer 1 returns sequences \(a recurrent layer follows it\)/);
    expect(() => resolveArch(parseArch('lstm:4:bi:last-index').layers, true)).toThrow(/--per-step/);
  });
  it('one target per sequence needs a recurrent layer (dense layers alone output one row per step)', () => {
    expect(() => resolveArch(parseArch('dense:4:relu,dense:2').layers, false)).toThrow(
      '--arch: dense layers output one row per timestep, but the task has one target per sequence; add a recurrent layer (rnn, lstm, gru, mingru, minlstm) or an ssm layer, or train with --per-step');
    expect(resolveArch(parseArch('dense:4:relu,dense:2').layers, true)).toHaveLength(2);
  });
  it('one target per sequence: the last recurrent layer may not be asked to return sequences (it trained into NaN)', () => {
    expect(() => resolveArch(parseArch('gru:4:seq,dense:4:softmax').layers, false)).toThrow(
      '--arch: layer 1 (gru:…:seq) returns sequences, so the model outputs one row per timestep, but the task has one target per sequence; '
      + 'drop :seq (or "returnSequences": true), or train with --per-step');
    expect(resolveArch(parseArch('gru:4:seq,dense:4:softmax').layers, true)[0]).toMatchObject({ returnSequences: true });
    expect(resolveArch(parseArch('gru:4:seq,lstm:3,dense:2').layers, false).map((l) => 'returnSequences' in l && l.returnSequences)).toEqual([true, false, false]);
  });
  it.each([
    ['lstm:0', /units must be an integer from 1/],
    ['lstmp:8', /unknown layer 'lstmp'; supported: rnn, lstm, gru, mingru, minlstm, dense/],
    ['gru:8:bogus', /unknown option 'bogus'/],
    ['rnn:8:hard-sigmoid', /unknown option 'hard-sigmoid'; supported: bi, bi-sum, reverse, last-index, seq, relu/],
    ['lstm:8:relu', /unknown option 'relu'; supported: bi, bi-sum, reverse, last-index, seq, hard-sigmoid, hard-sigmoid-v3/],
    ['lstm:8:reverse:bi', /'bi' conflicts with 'reverse'/],
    ['lstm:8:last-index', /'last-index' needs a bidirectional layer without 'seq'/],
    ['gru:8:bi:last-index:seq', /'last-index' needs a bidirectional layer without 'seq'/],
    ['gru:8:hard-sigmoid:hard-sigmoid-v3', /'hard-sigmoid-v3' conflicts with 'hard-sigmoid'/],
    ['dense:4:swish', /unknown activation 'swish'/],
    ['mingru:8:relu', /unknown option 'relu' for a mingru layer; supported: bi, bi-sum, reverse, last-index, seq, scan/],
    ['mingru:8:hard-sigmoid', /unknown option 'hard-sigmoid' for a mingru layer/],
    ['minlstm:8:reset-before', /unknown option 'reset-before' for a minlstm layer/],
    ['lstm:8,,dense:2', /empty layer/],
    ['in:0,lstm:8', /in: must be an integer/],
  ])('%s is refused', (text, message) => {
    expect(() => parseArch(text)).toThrow(message);
  });
});

describe('architecture files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnc-arch-'));
  it('reads inputSize and layers', () => {
    const p = join(dir, 'arch.json');
    writeFileSync(p, JSON.stringify({ inputSize: 6, layers: [{ type: 'gru', units: 8, bidirectional: 'sum', resetAfter: false }, { type: 'dense', units: 3, activation: 'softmax' }] }));
    expect(parseArch(p)).toEqual({ inputs: 6, layers: [{ type: 'gru', units: 8, bidirectional: 'sum', resetAfter: false }, { type: 'dense', units: 3, activation: 'softmax' }] });
  });
  it('names the bad field', () => {
    const p = join(dir, 'bad.json');
    writeFileSync(p, JSON.stringify({ layers: [{ type: 'lstm', units: 0 }] }));
    expect(() => parseArch(p)).toThrow(/bad\.json: layers\[0\]\.units: Too small/);
  });
});
