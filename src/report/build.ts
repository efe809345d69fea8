/**
 * The report's data, figure by figure, from the public functions of the layers below:
 * the quantizer (both weight widths, its error and eval reports), the fixed-point
 * tables, the code generator's tables and memory figures, and `rnnc bench` on a QEMU
 * board. A figure that cannot be made here (no data, no QEMU) carries a note instead;
 * only bad input fails the whole report.
 */
import { emitModel } from '../codegen/emit.js';
import type { FloatModel } from '../ir/model.js';
import type { QuantModel } from '../ir/qmodel.js';
import { gateCount } from '../ir/kinds.js';
import { decoderParams, describeDecoder } from '../ir/seq2seq.js';
import { summarize } from '../ir/shapes.js';
import type { CalibrationSummary } from '../quantize/calibrate.js';
import type { QuantizationMeta } from '../quantize/meta.js';
import { type CalibData, type PipelineOptions, quantizeWithData } from '../quantize/pipeline.js';
import type { EvalData } from '../quantize/report.js';
import type { OptLevel } from '../target/build.js';
import { measureCode } from '../target/size.js';
import type { Target } from '../target/targets.js';
import { Commands } from './commands.js';
import { benchBoth, instructionRun } from './instructions.js';
import { layerErrorData } from './layer-error.js';
import { lutData } from './lut.js';
import { memoryData } from './memory.js';
import { rangeHistograms } from './ranges.js';
import { shellWord } from './shell.js';
import { taskData } from './task.js';
import { trainingFigure } from './training.js';
import type { Figure, InstructionData, ReportData } from './types.js';

export interface ReportInputs {
  model: FloatModel;
  /** The model file as the user gave it (for the printed commands). */
  modelPath: string;
  calib?: CalibData;
  evalData?: EvalData;
  target: Target;
  opt: OptLevel;
  /** The quantizer's settings; weightBits is the width the memory map shows (default 8). */
  pipeline: PipelineOptions;
  /** The user's other model, quantizer and data-file options, as words, for the printed commands. */
  extraArgs: readonly string[];
  version: string;
  /** The command that made this report. */
  command: string;
}

export interface BuiltReport {
  data: ReportData;
  /** One-line warnings of the quantizer (no calibration data, ...). */
  warnings: string[];
}

const NO_DATA = 'no calibration data: pass --data with representative sequences (the data a model was trained on will do)';

/** A Figure without data, saying why. */
function absent<D>(title: string, caption: string, command: string, note: string): Figure<D> {
  return { title, caption, command, data: null, note };
}

