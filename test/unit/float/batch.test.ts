/**
 * The batched float reference (float/batch.ts) computes what runFloat computes on each
 * sequence, bit for bit (the same operations in the same order), for every layer kind
 * and option; and its observer sees the same values the per-sequence observer sees.
 */
import { describe, expect, it } from 'vitest';
import { equalLengthRuns, runFloatBatch, runFloatEach } from '../../../src/float/batch.js';
import { normalizeInput, runFloat } from '../../../src/float/model.js';
import { prepareModel } from '../../../src/float/kinds.js';
import { packBatch, unpackBatch } from '../../../src/float/seq-batch.js';
import { randomSequence } from '../../../src/ir/random.js';
import { everyFloatKind } from '../../helpers/every-float-kind.js';

const sorted = (xs: number[]) => Float64Array.from(xs).sort();

describe('runFloatBatch equals runFloat on each sequence, bit for bit', () => {
  it.each(everyFloatKind())('$name', ({ model }) => {
    // 5 rows: an odd count, so the products' 2-row blocks have a remainder.
    const seqs = [0, 1, 2, 3, 4].map((s) => randomSequence(3, 7, 300 + s, 3));
    const prepared = prepareModel(model);
    const seen = { batch: new Map<string, number[]>(), single: new Map<string, number[]>() };
    const note = (m: Map<string, number[]>, key: string, v: ArrayLike<number>) => {
      const l = m.get(key) ?? [];
      for (let i = 0; i < v.length; i++) l.push(v[i]!);
      m.set(key, l);
    };
    const got = unpackBatch(runFloatBatch(model, packBatch(seqs.map((s) => s.map((x) => normalizeInput(model, x)))), prepared, {
      step(i, backward, _rows, pre, h, c) { note(seen.batch, `${i}${backward} pre`, pre); note(seen.batch, `${i}${backward} h`, h); note(seen.batch, `${i}${backward} c`, c); },
      dense(i, pre) { note(seen.batch, `${i} dense`, pre); },
      ssm(i, probe) { for (const [key, v] of Object.entries(probe)) note(seen.batch, `${i} ssm ${key}`, v); },
    }));
    seqs.forEach((seq, b) => {
      const want = runFloat(model, seq, prepared, {
        step(i, backward, pre, s) { note(seen.single, `${i}${backward} pre`, pre); note(seen.single, `${i}${backward} h`, s.h); note(seen.single, `${i}${backward} c`, s.c); },
        dense(i, pre) { note(seen.single, `${i} dense`, pre); },
        ssm(i, probe) { for (const [key, v] of Object.entries(probe)) note(seen.single, `${i} ssm ${key}`, v); },
      });
      expect(got[b]!.length).toBe(want.length);
      want.forEach((y, t) => expect(Array.from(got[b]![t]!)).toEqual(Array.from(y)));
    });
    // The observers saw the same multisets of values (in another order).
    expect([...seen.batch.keys()].sort()).toEqual([...seen.single.keys()].sort());
    for (const [key, v] of seen.single) expect(sorted(seen.batch.get(key)!), key).toEqual(sorted(v));
  });
});

describe('runFloatEach: runFloat on each sequence, batched by runs of one length', () => {
  it('keeps the order of sequences of several lengths, bit for bit', () => {
    const { model } = everyFloatKind().find((c) => c.name.startsWith('causal conv1d'))!;
    const seqs = [4, 4, 2, 4, 4, 4, 1].map((n, s) => randomSequence(3, n, 800 + s, 3));
    expect(equalLengthRuns(seqs, 3)).toEqual([[0, 2], [2, 3], [3, 6], [6, 7]]);
    const layers: number[] = [];
    const got = runFloatEach(model, seqs, undefined, (start, outs) => { layers.push(start, outs.length); });
    expect(got.map((y) => y.map((v) => Array.from(v)))).toEqual(seqs.map((s) => runFloat(model, s).map((v) => Array.from(v))));
    expect(layers).toEqual([0, 3, 2, 3, 3, 3, 6, 3]); // (start, layers) of each run
  });

  it('refuses what runFloat refuses', () => {
    const { model } = everyFloatKind()[0]!;
    expect(() => runFloatEach(model, [[[1, 2, 3]], [[1, 2]]])).toThrow('input timestep 0: expected 3 features, got 2');
    expect(() => runFloatEach(model, [[]])).toThrow('input sequence is empty');
  });
});
