#!/usr/bin/env node
// Splits the ECG record (examples/data/ecg_mitdb208.csv, 360 Hz, millivolts) for the
// 10-sample-ahead forecasting example, and measures the baseline a model must beat.
//   node examples/ecg/prepare.mjs [--train N] [--test N] [--window W] [--horizon H] [-o DIR]
// Writes DIR/train.csv (samples 0 … N−1) and DIR/test.csv: the next --test samples as targets,
// the file starting W + H − 1 rows earlier so that `--window W --horizon H` windows of it have
// exactly those samples as targets (the inputs may reach back into the training part; the
// targets never do). Then prints the RMSE, over the same test windows, of the persistence
// forecast (the window's last sample as the prediction H samples later): the number a
// forecaster has to beat to be worth anything.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'ecg_mitdb208.csv');

function args(argv) {
  const out = { train: 20000, test: 20000, window: 32, horizon: 10, output: '.' };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    const int = () => (/^\d{1,9}$/.test(v ?? '') ? Number(v) : NaN);
    if (k === '--train') out.train = int();
    else if (k === '--test') out.test = int();
    else if (k === '--window') out.window = int();
    else if (k === '--horizon') out.horizon = int();
    else if ((k === '-o' || k === '--output') && v !== undefined) out.output = v;
    else { process.stderr.write(`prepare: unknown option or missing value: ${k}\n`); process.exit(2); }
  }
  for (const k of ['train', 'test', 'window', 'horizon']) {
    if (!Number.isInteger(out[k]) || out[k] < 1) { process.stderr.write(`prepare: --${k} must be a decimal integer from 1\n`); process.exit(2); }
  }
  return out;
}

const opts = args(process.argv.slice(2));
const lines = readFileSync(SOURCE, 'utf8').trimEnd().split('\n');
const [header, ...rows] = lines;
const lead = opts.window + opts.horizon - 1;
if (opts.train < lead || opts.train + opts.test > rows.length) {
  process.stderr.write(`prepare: --train ${opts.train} + --test ${opts.test} must fit the record's ${rows.length} samples, with --train ≥ window + horizon − 1 = ${lead}\n`);
  process.exit(2);
}
mkdirSync(opts.output, { recursive: true });
const testRows = rows.slice(opts.train - lead, opts.train + opts.test);
writeFileSync(join(opts.output, 'train.csv'), `${[header, ...rows.slice(0, opts.train)].join('\n')}\n`);
writeFileSync(join(opts.output, 'test.csv'), `${[header, ...testRows].join('\n')}\n`);

const mv = testRows.map((r) => Number(r.split(',')[1]));
let sq = 0, n = 0;
for (let last = opts.window - 1; last + opts.horizon < mv.length; last++, n++) sq += (mv[last + opts.horizon] - mv[last]) ** 2;
process.stdout.write(`wrote ${join(opts.output, 'train.csv')} (${opts.train} samples) and ${join(opts.output, 'test.csv')} (${n} test targets)\n`);
process.stdout.write(`persistence forecast (the last sample, ${opts.horizon} samples later): RMSE ${Math.sqrt(sq / n).toFixed(4)} mV on the test targets\n`);
