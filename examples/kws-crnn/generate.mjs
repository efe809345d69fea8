#!/usr/bin/env node
// Synthetic keyword-spotting features for `rnnc train`, deterministic from a seed.
//   node examples/kws-crnn/generate.mjs [--seed N] [--count N] [--frames N] [-o file.csv]
// Each sequence is what a front end would hand a keyword spotter: the natural log of the
// energy in 12 frequency bands (b0 lowest .. b11 highest) per 10 ms frame. Six classes:
// four keywords (yes, no, up, down), `unknown` (other "words" built from the same parts)
// and `silence` (background noise, sometimes a click or a hum). Nothing here is recorded
// speech: every word is a short chain of parts (vowel with formant transitions, nasal
// murmur, fricative noise, plosive burst, closure) whose timing, formant positions,
// loudness, position in the window, background noise and microphone gain are drawn at
// random.
// Output: CSV `seq,b0,...,b11,label`, one row per frame, the label on every row.
import { writeFileSync } from 'node:fs';

function args(argv) {
  const out = { seed: 1, count: 600, frames: 50, output: undefined };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    // Decimal digits only, as rnnc's own options (Number() would take 0x10 and 1e3).
    const int = () => (/^\d{1,9}$/.test(v ?? '') ? Number(v) : NaN);
    if (k === '--seed') out.seed = int();
    else if (k === '--count') out.count = int();
    else if (k === '--frames') out.frames = int();
    else if (k === '-o' || k === '--output') {
      if (!v) { process.stderr.write(`generate: ${k} needs a file name\n`); process.exit(2); }
      out.output = v;
    }
    else { process.stderr.write(`generate: unknown option ${k}\n`); process.exit(2); }
  }
  for (const k of ['seed', 'count']) {
    if (!Number.isInteger(out[k]) || out[k] < (k === 'seed' ? 0 : 1)) { process.stderr.write(`generate: --${k} must be a decimal integer${k === 'seed' ? '' : ' from 1'} up to 999999999\n`); process.exit(2); }
  }
  // The longest word (27 frames nominal, up to 32 % longer) must fit in the window.
  if (!Number.isInteger(out.frames) || out.frames < MIN_FRAMES || out.frames > 1000) { process.stderr.write(`generate: --frames must be a decimal integer from ${MIN_FRAMES} to 1000\n`); process.exit(2); }
  return out;
}

// mulberry32: a small seeded generator, so the file depends only on the seed.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const uniform = (lo, hi) => lo + (hi - lo) * next();
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const pick = (list) => list[Math.floor(next() * list.length)];
  return { next, uniform, normal, pick };
}

const BANDS = 12;
const MIN_FRAMES = 40;
const CLASSES = ['yes', 'no', 'up', 'down', 'unknown', 'silence'];

// Parts of a word. Each is [kind, nominal frames, parameters]. Formant positions are in
// band units (0 = lowest band). A vowel's first formant F1 stays at f1; its second, F2,
// holds a value drawn from the range f2 for each utterance, and may move quickly into it
// at the start (on: from F2 + on) or away from it at the end (off: to F2 + off), over
// 2 to 4 frames, as formants do between a consonant and a vowel.
const vowel = (frames, f1, f2, on = 0, off = 0) => ['vowel', frames, { f1, f2, on, off }];
const nasal = (frames) => ['nasal', frames, {}];
const fricative = (frames) => ['fricative', frames, {}];
const burst = (frames) => ['burst', frames, {}];
const closure = (frames) => ['closure', frames, {}];

// The keywords. Each has a twin among the unknown words with the same parts and the
// formant transition going the other way.
//   yes:  vowel with F2 rising into it, then high-band hiss
//   no:   low nasal murmur, then a vowel with F2 falling into it
//   up:   vowel whose F2 falls at its end, a silent closure, a short burst
//   down: a short burst, a vowel with F2 falling into it, a nasal murmur
const KEYWORDS = {
  yes: [vowel(15, 3.4, [6.5, 8], -2.5), fricative(12)],
  no: [nasal(7), vowel(17, 4.0, [4.5, 6], 2.5)],
  up: [vowel(14, 4.6, [5, 7], 0, -2.5), closure(5), burst(2)],
  down: [burst(2), vowel(15, 4.6, [5, 7], 2.5), nasal(7)],
};

// Other words, made of the same parts: most are a keyword with one thing changed (the
// order of its parts or the direction of a transition), so neither the bands that light
// up nor the parts present identify a keyword: which way the formants move over a few
// frames, and in what order the parts come, do.
const UNKNOWN = [
  () => [vowel(15, 3.4, [6.5, 8], 2.5), fricative(12)], // yes, F2 falling into the vowel
  () => [nasal(7), vowel(17, 4.0, [4.5, 6], -2.5)], // no, F2 rising into the vowel
  () => [vowel(14, 4.6, [5, 7], 0, 2.5), closure(5), burst(2)], // up, F2 rising at the end
  () => [burst(2), vowel(15, 4.6, [5, 7], -2.5), nasal(7)], // down, F2 rising into the vowel
  () => [fricative(11), vowel(14, 3.4, [6.5, 8], -2.5)], // hiss then vowel: yes in reverse order
  (r) => [vowel(Math.round(r.uniform(10, 22)), r.uniform(3, 5), [4.5, 8.5])], // a steady vowel
  () => [nasal(6), vowel(12, 3.6, [6, 8]), fricative(9)], // murmur, steady vowel, hiss
];

