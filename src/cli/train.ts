/** `rnnc train --data FILE --arch SPEC -o model.json`: wiring only (src/train/train.ts does the work). */
import { type Command, Option } from 'commander';
import type { Task } from '../data/dataset.js';
import { readDataset } from '../data/read.js';
import { RnncError } from '../errors.js';
import { modelToJson } from '../ir/io.js';
import { nameProblem } from '../ir/names.js';
import { validateModel } from '../ir/validate.js';
import { outputUnits, parseArch, resolveArch } from '../train/arch.js';
import type { OptimizerName } from '../train/optim.js';
import { parseSchedule } from '../train/schedule.js';
import { trainModel } from '../train/train.js';
import { trainSeq2Seq } from '../train/seq2seq-train.js';
import type { CliIo } from './context.js';
import { num } from './format.js';
import { progressHooks } from './train-progress.js';
import { RANGES, int, rangeText, real, windowOptions } from './numbers.js';
import { shellLine } from '../report/shell.js';
import { givenArgs } from './given-args.js';
import { FORCE_HELP, checkOutput, messagesIo, outputName, writeOutput } from './output.js';

interface TrainOpts {
  data: string; arch: string; output: string; name: string; epochs: string; batch: string; lr: string; clip: string;
  val: string; patience: string; seed: string; optimizer: OptimizerName; momentum: string; schedule: string;
  tbptt: string; sampling?: string; task?: Task; perStep?: boolean; window?: string; horizon?: string; stride?: string; reconstruct?: boolean;
  idColumn?: string; labelColumn?: string; features?: string; header?: boolean; json?: boolean; force?: boolean;
}

/** Options that change where or how the model is written, not the model: left out of the recorded command. */
const NOT_RECORDED = new Set(['output', 'force', 'json']);

/**
 * The command that trains this model again, as the user gave it (options at their default
 * left out), without -o: recorded in meta.training.command for `rnnc report`'s training
 * figure. The output path stays out so the same data and seed still give the same bytes.
 */
export function trainCommand(cmd: Command): string {
  return shellLine(['rnnc', 'train', ...givenArgs(cmd, NOT_RECORDED)]);
}

const list = (value: string | undefined) => value?.split(',').map((s) => s.trim());

