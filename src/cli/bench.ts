/** `rnnc bench model.json --target cortex-m4 [--opt O2|Os] [--json]`: instructions, flash and RAM on a QEMU board. */
import type { Command } from 'commander';
import { benchModel, noCounter } from '../bench/bench.js';
import { RnncError } from '../errors.js';
import { benchText } from '../bench/report.js';
import { TARGETS, getTarget } from '../target/targets.js';
import type { CliIo } from './context.js';
import { type ModelCliOptions, loadQuantForCli } from './quant-input.js';
import { RANGES, int, rangeText } from './numbers.js';
import { addModelFileOptions } from './load.js';
import { addQuantOptions } from './quant-options.js';
import { parseOpt, requireBoardTools } from './target-options.js';
import { VERSION } from './version.js';

interface BenchCliOptions extends ModelCliOptions {
  target: string;
  opt: string;
  steps: string;
  maxSeq: string;
  json?: boolean;
}

const BOARD_TARGETS = TARGETS.filter((t) => t.qemu).map((t) => t.name);

export function registerBench(program: Command, io: CliIo): void {
  const cmd = program
    .command('bench')
    .description('build the model for a target, run it under QEMU, and report instructions per step and per MAC, flash and RAM')
    .argument('<model>', 'float model.json (quantized here) or quantized model.q.json')
    .requiredOption('-t, --target <target>', `target: ${BOARD_TARGETS.join(', ')}`)
    .option('--opt <level>', 'optimisation level: O2 or Os', 'O2')
    .option('--steps <n>', `timesteps measured, ${rangeText(RANGES.steps)} (bidirectional models: at most --max-seq)`, '32')
    .option('--json', 'print the result as JSON')
    .option('--name <prefix>', 'C symbol prefix (default: the model\'s name)')
    .option('--max-seq <n>', `bidirectional models: NAME_MAX_SEQ, ${rangeText(RANGES.maxSeq)}`, '128');
  addModelFileOptions(addQuantOptions(cmd))
    .action(async (path: string, opts: BenchCliOptions) => {
      const target = getTarget(opts.target);
      const opt = parseOpt(opts.opt);
      const steps = int('--steps', opts.steps, RANGES.steps);
      const maxSeq = int('--max-seq', opts.maxSeq, RANGES.maxSeq);
      if (!(await requireBoardTools(target))) throw new RnncError('usage/invalid', noCounter(target.name));
      const { model } = loadQuantForCli(path, opts, io, Math.min(64, maxSeq));
      const r = await benchModel(model, target, { opt, steps, maxSeq, version: VERSION });
      io.out(opts.json ? JSON.stringify(r, null, 2) + '\n' : benchText(r));
    });
}
