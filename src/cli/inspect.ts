/** `rnnc inspect model.json [--json]`: layers, shapes, parameters, MACs per timestep. */
import type { Command } from 'commander';
import { summarize } from '../ir/shapes.js';
import { gateCount, wholeSequenceOnly } from '../ir/kinds.js';
import { decoderParams, describeDecoder } from '../ir/seq2seq.js';
import { dilationOf, isRecurrent, lookaheadOf } from '../ir/model.js';
import { quote } from '../util/text.js';
import type { CliIo } from './context.js';
import { table, thousands } from './format.js';
import { type ModelFileOptions, addModelFileOptions, loadFloatModel } from './load.js';

export function registerInspect(program: Command, io: CliIo): void {
  const cmd = program
    .command('inspect')
    .description('show layers, shapes, parameter count and MACs per timestep of a model')
    .argument('<model>', 'model file (rnnc model.json, Keras/TF.js model.json or .onnx)')
    .option('--json', 'print one JSON object');
  addModelFileOptions(cmd)
    .action((path: string, opts: ModelFileOptions & { json?: boolean }) => {
      const model = loadFloatModel(path, opts);
      const whole = wholeSequenceOnly(model.layers);
      const s = summarize(model);
      if (opts.json) {
        const d = model.decoder;
        const decoder = d ? { decoder: { cell: d.cell, units: d.units, steps: d.steps, outputSize: d.outputSize, attention: d.attention?.kind ?? null, params: decoderParams(d, s.outputSize, gateCount(d.cell)) } } : {};
        io.out(JSON.stringify({ ...s, ...decoder, normalization: model.normalization !== undefined, ...(model.stateInputs ? { stateInputs: model.stateInputs.map(({ name, shape, targets }) => ({ name, shape, sets: targets.map(({ layer, direction, state }) => ({ layer, direction, state })) })) } : {}) }) + '\n');
        return;
      }
      const rows = s.layers.map((l) => {
        const layer = model.layers[l.index]!;
        const detail = isRecurrent(layer)
          ? [layer.bidirectional ? `bidirectional(${layer.bidirectional})` : '', layer.reverse ? 'reverse' : '', layer.type === 'gru' ? `resetAfter=${layer.resetAfter}` : '',
            // Non-default activations: what the file's gates actually compute.
            (layer.type === 'lstm' || layer.type === 'gru') && layer.recurrentActivation && layer.recurrentActivation !== 'sigmoid' ? `gates=${layer.recurrentActivation}` : '',
            layer.type === 'rnn' && layer.activation === 'relu' ? 'relu' : '',
            [layer.weights, layer.backwardWeights].some((w) => w?.initialH || w?.initialC) ? 'initial-state' : '',
            layer.returnSequences ? 'sequences' : layer.lastOutput === 'last-index' ? 'last-index' : 'last'].filter(Boolean).join(' ')
          : layer.type === 'conv1d' ? `${lookaheadOf(layer) > 0 ? `centred lookahead=${lookaheadOf(layer)}` : 'causal'} k=${layer.kernelSize} d=${dilationOf(layer)} ${layer.activation}`
            : layer.type === 'ssm' ? `N=${layer.stateSize} k=${layer.convSize} R=${layer.dtRank} ${layer.returnSequences ? 'sequences' : 'last'}` : layer.activation;
        return [String(l.index), l.type, String(layer.units), `${l.inputSize} -> ${l.outputSize}`, detail, thousands(l.params), thousands(l.macsPerStep)];
      });
      const outputs = model.decoder ? `${model.decoder.steps} outputs of ${model.decoder.outputSize} after the sequence (encoder–decoder)`
        : `${s.outputSize} outputs ${s.sequenceOutput ? 'per timestep' : 'per sequence'}`;
      io.out(`model ${s.name}: ${s.inputSize} inputs -> ${outputs}` +
        `${model.normalization ? ', input normalisation' : ''}${whole ? `, ${whole.word} (whole sequences only)` : ''}\n`);
      io.out(table(rows, ['#', 'layer', 'units', 'shape', 'detail', 'params', 'MACs/step']));
      io.out(`total: ${thousands(s.params)} parameters, ${thousands(s.macsPerStep)} MACs per timestep\n`);
      if (model.decoder) {
        const d = model.decoder;
        io.out(`decoder: ${describeDecoder(d)}; ${thousands(decoderParams(d, s.outputSize, gateCount(d.cell)))} parameters\n`);
      }
      // Where the exported model's state inputs went: the names `rnnc run --state` takes.
      for (const input of model.stateInputs ?? []) {
        const sets = input.targets.map((t) => `layer ${t.layer}${t.direction === 'backward' ? ' backward' : ''} ${t.state}`).join(', ');
        io.out(`state input ${quote(input.name)} [${input.shape.join(', ')}]: ${sets || 'sets no state of this output'} (zeros unless rnnc run --state gives it)\n`);
      }
    });
}