export function registerTrain(program: Command, io: CliIo): void {
  program
    .command('train')
    .description('train a recurrent model on labelled sequences or windows of a series and write model.json')
    .requiredOption('--data <file>', 'training data, .csv or .json (docs/data-format.md)')
    .requiredOption('--arch <spec>', 'layers, e.g. "lstm:32,dense:4:softmax", or an architecture .json file')
    .requiredOption('-o, --output <file>', 'model file to write (- for standard output)')
    .option('--force', FORCE_HELP)
    .option('--name <id>', 'model name (C identifier prefix)', 'model')
    .option('--epochs <n>', `training epochs, ${rangeText(RANGES.epochs)}`, '30')
    .option('--batch <n>', `sequences per mini-batch, ${rangeText(RANGES.batch)}`, '32')
    .option('--lr <x>', `learning rate, in ${rangeText(RANGES.lr)}`, '0.003')
    .option('--clip <x>', `global gradient-norm limit, in ${rangeText(RANGES.clip)} (0: no clipping)`, '1')
    .option('--val <fraction>', `fraction held out for validation and early stopping, in ${rangeText(RANGES.val)}`, '0.2')
    .option('--patience <n>', `stop after this many epochs without validation improvement, ${rangeText(RANGES.patience)} (0: never)`, '10')
    .option('--seed <n>', `random seed, ${rangeText(RANGES.seed)} (same data + seed -> identical model.json)`, '1')
    .addOption(new Option('--optimizer <name>', 'optimiser').choices(['adam', 'sgd']).default('adam'))
    .option('--momentum <x>', `SGD momentum, in ${rangeText(RANGES.momentum)}`, '0.9')
    .option('--schedule <s>', 'learning-rate schedule: constant, step:EPOCHS:FACTOR (EPOCHS 1 to 1000000, FACTOR in (0, 1]), cosine[:MIN] (MIN in [0, 1])', 'constant')
    .option('--tbptt <n>', `truncated BPTT: backpropagate through chunks of n steps, ${rangeText(RANGES.tbptt)} (0: whole sequences)`, '0')
    .option('--sampling <p>', `encoder–decoder: scheduled sampling, the chance each step feeds back the model's own output instead of the truth, in ${rangeText(RANGES.sampling)} (default 0: teacher forcing)`)
    .addOption(new Option('--task <task>', 'default: classification when the last layer is softmax').choices(['classification', 'regression']))
    .option('--per-step', 'a target at every timestep (many-to-many)')
    .option('--window <n>', `cut one long series into windows of n steps, ${rangeText(RANGES.window)}`)
    .option('--horizon <n>', `with --window: target this many rows after the window, ${rangeText(RANGES.horizon)} (default 1 for regression, 0 for classes)`)
    .option('--stride <n>', `with --window: rows between window starts, ${rangeText(RANGES.stride)} (default 1)`)
    .option('--reconstruct', 'with --window and a decoder of W steps: the target is the window itself (an autoencoder)')
    .option('--id-column <name>', 'labelled CSV: sequence-id column', 'seq')
    .option('--label-column <names>', 'target column(s), comma-separated')
    .option('--features <names>', 'feature columns, comma-separated (default: all others)')
    .option('--json', 'one JSON line per epoch')
    .option('--header', 'CSV data: the first row is a header even if every field is a number')
    .option('--no-header', 'CSV data: the first row is data (default: a header when none of its fields is a number)')
    .action(async (opts: TrainOpts, cmd: Command) => {
      const badName = nameProblem(opts.name);
      if (badName) throw new RnncError('names/invalid', `--name: ${badName}`);
      const arch = parseArch(opts.arch);
      const last = arch.layers[arch.layers.length - 1]!;
      const decoder = arch.decoder;
      const task: Task = opts.task ?? (decoder ? (decoder.feedback.kind === 'embedding' ? 'classification' : 'regression')
        : last.type === 'dense' && last.activation === 'softmax' ? 'classification' : 'regression');
      const perStep = opts.perStep === true;
      const { window, horizon, stride, reconstruct } = windowOptions(opts);
      if (!decoder && opts.sampling !== undefined) throw new RnncError('usage/invalid', '--sampling: only an encoder–decoder (a decoder: item last in --arch) feeds back its outputs');
      if (decoder && perStep) throw new RnncError('usage/invalid', '--per-step: an encoder–decoder writes its outputs after the window; drop --per-step');
      if (decoder && window === undefined) throw new RnncError('usage/invalid', `--arch: an encoder–decoder trains on windows of a series: give --window W (its targets are the ${decoder.steps} rows from --horizon after each window)`);
      const layers = resolveArch(arch.layers, perStep, decoder !== undefined);
      const sampling = opts.sampling === undefined ? 0 : real('--sampling', opts.sampling, RANGES.sampling);
      const settings = {
        name: opts.name,
        epochs: int('--epochs', opts.epochs, RANGES.epochs), batch: int('--batch', opts.batch, RANGES.batch),
        lr: real('--lr', opts.lr, RANGES.lr),
        clip: real('--clip', opts.clip, RANGES.clip),
        val: real('--val', opts.val, RANGES.val),
        patience: int('--patience', opts.patience, RANGES.patience),
        seed: int('--seed', opts.seed, RANGES.seed),
        optimizer: opts.optimizer, momentum: real('--momentum', opts.momentum, RANGES.momentum),
        schedule: parseSchedule(opts.schedule), tbptt: int('--tbptt', opts.tbptt, RANGES.tbptt),
      };
      const ds = readDataset(opts.data, {
        task, perStep, outputs: decoder ? decoder.outputSize : outputUnits(layers), inputs: arch.inputs, targetSteps: decoder?.steps,
        idColumn: opts.idColumn, labelColumns: list(opts.labelColumn), featureColumns: list(opts.features), window,
        horizon, stride, reconstruct, header: opts.header,
      });
      // Refuse an output path that cannot take the model before spending minutes training.
      const inputs = [opts.data, opts.arch];
      checkOutput(opts, inputs);
      const say = messagesIo(io, opts);
      const mode = opts.json ? 'json' : say.isTty ? 'bar' : 'lines';
      const progress = progressHooks(say, mode, task, { epochs: settings.epochs });
      let stop = false;
      const onSigint = () => { stop = true; };
      process.once('SIGINT', onSigint);
      let outcome;
      try {
        const hooks = { ...progress, stopRequested: () => stop };
        outcome = decoder ? await trainSeq2Seq(ds, layers, decoder, { ...settings, sampling }, hooks) : await trainModel(ds, layers, settings, hooks);
      } finally {
        process.removeListener('SIGINT', onSigint);
        progress.close();
      }
      const { model, result } = outcome;
      model.meta = { ...model.meta, training: { command: trainCommand(cmd), ...(model.meta?.training as object) } };
      if (result.bestEpoch === 0) throw new RnncError('train/interrupted', 'interrupted before the first epoch finished; no model written');
      // The written file must load back: validate the IR (shapes, finiteness) first.
      const text = modelToJson(model);
      validateModel(JSON.parse(text), opts.output);
      writeOutput(io, opts, text, inputs);
      const best = result.history.find((h) => h.epoch === result.bestEpoch)!;
      const how = result.interrupted ? `interrupted in epoch ${result.epochsRun + 1}` : result.earlyStopped ? `stopped early after epoch ${result.epochsRun}` : `${result.epochsRun} epochs`;
      const metric = best.val ? (task === 'classification' ? `validation accuracy ${(100 * best.val.metric).toFixed(1)}%` : `validation rmse ${num(best.val.metric, 5)}`) : `training loss ${num(best.trainLoss, 5)}`;
      if (opts.json) {
        say.out(JSON.stringify({ output: opts.output, bestEpoch: result.bestEpoch, epochsRun: result.epochsRun, interrupted: result.interrupted,
          earlyStopped: result.earlyStopped, train: outcome.trainCount, val: outcome.valCount, ...(best.val ? { val_loss: best.val.loss, val_metric: best.val.metric } : {}) }) + '\n');
      } else {
        say.out(`wrote ${outputName(opts)}: ${how}, kept epoch ${result.bestEpoch} (${metric}); ${outcome.trainCount} training and ${outcome.valCount} validation sequences\n`);
      }
    });
}
