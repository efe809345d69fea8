/**
 * The command printed under each figure: the rnnc command that prints (or writes) the
 * figure's numbers, with the user's model, data and options, quoted for a POSIX shell.
 */
import type { OptLevel } from '../target/build.js';
import type { Target } from '../target/targets.js';
import { shellLine } from './shell.js';

export interface CommandContext {
  /** The model file as the user gave it. */
  modelPath: string;
  modelName: string;
  /** The --data file, if any. */
  dataPath?: string;
  /** The user's other model, quantizer and data-file options, as words. */
  extraArgs: readonly string[];
  target: Target;
  opt: OptLevel;
}

/** The commands of the lower-level tools, with the user's data and options. */
export class Commands {
  constructor(private readonly inp: CommandContext) {}

  private base(verb: string, weightBits: 8 | 16 | undefined, ...more: string[]): string {
    const i = this.inp;
    return shellLine(['rnnc', verb, i.modelPath, ...(i.dataPath !== undefined ? ['--data', i.dataPath] : []),
      ...(weightBits === 16 ? ['--weights', 'int16'] : []), ...i.extraArgs, ...more]);
  }

  quantize(weightBits: 8 | 16, ...more: string[]): string {
    return this.base('quantize', weightBits, ...more, '-o', `${this.inp.modelName}.int${weightBits}.q.json`);
  }

  compile(weightBits: 8 | 16): string {
    return this.base('compile', weightBits, '--target', this.inp.target.name, '-o', `${this.inp.modelName}-${this.inp.target.name}/`);
  }

  /** This report's data as JSON, with a shell comment naming where a figure's numbers are in it. */
  reportJson(weightBits: 8 | 16, where: string): string {
    return `${this.base('report', weightBits, '--json')}  # ${where}`;
  }

  /** On a target without a QEMU board (the host), the command for a board that has one. */
  bench(weightBits: 8 | 16): string {
    const board = this.inp.target.qemu ? this.inp.target.name : 'cortex-m4';
    return this.base('bench', weightBits, '--target', board, '--opt', this.inp.opt);
  }
}
