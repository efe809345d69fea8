/** Options shared by the commands that build for a target (verify, bench). */
import { RnncError } from '../errors.js';
import type { OptLevel } from '../target/build.js';
import type { Target } from '../target/targets.js';
import { requireCompiler, requireEmulator } from '../target/toolchain.js';

/** The optimisation levels a user may ask for on a target build. */
export const USER_OPT_LEVELS: readonly OptLevel[] = ['O2', 'Os'];

export function parseOpt(text: string): OptLevel {
  const level = USER_OPT_LEVELS.find((o) => o === text || `-${o}` === text);
  if (!level) throw new RnncError('usage/invalid', `--opt: expected ${USER_OPT_LEVELS.join(' or ')}, got ${JSON.stringify(text)}`);
  return level;
}

/**
 * The compiler, C library and QEMU a board target needs, checked before any model is
 * read, so a missing tool is the one line the user sees (naming the Debian package).
 * Returns whether the target runs under QEMU (false: the host).
 */
export async function requireBoardTools(target: Target): Promise<boolean> {
  if (!target.qemu) return false;
  await requireCompiler(target);
  requireEmulator(target);
  return true;
}
