// Imports run one way (docs/architecture.md): every module of src/, checkers/ and workloads/
// imports only from its own part or from the parts its part may use, and no two modules import
// each other, however indirectly (types included). The graph is read from TypeScript's syntax tree of
// each file (static, dynamic and type-only imports).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/**
 * What each part may import besides itself. The layers, top down: cli → report → check →
 * runner / nemesis / probe → workloads → targets → emulator → history → util. Checkers sit
 * below workloads and beside the emulator: the workloads name their checkers, and only the
 * check layer (through checkers/registry.ts) and the report load them.
 */
const MAY_USE: Record<string, readonly string[]> = {
  'src/util': [],
  'src/types': [],
  'src/history': ['src/util'],
  checkers: ['src/history', 'src/util'],
  'src/emulator': ['src/history', 'src/util', 'src/types'],
  'src/conformance': ['src/util'],
  'src/targets': ['src/emulator', 'src/history', 'src/util', 'src/types'],
  workloads: ['src/targets', 'src/history', 'src/util'],
  'src/nemesis': ['src/targets', 'src/history', 'src/util'],
  'src/probe': ['src/targets', 'src/history', 'src/util'],
  'src/runner': ['workloads', 'src/nemesis', 'src/targets', 'src/history', 'src/util'],
  'src/check': ['checkers', 'workloads', 'src/runner', 'src/history', 'src/util'],
  'src/report': ['src/check', 'checkers', 'workloads', 'src/probe', 'src/runner', 'src/history', 'src/util'],
  'src/cli': ['src/report', 'src/check', 'checkers', 'src/runner', 'src/nemesis', 'src/probe', 'workloads', 'src/targets', 'src/emulator', 'src/conformance', 'src/history', 'src/util', 'src/types'],
};

/** The part a file belongs to: its folder under src/, or checkers or workloads. */
function partOf(file: string): string {
  const [top, second] = relative(root, file).split('/');
  return top === 'src' ? `src/${second}` : top!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

interface Graph {
  /** Every import of the project's own modules (relative specifiers), as .ts paths. */
  all: Map<string, string[]>;
  /** Those that exist at run time (not `import type`, not only types named): what a cycle is made of. */
  runtime: Map<string, string[]>;
}

/** Each file's imports, from TypeScript's syntax tree of it. */
function importGraph(): Graph {
  const files = ['src', 'checkers', 'workloads'].flatMap((d) => sourceFiles(join(root, d)));
  const known = new Set(files);
  const all = new Map<string, string[]>();
  const runtime = new Map<string, string[]>();
  const target = (file: string, spec: string): string => {
    const t = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    return known.has(t) ? t : t.replace(/\.ts$/, '.d.ts');
  };
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    const everything: string[] = [];
    const values: string[] = [];
    const add = (spec: string, typeOnly: boolean): void => {
      if (!spec.startsWith('.')) return;
      everything.push(target(file, spec));
      if (!typeOnly) values.push(target(file, spec));
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const clause = node.importClause;
        const named = clause?.namedBindings;
        const onlyTypes =
          clause !== undefined &&
          (clause.isTypeOnly || (clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)));
        add(node.moduleSpecifier.text, onlyTypes);
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        add(node.moduleSpecifier.text, node.isTypeOnly);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
        add(node.arguments[0].text, false);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        add(node.argument.literal.text, true);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    all.set(file, everything);
    runtime.set(file, values);
  }
  return { all, runtime };
}

/** The strongly connected components of more than one file (Tarjan), each as relative paths. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(relative(root, w));
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('imports run one way', () => {
  const { all: graph, runtime } = importGraph();

  it('reads the whole graph: every part is known, every import resolves to a file', () => {
    expect(graph.size).toBeGreaterThan(200);
    // Type-only imports are told apart: workloads/mixed.ts imports values, and only a type of workload.ts.
    const mixed = join(root, 'workloads/mixed.ts');
    expect(runtime.get(mixed)).toContain(join(root, 'src/history/parts.ts'));
    expect(graph.get(mixed)).toContain(join(root, 'workloads/workload.ts'));
    expect(runtime.get(mixed)).not.toContain(join(root, 'workloads/workload.ts'));
    for (const [file, targets] of graph) {
      expect(Object.keys(MAY_USE), relative(root, file)).toContain(partOf(file));
      for (const t of targets) expect(t.endsWith('.d.ts') || graph.has(t), `${relative(root, file)} imports ${relative(root, t)}`).toBe(true);
    }
  });

  it('no module imports from a part above its own, or beside it', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const from = partOf(file);
      for (const t of targets) {
        const to = partOf(t);
        if (to !== from && !MAY_USE[from]!.includes(to)) wrong.push(`${relative(root, file)} → ${relative(root, t)} (${from} may use ${MAY_USE[from]!.join(', ') || 'nothing else'})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('no import cycle, at run time or of types alone', () => {
    expect(cycles(runtime)).toEqual([]);
    // Types vanish once compiled, but a ring of them still means no module can be read first.
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a wrong-way import and a cycle when there is one', () => {
    // The checks above, on a graph with one of each: they cannot pass vacuously.
    const a = join(root, 'src/history/a.ts');
    const b = join(root, 'src/history/b.ts');
    const up = join(root, 'src/cli/main.ts');
    const g = new Map([
      [a, [b, up]],
      [b, [a]],
      [up, []],
    ]);
    expect(cycles(g)).toEqual([['src/history/a.ts', 'src/history/b.ts']]);
    expect(MAY_USE[partOf(a)]).not.toContain(partOf(up));
  });
});
