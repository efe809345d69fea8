/**
 * One name per concept across commands, with the older names kept as aliases:
 *   -o, --output   everything a command writes (compile: its folder; --out is an alias)
 *   --data         a data file the command reads (quantize, compile, verify, bench and
 *                  run --fixed: calibration data; --calib is an alias)
 * An alias is hidden from the option list and named in its option's help text
 * ("alias: --out"). It gives the same result as the canonical name; giving both is
 * refused in one line (exit 2), even with equal values.
 */
import { type Command, Option } from 'commander';
import { RnncError } from '../errors.js';

/** The help-text suffix naming an option's alias. */
export function aliasNote(alias: string): string {
  return ` (alias: ${alias})`;
}

/**
 * Adds `alias` (flags such as '--out <dir>') to `cmd` as a hidden alias of the option
 * whose attribute is `key` and whose long flag is `flag`. After parsing, the canonical
 * attribute holds the value whichever name was used; the alias attribute keeps it too, so
 * messages can name the flag the user typed.
 */
export function addAlias(cmd: Command, alias: string, flag: string, key: string): Command {
  const opt = new Option(alias).hideHelp();
  cmd.addOption(opt);
  const aliasFlag = opt.long!;
  const refuse = (): never => {
    throw new RnncError('usage/invalid', `${flag} and ${aliasFlag} are the same option (${aliasFlag} is an alias of ${flag}); give only one`);
  };
  let canonicalGiven = false;
  let aliasGiven = false;
  // Commander sets each option's own value first, then these listeners run.
  cmd.on(`option:${opt.name()}`, (value: unknown) => {
    if (canonicalGiven) refuse();
    aliasGiven = true;
    cmd.setOptionValueWithSource(key, value, 'cli');
  });
  cmd.on(`option:${flag.replace(/^--/, '')}`, () => {
    if (aliasGiven) refuse();
    canonicalGiven = true;
  });
  return cmd;
}
