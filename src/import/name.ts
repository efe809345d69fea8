/**
 * A default model name for an imported model: the framework's model name or the file
 * name, made into a valid IR name (ir/names.ts), else "model". Users override with --name.
 */
import { basename, extname } from 'node:path';
import { nameProblem } from '../ir/names.js';

export function cleanName(raw: string): string | undefined {
  const name = raw.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^[^a-z]+/, '').slice(0, 12).replace(/_+$/, '');
  return nameProblem(name) === undefined ? name : undefined;
}

export function modelNameFrom(frameworkName: string | undefined, path: string): string {
  const file = basename(path, extname(path));
  const candidates = file === 'model' ? [frameworkName, file] : [file, frameworkName];
  for (const c of candidates) {
    const name = c === undefined ? undefined : cleanName(c);
    if (name !== undefined) return name;
  }
  return 'model';
}
