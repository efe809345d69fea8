/** Every CLI command, registered in the order `rnnc --help` lists them. */
import type { Command } from 'commander';
import type { CliIo } from './context.js';
import { registerImport } from './import.js';
import { registerInspect } from './inspect.js';
import { registerQuantize } from './quantize.js';
import { registerRun } from './run.js';
import { registerTrain } from './train.js';

export const COMMANDS: ReadonlyArray<(program: Command, io: CliIo) => void> = [
  registerImport,
  registerInspect,
  registerRun,
  registerTrain,
  registerQuantize,
];
