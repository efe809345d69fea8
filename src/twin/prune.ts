/**
 * Keeps the emitted module free of unused private declarations, so it compiles under
 * noUnusedLocals too: the runtime declarations a model does not reach (a GRU model needs
 * no lstmStep, hence no lstmCellS16) and model constants no layer reads. Names are found
 * on the compiler's syntax tree (ts-morph's wrappers of every number of a weight table
 * would cost seconds), counting identifiers that name a declaration, not a property.
 */
import type { SourceFile, ts as TsNamespace } from 'ts-morph';

type Ts = typeof TsNamespace;

/** The identifiers `node` uses (property names such as x.gate or { gate: 0 } excluded). */
export function namesUsed(node: TsNamespace.Node, ts: Ts, into = new Set<string>()): Set<string> {
  const visit = (n: TsNamespace.Node): void => {
    if (ts.isIdentifier(n)) {
      const p = n.parent;
      const isProperty = p !== undefined && ((ts.isPropertyAccessExpression(p) || ts.isPropertyAssignment(p) || ts.isPropertySignature(p)
        || ts.isMethodSignature(p)) && p.name === n);
      if (!isProperty) into.add(n.text);
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return into;
}

/** The names a top-level statement declares. */
function declared(s: TsNamespace.Statement, ts: Ts): string[] {
  if ((ts.isFunctionDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name) return [s.name.text];
  if (ts.isVariableStatement(s)) return s.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  return [];
}

/**
 * Removes from the runtime `rt` every declaration that `roots` (names the model uses) do
 * not reach through the declarations' own uses.
 */
export function pruneRuntime(rt: SourceFile, roots: ReadonlySet<string>, ts: Ts): void {
  const uses = new Map<string, Set<string>>();
  for (const s of rt.compilerNode.statements) for (const name of declared(s, ts)) uses.set(name, namesUsed(s, ts));
  const keep = new Set<string>();
  const todo = [...roots].filter((n) => uses.has(n));
  for (let n = todo.pop(); n !== undefined; n = todo.pop()) {
    if (keep.has(n)) continue;
    keep.add(n);
    for (const m of uses.get(n) ?? []) if (uses.has(m) && !keep.has(m)) todo.push(m);
  }
  for (const s of [...rt.getStatements()].reverse()) {
    if (!declared(s.compilerNode, ts).some((n) => keep.has(n))) s.remove();
  }
}

/**
 * Removes from the model's files (parts of one module) the private constants and
 * functions nothing else names, repeated until none is left.
 */
export function pruneModel(files: readonly SourceFile[], ts: Ts): void {
  for (;;) {
    const statements = files.flatMap((f) => f.getStatements());
    const uses = statements.map((s) => namesUsed(s.compilerNode, ts));
    const usedElsewhere = (i: number, name: string) => uses.some((u, j) => j !== i && u.has(name));
    const exported = (s: TsNamespace.Statement) => ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const unused = statements.findIndex((s, i) => {
      const names = declared(s.compilerNode, ts);
      return !exported(s.compilerNode) && names.length > 0 && names.every((n) => !usedElsewhere(i, n));
    });
    if (unused < 0) return;
    statements[unused]!.remove();
  }
}
