/**
 * The options a user gave on the command line (not those left at their defaults), as
 * words: how `rnnc train` records the command that made a model, and how `rnnc report`
 * prints the command behind each figure with the user's own data options.
 */
import type { Command } from 'commander';

/** `--flag value` pairs (and bare flags) of every option given on the command line, except those in `skip` (attribute names). */
export function givenArgs(cmd: Command, skip: ReadonlySet<string>): string[] {
  const args: string[] = [];
  for (const o of cmd.options) {
    const key = o.attributeName();
    if (skip.has(key) || cmd.getOptionValueSource(key) !== 'cli') continue;
    const value: unknown = cmd.getOptionValue(key);
    if (typeof value === 'boolean') {
      // --header and --no-header share one attribute: name the flag that gives this value.
      const flag = cmd.options.find((f) => f.attributeName() === key && f.negate === !value)?.long;
      if (flag && !args.includes(flag)) args.push(flag);
    } else if (o.long && !args.includes(o.long)) {
      args.push(o.long, String(value));
    }
  }
  return args;
}
