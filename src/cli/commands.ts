/** Every CLI command, registered in the order `rnnc --help` lists them. */
import type { Command } from 'commander';
import type { CliIo } from './context.js';
import { registerBench } from './bench.js';
import { registerCompile } from './compile.js';
import { registerImport } from './import.js';
import { registerInspect } from './inspect.js';
import { registerQuantize } from './quantize.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerTrain } from './train.js';
import { registerVerify } from './verify.js';

export const COMMANDS: ReadonlyArray<(program: Command, io: CliIo) => void> = [
  registerTrain,
  registerImport,
  registerInspect,
  registerQuantize,
  registerCompile,
  registerVerify,
  registerBench,
  registerReport,
  registerRun,
];
