#!/usr/bin/env node
// Synthetic 3-axis accelerometer gestures for `rnnc train`, deterministic from a seed.
//   node examples/gesture/generate.mjs [--seed N] [--count N] [--steps N] [-o file.csv]
// Four classes: circle, shake, tap, wave. Each sequence has a random amplitude, speed,
// phase, gravity tilt, sensor offset and Gaussian noise, so no single threshold
// separates the classes. Output: CSV `seq,ax,ay,az,label` in units of g, one row per
// timestep (50 Hz), the label repeated on every row of its sequence.
import { writeFileSync } from 'node:fs';

function args(argv) {
  const out = { seed: 1, count: 400, steps: 48, output: undefined };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    // Decimal digits only, as rnnc's own options (Number() would take 0x10 and 1e3).
    const int = () => (/^\d{1,9}$/.test(v ?? '') ? Number(v) : NaN);
    if (k === '--seed') out.seed = int();
    else if (k === '--count') out.count = int();
    else if (k === '--steps') out.steps = int();
    else if (k === '-o' || k === '--output') out.output = v;
    else { process.stderr.write(`generate: unknown option ${k}\n`); process.exit(2); }
  }
  for (const k of ['seed', 'count', 'steps']) {
    if (!Number.isInteger(out[k]) || out[k] < (k === 'seed' ? 0 : 1)) { process.stderr.write(`generate: --${k} must be a decimal integer${k === 'seed' ? '' : ' from 1'} up to 999999999\n`); process.exit(2); }
  }
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
  return { next, uniform, normal };
}

const CLASSES = ['circle', 'shake', 'tap', 'wave'];
const DT = 1 / 50;

/** Motion acceleration (without gravity) of one gesture at time t. */
function motion(cls, t, p) {
  const w = 2 * Math.PI * p.freq;
  switch (cls) {
    case 'circle': return [p.amp * Math.sin(w * t + p.phase), p.amp * Math.cos(w * t + p.phase), 0.1 * p.amp * Math.sin(2 * w * t)];
    case 'shake': return [p.amp * Math.sin(3.2 * w * t + p.phase), 0.15 * p.amp * Math.sin(1.7 * w * t), 0.1 * p.amp * Math.cos(3.2 * w * t)];
    case 'tap': {
      // Two short pulses along z, the second a bit weaker.
      const pulse = (c) => Math.exp(-(((t - c) / 0.05) ** 2));
      return [0.2 * p.amp * pulse(p.at), 0.1 * p.amp * pulse(p.at + 0.02), -1.5 * p.amp * (pulse(p.at) + 0.7 * pulse(p.at + 0.3))];
    }
    case 'wave': return [0.25 * p.amp * Math.sin(w * t + p.phase), p.amp * Math.sin(w * t + p.phase), 0.5 * p.amp * Math.sin(2 * w * t + p.phase)];
  }
  throw new Error(cls);
}

function generate({ seed, count, steps }) {
  const r = rng(seed);
  const lines = ['seq,ax,ay,az,label'];
  const duration = steps * DT;
  for (let s = 0; s < count; s++) {
    const cls = CLASSES[s % CLASSES.length];
    const p = {
      amp: r.uniform(0.4, 1.2), freq: r.uniform(0.9, 2.2), phase: r.uniform(0, 2 * Math.PI),
      at: r.uniform(0.15, duration - 0.45),
    };
    const tilt = [r.uniform(-0.3, 0.3), r.uniform(-0.3, 0.3)];
    const gravity = [Math.sin(tilt[0]), Math.sin(tilt[1]), Math.cos(tilt[0]) * Math.cos(tilt[1])];
    const offset = [r.uniform(-0.05, 0.05), r.uniform(-0.05, 0.05), r.uniform(-0.05, 0.05)];
    const noise = r.uniform(0.05, 0.2);
    for (let k = 0; k < steps; k++) {
      const m = motion(cls, k * DT, p);
      const v = m.map((a, i) => (a + gravity[i] + offset[i] + noise * r.normal()).toFixed(4));
      lines.push(`${s},${v.join(',')},${cls}`);
    }
  }
  return lines.join('\n') + '\n';
}

const opts = args(process.argv.slice(2));
const csv = generate(opts);
if (opts.output) writeFileSync(opts.output, csv);
else process.stdout.write(csv);
