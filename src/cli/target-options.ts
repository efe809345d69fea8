/** Options shared by the commands that build for a target (verify, bench). */
import { RnncError } from '../errors.js';
import type { OptLevel } from '../target/build.js';

/** The optimisation levels a user may ask for on a target build. */
export const USER_OPT_LEVELS: readonly OptLevel[] = ['O2', 'Os'];

export function parseOpt(text: string): OptLevel {
  const level = USER_OPT_LEVELS.find((o) => o === text || `-${o}` === text);
  if (!level) throw new RnncError('usage/invalid', `--opt: expected ${USER_OPT_LEVELS.join(' or ')}, got ${JSON.stringify(text)}`);
  return level;
}