/** Linear energy in each band of one part at frame k of n (k may be fractional). */
function part(kind, p, k, n, b, w) {
  const u = k / n;
  // Fade in and out over the first and last frame or two of the part.
  const env = Math.min(1, (k + 0.5) / 2, (n - k) / 2);
  switch (kind) {
    case 'vowel': {
      const f1 = p.f1 + w.shift;
      const into = Math.max(0, 1 - k / w.transition);
      const away = Math.max(0, 1 - (n - k) / w.transition);
      const f2 = w.f2 + p.on * into + p.off * away + w.shift;
      const f3 = 10.2 + 0.5 * w.shift;
      const peak = (f, width) => Math.exp(-(((b - f) / width) ** 2));
      return env * (peak(f1, w.width) + 0.7 * peak(f2, w.width) + 0.15 * peak(f3, 1.2));
    }
    case 'nasal': return 0.45 * env * Math.exp(-(((b - 0.6) / 1.3) ** 2));
    case 'fricative': return 0.5 * env * (1 / (1 + Math.exp(-(b - 8.2) * 1.6))) * w.hiss[b];
    case 'burst': return 0.9 * Math.exp(-3 * u) * (0.5 + 0.5 * b / (BANDS - 1));
    case 'closure': return 0;
  }
  throw new Error(kind);
}

/** A speaker: formants shifted together (vocal tract length), formant peak width, and
 * how many frames a formant transition takes. */
function speaker(r) {
  return { shift: r.uniform(-1, 1), width: r.uniform(0.7, 1.2), transition: r.uniform(2, 4), hiss: new Array(BANDS).fill(1) };
}

/** Adds the parts of a word, `gain` loud, from frame `start`, to `energy`. The speaking
 * rate is within ±20 % and each part is a little longer or shorter on its own. */
function say(energy, parts, gain, rate, start, w, r) {
  const lengths = parts.map(([, n]) => n * rate * r.uniform(0.9, 1.1));
  let t0 = start;
  parts.forEach(([kind, , p], k) => {
    if (kind === 'vowel') w.f2 = r.uniform(p.f2[0], p.f2[1]);
    for (let t = Math.ceil(t0); t < t0 + lengths[k] && t < energy.length; t++) {
      for (let b = 0; b < BANDS; b++) w.hiss[b] = Math.exp(0.4 * r.normal());
      for (let b = 0; b < BANDS; b++) energy[t][b] += gain * part(kind, p, t - t0, lengths[k], b, w);
    }
    t0 += lengths[k];
  });
}

/** Nominal length of a word in frames. */
const nominal = (parts) => parts.reduce((s, [, n]) => s + n, 0);

/** One sequence of `frames` x BANDS log energies. */
function sequence(cls, frames, r) {
  // Background: a noise floor with its own level and spectral tilt. Its log energy
  // scatters from frame to frame and band to band by a standard deviation of 0.7 to 1.1,
  // as short-time energies of noise do (1.28 for one exponentially distributed value).
  // Sometimes a steady hum in one low band.
  const level = r.uniform(0.01, 0.05);
  const tilt = r.uniform(-0.12, 0.04);
  const floor = Array.from({ length: BANDS }, (_, b) => level * Math.exp(tilt * b));
  const flutter = r.uniform(0.7, 1.1);
  const energy = Array.from({ length: frames }, () => floor.map((f) => f * Math.exp(flutter * r.normal())));
  if (r.next() < 0.2) {
    const band = Math.floor(r.uniform(0, 3));
    const amp = level * r.uniform(1, 4);
    for (const row of energy) row[band] += amp;
  }
  // Sometimes a talker far away: one vowel a few dB above the noise floor.
  if (r.next() < 0.3) {
    const parts = [vowel(Math.round(r.uniform(6, 20)), r.uniform(2.5, 5), [4, 9])];
    say(energy, parts, level * r.uniform(2, 6), 1, r.uniform(0, frames - nominal(parts)), speaker(r), r);
  }
  if (cls === 'silence') {
    // Now and then a click: one frame of broadband energy, which is not a word.
    if (r.next() < 0.4) {
      const t = Math.floor(r.uniform(0, frames));
      const a = level * r.uniform(5, 40);
      for (let b = 0; b < BANDS; b++) energy[t][b] += a * r.uniform(0.5, 1);
    }
  } else {
    // The word, 6 to 20 dB above the noise floor's level, anywhere in the window.
    const parts = cls === 'unknown' ? r.pick(UNKNOWN)(r) : KEYWORDS[cls];
    const rate = r.uniform(0.8, 1.2);
    const longest = nominal(parts) * rate * 1.1;
    say(energy, parts, level * Math.exp(r.uniform(Math.log(4), Math.log(100))), rate, r.uniform(0, frames - longest), speaker(r), r);
  }
  // Microphone gain: the same factor on every band, an offset after the log.
  const mic = Math.exp(r.uniform(-1.5, 1.5));
  return energy.map((row) => row.map((e) => Math.log(mic * e)));
}

function generate({ seed, count, frames }) {
  const r = rng(seed);
  const header = ['seq', ...Array.from({ length: BANDS }, (_, b) => `b${b}`), 'label'];
  const lines = [header.join(',')];
  for (let s = 0; s < count; s++) {
    const cls = CLASSES[s % CLASSES.length];
    for (const row of sequence(cls, frames, r)) lines.push(`${s},${row.map((v) => v.toFixed(3)).join(',')},${cls}`);
  }
  return lines.join('\n') + '\n';
}

const opts = args(process.argv.slice(2));
const csv = generate(opts);
if (opts.output) writeFileSync(opts.output, csv);
else process.stdout.write(csv);
