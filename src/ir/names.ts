/**
 * The identifier policy for model names: the name becomes the prefix of every
 * exported C symbol, so it must be a safe, short, lower-case C identifier.
 * Bad names are refused with the reason, never rewritten.
 */

/** `<name>_dequantize_output` (18 chars of suffix) must fit C99's 31 significant characters. */
export const MAX_NAME_LENGTH = 12;

const C_KEYWORDS = new Set([
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum',
  'extern', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return',
  'short', 'signed', 'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void',
  'volatile', 'while', 'bool', 'true', 'false', 'asm', 'main', 'errno', 'assert', 'offsetof', 'NULL',
  // C++ keywords, because the header is includable from C++
  'class', 'namespace', 'new', 'delete', 'this', 'template', 'typename', 'private', 'public',
  'protected', 'virtual', 'operator', 'friend', 'try', 'catch', 'throw', 'using', 'export',
]);

/** Returns why `name` is not acceptable, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  const quoted = JSON.stringify(name);
  const shown = quoted.length > 40 ? `${quoted.slice(0, 36)}..."` : quoted;
  if (name.length === 0) return 'must not be empty';
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    return `${shown} is not a safe C identifier: use lower-case letters, digits and '_', starting with a letter`;
  }
  if (name.length > MAX_NAME_LENGTH) {
    return `${shown} is ${name.length} characters long; at most ${MAX_NAME_LENGTH} keep every generated symbol within C99's 31 significant characters`;
  }
  if (C_KEYWORDS.has(name)) return `${shown} is a reserved word in C or C++`;
  // The runtime owns rnnc_*: a model called "rnnc" would emit rnnc_step next to it.
  if (name === 'rnnc' || name.startsWith('rnnc_')) return `${shown} must not start with 'rnnc_' (reserved for the runtime)`;
  if (name.includes('__')) return `${shown} must not contain '__' (reserved in C and C++)`;
  // <name>_step would contain '__', which C++ reserves everywhere in an identifier.
  if (name.endsWith('_')) return `${shown} must not end with '_' (generated symbols would contain '__')`;
  return undefined;
}
