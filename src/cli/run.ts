/** `rnnc run model.json --input seq.json [--json]`: the float reference on one sequence. */
import type { Command } from 'commander';
import { readSequence } from '../data/sequence.js';
import { runFloat } from '../float/model.js';
import type { CliIo } from './context.js';
import { num } from './format.js';
import { loadFloatModel } from './load.js';

export function registerRun(program: Command, io: CliIo): void {
  program
    .command('run')
    .description('run a model on one input sequence and print its outputs')
    .argument('<model>', 'model file')
    .requiredOption('-i, --input <file>', 'sequence: JSON array of timesteps, or CSV with one timestep per row')
    .option('--json', 'print {"outputs": [[...], ...]}')
    .action((path: string, opts: { input: string; json?: boolean }) => {
      const model = loadFloatModel(path);
      const seq = readSequence(opts.input);
      const outputs = runFloat(model, seq).map((o) => Array.from(o));
      if (opts.json) {
        io.out(JSON.stringify({ outputs }) + '\n');
        return;
      }
      outputs.forEach((o, t) => {
        const label = outputs.length === 1 ? 'output' : `t=${t}`;
        io.out(`${label}: ${o.map((v) => num(v)).join(' ')}\n`);
      });
    });
}
