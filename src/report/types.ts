/**
 * The data of `rnnc report`: what `--json` prints and what the HTML page draws, one
 * object, so the page never shows a number the JSON lacks. Each figure carries the
 * command that reproduces its numbers, and either its data or a note saying why it is
 * absent (no training history, no --eval, no QEMU for the target, ...).
 */

export interface Figure<D> {
  title: string;
  /** One or two sentences: what the chart shows and how to read it. */
  caption: string;
  /** The rnnc command that prints (or writes) these numbers. */
  command: string;
  /** null when the figure could not be made; `note` says why. */
  data: D | null;
  /** Why the data is absent, or what a reader must know about it (an estimate, say). */
  note?: string;
}

export interface TrainingData {
  /** meta.training.history of the model, as train recorded it. */
  history: { epoch: number[]; trainLoss: number[]; valLoss?: number[]; valMetric?: number[] };
  /** The validation metric's name, null without validation. */
  metric: 'accuracy' | 'rmse' | null;
  /** The epoch whose parameters the model holds (meta.epochs), if recorded. */
  bestEpoch: number | null;
}

export interface RangeBin {
  lo: number;
  hi: number;
  count: number;
}

/** One quantity calibration measured, against the limits of the Q-format that holds it. */
export interface RangeTensor {
  /** Layer index; null for the model input. */
  layer: number | null;
  /** 'input', 'gate pre-activations', 'cell c', 'W x + b', 'h', 'h~' (minGRU, minLSTM). */
  quantity: string;
  /** The fixed-point format holding it (Q3.12, Q4.11, int32 Q16.15, ...). */
  format: string;
  /** The largest |value| the format holds: values beyond saturate. */
  limit: number;
  maxAbs: number;
  count: number;
  /** Fraction of the values with |x| > limit. */
  saturated: number;
  bins: RangeBin[];
}

export interface RangeData {
  source: string;
  sequences: number;
  timesteps: number;
  tensors: RangeTensor[];
}

export interface ErrorPair {
  maxAbs: number;
  rms: number;
}

export interface LayerErrorData {
  source: string;
  layers: Array<{ index: number; type: string; int8: ErrorPair; int16: ErrorPair }>;
}

export interface LutData {
  /** This model's table size. */
  size: number;
  /** Largest error over all 65,536 inputs, in Q0.15 LSBs (2^-15). */
  maxLsb: { sigmoid: number; tanh: number };
  /** Error over x in [-8, 8): the largest |error| in each of a few hundred slices, in LSBs. */
  curve: Array<{ x: number; sigmoid: number; tanh: number }>;
  /** Largest error of every table size rnnc offers, in LSBs. */
  sizes: Array<{ size: number; sigmoid: number; tanh: number }>;
}

export type ModelVariant = 'float' | 'int8' | 'int16';

export interface TaskData {
  source: string;
  kind: 'classification' | 'regression';
  metric: 'accuracy' | 'rmse';
  examples: number;
  float: number;
  int8: number;
  int16: number;
  /** Classification: counts[variant][true][predicted]. */
  confusion?: { classes: string[]; counts: Record<ModelVariant, number[][]> };
  /** Regression: predicted vs true values (at most a few thousand points per variant). */
  scatter?: Array<{ variant: ModelVariant; actual: number; predicted: number }>;
}

export type SizeHow = 'exact' | 'measured' | 'estimated';

export interface MemoryPart {
  /** 'flash' or 'RAM'. */
  memory: 'flash' | 'RAM';
  part: string;
  bytes: number;
  how: SizeHow;
}

export interface MemoryData {
  target: string;
  weightBits: number;
  parts: MemoryPart[];
  flashBytes: number;
  ramBytes: number;
}

export interface InstructionRun {
  weightBits: 8 | 16;
  kernel: string;
  /** encode-decode: the step figures are NAME_encode_step's, `decoder` NAME_decode's. */
  mode: 'step' | 'run' | 'encode-decode';
  steps: number;
  firstStep: number;
  perStep: number;
  maxPerStep: number;
  perMac: number;
  macsPerStep: number;
  /** An encoder–decoder: one NAME_decode over `steps` encoder steps, the outputs it wrote, and per output. */
  decoder?: { decode: number; outputs: number; perOutput: number };
}

export interface InstructionData {
  target: string;
  opt: string;
  runs: InstructionRun[];
}

export interface Figures {
  training: Figure<TrainingData>;
  ranges: Figure<RangeData>;
  layerError: Figure<LayerErrorData>;
  lut: Figure<LutData>;
  task: Figure<TaskData>;
  memory: Figure<MemoryData>;
  instructions: Figure<InstructionData>;
}

export type FigureId = keyof Figures;

/** The order the page shows the figures in. */
export const FIGURE_ORDER: readonly FigureId[] = ['training', 'ranges', 'layerError', 'lut', 'task', 'memory', 'instructions'];

export interface ReportData {
  /** First key, so rnnc recognises its own file. */
  format: 'rnnc-report-data';
  version: 1;
  model: {
    name: string;
    /** The model file as given. */
    source: string;
    inputSize: number;
    outputSize: number;
    params: number;
    macsPerStep: number;
    layers: string[];
  };
  /** The command that made this report. */
  command: string;
  target: string;
  weightBits: 8 | 16;
  figures: Figures;
}
