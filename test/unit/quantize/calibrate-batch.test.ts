/**
 * calibrate (the batched float reference) records exactly the ranges calibrateReference
 * (one sequence at a time through runFloat) records: tolerance zero, since both see the
 * same values bit for bit (float/batch.ts) and histograms do not see their order. On
 * every layer kind and option, sequences of several lengths (grouped by length) and more
 * of one length than a batch holds; the formats quantizeModel derives are then equal too.
 */
import { describe, expect, it } from 'vitest';
import { randomSequence } from '../../../src/ir/random.js';
import { runFloat } from '../../../src/float/model.js';
import { BATCH_ROWS } from '../../../src/float/batch.js';
import { calibrate } from '../../../src/quantize/calibrate.js';
import { calibrateReference } from '../../../src/quantize/calibrate-reference.js';
import { quantizeModel } from '../../../src/quantize/quantize.js';
import { everyFloatKind } from '../../helpers/every-float-kind.js';

const LENGTHS = [7, 3, 7, 1, 5, 3, 7, 2];

describe('batched calibration equals the per-sequence reference', () => {
  it.each(everyFloatKind())('$name', ({ model }) => {
    const seqs = LENGTHS.map((n, s) => randomSequence(3, n, 500 + s, 3));
    for (const percentile of [100, 99]) {
      const got = calibrate(model, seqs, { percentile });
      const want = calibrateReference(model, seqs, { percentile });
      expect(got).toEqual(want);
      expect(quantizeModel(model, { ranges: got.ranges })).toEqual(quantizeModel(model, { ranges: want.ranges }));
    }
  });

  // Each batched step hands over every row's pre-activations at once: the candidate rows
  // (the last block of each row) must go to h's range, the gate rows to the gates'.
  it.each(['mingru', 'minlstm'])('%s: |h̃| of every row is the hidden range, the other blocks the gates', (type) => {
    const { model } = everyFloatKind().find((c) => c.name.includes(type) && c.name.includes('bidirectional'))!;
    const seqs = LENGTHS.map((n, s) => randomSequence(3, n, 500 + s, 3));
    const u = (model.layers[0] as { units: number }).units;
    let gates = 0, candidate = 0;
    for (const seq of seqs) {
      runFloat(model, seq, undefined, {
        step(i, _b, pre) {
          if (i !== 0) return;
          pre.forEach((v, r) => {
            if (r < pre.length - u) gates = Math.max(gates, Math.abs(v));
            else candidate = Math.max(candidate, Math.abs(v));
          });
        },
      });
    }
    const got = calibrate(model, seqs).summary.layers[0]!;
    expect(got.hidden!.maxAbs).toBe(candidate);
    expect(got.gates!.maxAbs).toBe(gates);
  });

  it('with more sequences of one length than a batch holds', () => {
    const { model } = everyFloatKind().find((c) => c.name.startsWith('lstm → lstm'))!;
    const seqs = Array.from({ length: BATCH_ROWS + 5 }, (_, s) => randomSequence(3, 4, 900 + s, 3));
    expect(calibrate(model, seqs)).toEqual(calibrateReference(model, seqs));
  });
});
