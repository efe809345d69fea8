/**
 * collectMoments (the batched float reference) gives exactly the moments
 * collectMomentsReference (one sequence at a time) gives: tolerance zero, since each sum
 * receives the same vectors, bit for bit, summed in the same order. On every layer kind
 * and option, with sequences of several lengths interleaved (batched by length, so out of
 * order), more of one length than a batch holds, and more vectors than MAX_VECTORS (a
 * stride above 1), also at the dense heads of last outputs, tuned on each sequence's
 * tail of states; and when calibration's run collects them (calibrate's `also`).
 */
import { describe, expect, it } from 'vitest';
import { BATCH_ROWS } from '../../../src/float/batch.js';
import { calibrate } from '../../../src/quantize/calibrate.js';
import { calibrateReference } from '../../../src/quantize/calibrate-reference.js';
import { randomSequence } from '../../../src/ir/random.js';
import { HEAD_TAIL, MAX_VECTORS } from '../../../src/quantize/tune-stats.js';
import { BatchedMoments, collectMoments } from '../../../src/quantize/moments-batch.js';
import { collectMomentsReference } from '../../../src/quantize/tune-stats-reference.js';
import { everyFloatKind } from '../../helpers/every-float-kind.js';

const LENGTHS = [7, 7, 3, 7, 1, 5, 5, 5, 2];

describe('batched tuning moments equal the per-sequence reference', () => {
  it.each(everyFloatKind())('$name', ({ model }) => {
    const seqs = LENGTHS.map((n, s) => randomSequence(3, n, 700 + s, 3));
    const want = collectMomentsReference(model, seqs);
    expect(collectMoments(model, seqs)).toEqual(want);
    const during = new BatchedMoments(model, seqs);
    expect(calibrate(model, seqs, {}, 'data', during)).toEqual(calibrateReference(model, seqs));
    expect(during.moments()).toEqual(want);
  });

  // Strided, a vector's place in the order decides whether it is kept: every kind again,
  // with lengths interleaved and more sequences of a length than a batch holds.
  it.each(everyFloatKind())('past MAX_VECTORS vectors (strided): $name', ({ model }) => {
    const count = 2 * BATCH_ROWS + 13;
    const steps = Math.ceil((MAX_VECTORS + 500) / count);
    const seqs = Array.from({ length: count }, (_, s) => randomSequence(3, steps + (s % 2), 1100 + s, 3));
    const got = collectMoments(model, seqs);
    expect(got).toEqual(collectMomentsReference(model, seqs));
});

  // A dense head of a last output takes the states of each sequence's tail (HEAD_TAIL):
  // strided by tail step once they pass MAX_VECTORS, lengths interleaved.
  it.each(everyFloatKind().filter((c) => c.name.endsWith('→ dense') && !c.name.includes('last-index')))('past MAX_VECTORS tail states (strided): $name', ({ model }) => {
    const count = 2 * BATCH_ROWS + 13;
    const steps = Math.ceil((MAX_VECTORS + 500) / (count * HEAD_TAIL)) + 2;
    const seqs = Array.from({ length: count }, (_, s) => randomSequence(3, steps + (s % 3), 1500 + s, 3));
    const got = collectMoments(model, seqs);
    const head = got[model.layers.length - 1]!.x!;
    expect(head.n).toBeGreaterThan(MAX_VECTORS / 2);
    expect(head.n).toBeLessThanOrEqual(MAX_VECTORS);
    expect(got).toEqual(collectMomentsReference(model, seqs));
  });

  it('past MAX_VECTORS sequences: a layer after a many-to-one one, strided by sequence', () => {
    // last-index: the dense layer is no head tuned on the tail, it takes one vector per sequence.
    const { model } = everyFloatKind().find((c) => c.name === 'bidirectional rnn concat, last-index')!;
    const seqs = Array.from({ length: MAX_VECTORS + 200 }, (_, s) => randomSequence(3, 1 + (s % 2), 3000 + s, 3));
    const got = collectMoments(model, seqs);
    expect(got[1]!.x!.n).toBeLessThan(seqs.length);
    expect(got).toEqual(collectMomentsReference(model, seqs));
  });
});