export async function buildReport(inp: ReportInputs): Promise<BuiltReport> {
  const { model, calib } = inp;
  const bits = inp.pipeline.weightBits ?? 8;
  const chosen = quantizeWithData(model, calib, { ...inp.pipeline, weightBits: bits });
  const other = quantizeWithData(model, calib, { ...inp.pipeline, weightBits: bits === 8 ? 16 : 8 });
  const q = chosen.model;
  const models: Record<8 | 16, QuantModel> = bits === 8 ? { 8: q, 16: other.model } : { 8: other.model, 16: q };
  const cmd = new Commands({ modelPath: inp.modelPath, modelName: model.name, ...(calib ? { dataPath: calib.source } : {}), extraArgs: inp.extraArgs, target: inp.target, opt: inp.opt });
  const summary = (q.meta?.quantization as QuantizationMeta | undefined)?.calibration as CalibrationSummary | null | undefined;

  const rangesCaption = 'Every value calibration saw, binned, beside the largest magnitude its fixed-point format holds (dashed lines); '
    + 'red bars lie beyond it and saturate in the integer code. Counts on a log scale.';
  // quantize prints the formats and calibrated maxima; the bins themselves are only in the report's data.
  const rangesCommand = `${cmd.quantize(bits)}\n${cmd.reportJson(bits, 'the histograms: .figures.ranges.data')}`;
  const ranges: ReportData['figures']['ranges'] = calib && summary
    ? { title: 'Calibrated ranges against their Q-formats', caption: rangesCaption, command: rangesCommand, data: rangeHistograms(model, q, calib.sequences, summary, calib.source) }
    : absent('Calibrated ranges against their Q-formats', rangesCaption, rangesCommand, NO_DATA);

  const errorCaption = 'How far each layer\'s fixed-point output drifts from the float reference over the calibration data '
    + '(every output value of every timestep, in real units), with int8 and with int16 weights. Log scale.';
  const errorCommand = `${cmd.quantize(8)}\n${cmd.quantize(16)}`;
  const layerError: ReportData['figures']['layerError'] = calib
    ? { title: 'Quantization error per layer: int8 vs int16 weights', caption: errorCaption, command: errorCommand, data: layerErrorData(model, models[8], models[16], calib.sequences, calib.source) }
    : absent('Quantization error per layer: int8 vs int16 weights', errorCaption, errorCommand, NO_DATA);

  const lut = lutData(q);
  const taskCaption = 'The task metric of the float model and of its int8 and int16 quantizations on the held-out data, '
    + 'and where their predictions went.';
  const taskCommand = cmd.quantize(bits, ...(inp.evalData ? ['--eval', inp.evalData.source] : ['--eval', 'HELD_OUT_DATA']));
  const task: ReportData['figures']['task'] = inp.evalData
    ? { title: 'Task metric: float vs int8 vs int16', caption: taskCaption, command: taskCommand, data: taskData(model, models[8], models[16], inp.evalData) }
    : absent('Task metric: float vs int8 vs int16', taskCaption, taskCommand, 'no held-out data: pass --eval with labelled sequences (the training data format)');

  const benched = await benchBoth(inp.target, inp.opt, inp.version, models);
  const instrCaption = `Instructions per timestep on ${inp.target.name} under QEMU (counted exactly, outputs checked bit-exact against the reference), `
    + 'for int8 and int16 weights: the first step after reset, the mean over the following steps and the largest'
    + (model.decoder ? ' (of NAME_encode_step), and one decoder step (one NAME_decode over the encoded steps, per output vector).' : '.');
  const instrCommand = `${cmd.bench(8)}\n${cmd.bench(16)}`;
  const instructions: Figure<InstructionData> = typeof benched === 'string'
    ? absent('Instructions per step', instrCaption, instrCommand, benched)
    : { title: 'Instructions per step', caption: instrCaption, command: instrCommand, data: { target: inp.target.name, opt: inp.opt, runs: [instructionRun(benched[8]), instructionRun(benched[16])] } };

  const emitted = emitModel(q, inp.target, { version: inp.version, source: inp.modelPath.split(/[\\/]/).pop() ?? inp.modelPath, maxSeq: 128 });
  const code = await measureCode(emitted, inp.target);
  const bench = typeof benched === 'string' ? undefined : benched[bits];
  const memory = memoryData(q, emitted, code, bench);
  const estimated = memory.parts.filter((p) => p.how === 'estimated').map((p) => p.part);
  const why = [
    ...(code.measured || bench ? [] : [`the code size needs ${inp.target.cc}, which was not found`]),
    ...(bench ? [] : ['a QEMU board target (--target cortex-m4, say) measures code, state and peak stack there']),
  ];
  const memoryFigure: ReportData['figures']['memory'] = {
    title: `Flash and RAM on ${inp.target.name} (int${bits} weights)`,
    caption: 'Where the model\'s bytes go: the weight tables of each layer, the lookup tables and the code in flash; '
      + 'the state, static scratch and stack in RAM. Table sizes are exact; each other part says whether it was measured or estimated.',
    command: bench ? `${cmd.compile(bits)}\n${cmd.bench(bits)}` : cmd.compile(bits),
    data: memory,
    ...(estimated.length > 0 ? { note: `estimated: ${estimated.join(', ')}; ${why.join('; ')}` } : {}),
  };

  const shape = summarize(model);
  // An encoder–decoder: the decoder is one more line, its parameters in the total, its K
  // outputs of O the model's output; the MACs stay the encoder's per input step.
  const d = model.decoder;
  const decoderCount = d ? decoderParams(d, shape.outputSize, gateCount(d.cell)) : 0;
  const data: ReportData = {
    format: 'rnnc-report-data', version: 1,
    model: {
      name: model.name, source: inp.modelPath, inputSize: shape.inputSize, outputSize: d ? d.steps * d.outputSize : shape.outputSize,
      params: shape.params + decoderCount, macsPerStep: shape.macsPerStep,
      layers: [
        ...model.layers.map((l, i) => `${l.type}:${l.units} (${shape.layers[i]!.params.toLocaleString('en-US')} parameters)`),
        ...(d ? [`decoder: ${describeDecoder(d)} (${decoderCount.toLocaleString('en-US')} parameters)`] : []),
      ],
    },
    command: inp.command, target: inp.target.name, weightBits: bits,
    figures: {
      training: trainingFigure(model, shellWord(inp.modelPath)),
      ranges, layerError,
      lut: {
        title: 'Lookup-table error (sigmoid, tanh)',
        caption: `The error of this model's ${lut.size}-entry tables over every Q3.12 input, in Q0.15 LSBs (2^-15), `
          + 'and the largest error of every table size --lut-size offers (this model\'s circled).',
        command: `${cmd.quantize(bits)}\n${cmd.reportJson(bits, 'the curves: .figures.lut.data')}`, data: lut,
      },
      task, memory: memoryFigure, instructions,
    },
  };
  return { data, warnings: [...new Set([...chosen.warnings, ...other.warnings])] };
}
