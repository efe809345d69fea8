/**
 * Optional observation of a fixed-point run: every value a saturating rule narrows, as it
 * was before the narrowing, so a caller can count range excursions (fixed/excursions.ts)
 * without repeating the arithmetic. Observing never changes a result; without an observer
 * the reference does no extra work beyond keeping those wide values in its scratch.
 *
 * Observed narrowings (each rule is one function of ops.ts):
 *   input          quantizeInput: floor(x·2^frac + 0.5) clamped to int16    (floorSatS16)
 *   preactivation  gate / tanh-RNN / dense tanh, sigmoid input: sat16 to Q3.12, ±8   (satS16)
 *   cell           LSTM c' = sat(rshr(f·c, 15) + rshr(i·g, s)), int16 or int32     (satS16, satS32)
 *   hidden         relu RNN h' = max(0, sat16(X + H)) in h's format     (reluS16 ∘ satS16)
 *   output         dense / conv linear or relu output, softmax logits: sat16   (satS16)
 *   ssm            each sat16 of the step (x′, z, c, δ, B, C, Δ, Δ·u, y) as `hidden`, the
 *                  softplus input as `preactivation`, the state h (sat32) as `cell`, the
 *                  output as `output`, each with its `quantity`
 *   decoder        an encoder–decoder's decoder, as layer `layers.length` (fixed/seq2seq.ts):
 *                  its cell's as a layer's, and with a `quantity` the bridge's and Bahdanau's
 *                  tanh inputs (`preactivation`), general's keys, the scores and the
 *                  projection's output or logits (`output`)
 * Not observed, because the narrowing loses nothing at Q0.15: tanh(rescale(c → Q3.12))
 * in the LSTM h (tanh(8) rounds to 32767, the table's end), the softmax exp input beyond
 * 16 (exp(−16)·2^15 rounds to 0), and products that cannot saturate (gate · h, the GRU
 * update, the bidirectional mean).
 */

export type ExcursionKind = 'input' | 'preactivation' | 'cell' | 'hidden' | 'output';

/** One kind of narrowing: its rule's saturation test and the format it narrows into. */
export interface Narrowing {
  kind: ExcursionKind;
  /** Fractional bits of the wide value: real = wide / 2^frac. */
  frac: number;
  /** Bits of the narrow type; the format spans ±2^(bits − 1 − frac) in real units. */
  bits: 16 | 32;
  /** Only the positive end can be lost (relu: a negative value becomes 0 either way). */
  positiveOnly: boolean;
  /** True when the rule changes this wide value. */
  saturates(wide: number): boolean;
  /**
   * Which value of the layer, when a kind narrows several of its own (an ssm layer: x′, Δ,
   * the state h, …): tallied apart, each with its own format, and named in messages.
   */
  quantity?: string;
}

export interface FixedObserver {
  /**
   * One step's values of one kind in layer `layer` (−1: the model input), before the
   * narrowing. `wide` is the reference's own scratch: read it during the call only.
   */
  values(layer: number, how: Narrowing, wide: ArrayLike<number>): void;
}
