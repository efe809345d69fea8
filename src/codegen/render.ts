/**
 * Handlebars rendering of the plan. Templates only loop and fill holes; they are
 * compiled with noEscape (C must not be HTML-escaped) and strict (a missing field
 * throws instead of rendering as nothing). Partials: those of each layer kind (kinds.ts),
 * `chain` (layer calls of step/run) and `pass` (a layer over a whole sequence).
 * No helpers are registered: all formatting happens in plan.ts / ctables.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CODEGEN_KINDS } from './kinds.js';

// handlebars is CommonJS with `export =` typings: load it through require.
const Handlebars = createRequire(import.meta.url)('handlebars') as typeof import('handlebars');

const TEMPLATES = new URL('../../templates/', import.meta.url);
/** The layer kinds' partials (kinds.ts), `chain` and `pass`. */
const PARTIALS: Record<string, string> = {
  ...Object.assign({}, ...Object.values(CODEGEN_KINDS).map((k) => k.partials)) as Record<string, string>,
  chain: 'chain.c.hbs', pass: 'pass.c.hbs', decoder: 'decoder.c.hbs',
};
export type TemplateName = 'model.h' | 'model.c' | 'test.c' | 'harness.c' | 'bench.c' | 'build/CMakeLists.txt' | 'build/fragment.mk'
  | 'build/library.properties' | 'build/sketch.ino' | 'build/module.yml' | 'build/zephyr-cmake' | 'build/Kconfig';

let hb: typeof Handlebars | undefined;
const compiled = new Map<TemplateName, HandlebarsTemplateDelegate>();

function read(path: string): string {
  return readFileSync(new URL(path, TEMPLATES), 'utf8');
}

function env(): typeof Handlebars {
  if (!hb) {
    hb = Handlebars.create();
    for (const [name, path] of Object.entries(PARTIALS)) {
      hb.registerPartial(name, hb.compile(read(path), { noEscape: true, strict: true }));
    }
  }
  return hb;
}

export function render(name: TemplateName, context: object): string {
  const t = compiled.get(name) ?? env().compile(read(`${name}.hbs`), { noEscape: true, strict: true });
  compiled.set(name, t);
  return t(context);
}
