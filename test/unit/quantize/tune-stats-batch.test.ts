/**
 * collectMoments (the batched float reference) gives exactly the moments
 * collectMomentsReference (one sequence at a time) gives: tolerance zero, since each sum
 * receives the same vectors, bit for bit, in the same order. On every layer kind and
 * option, with sequences of several lengths (runs of one length batched together), more
 * of one length than a batch holds, and more vectors than MAX_VECTORS (a stride above 1).
 */
import { describe, expect, it } from 'vitest';
import { BATCH_ROWS } from '../../../src/float/batch.js';
import { randomSequence } from '../../../src/ir/random.js';
import { MAX_VECTORS, collectMoments } from '../../../src/quantize/tune-stats.js';
import { collectMomentsReference } from '../../../src/quantize/tune-stats-reference.js';
import { everyFloatKind } from '../../helpers/every-float-kind.js';

const LENGTHS = [7, 7, 3, 7, 1, 5, 5, 5, 2];

describe('batched tuning moments equal the per-sequence reference', () => {
  it.each(everyFloatKind())('$name', ({ model }) => {
    const seqs = LENGTHS.map((n, s) => randomSequence(3, n, 700 + s, 3));
    expect(collectMoments(model, seqs)).toEqual(collectMomentsReference(model, seqs));
  });

  it('past one batch of a length, and past MAX_VECTORS vectors (strided)', () => {
    const { model } = everyFloatKind().find((c) => c.name.startsWith('lstm → lstm'))!;
    const count = BATCH_ROWS + 13;
    const steps = Math.ceil((MAX_VECTORS + 500) / count);
    const seqs = Array.from({ length: count }, (_, s) => randomSequence(3, steps, 1100 + s, 3));
    const got = collectMoments(model, seqs);
    expect(got[0]!.h![0]!.n).toBeLessThan(count * steps);
    expect(got).toEqual(collectMomentsReference(model, seqs));
  });
});
