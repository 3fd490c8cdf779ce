/**
 * Fails when the TypeScript sources import each other in a cycle, `import type` included: a cycle is two
 * modules that each need the other, so neither sits below the other. Run by `npm run lint`; prints each cycle
 * as a chain of paths. Usage: tsx scripts/import-cycles.ts [root folders...] (default: every folder tsconfig.json includes).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Every .ts file under `dirs` (skipping .d.ts files), as paths relative to `root`. */
function sourceFiles(root: string, dirs: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(rel);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(rel);
    }
  };
  for (const dir of dirs) if (fs.existsSync(path.join(root, dir))) walk(dir);
  return found.sort();
}

/** The file a relative specifier names (`./x` is x.ts or x/index.ts), or undefined for a package. */
function resolve(root: string, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.join(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find(
    (candidate) => candidate.endsWith('.ts') && fs.existsSync(path.join(root, candidate)),
  );
}

/** Each file's relative imports and re-exports (type-only ones too), read with the TypeScript compiler. */
export function importGraph(root: string, dirs: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root, dirs)) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(root, file), 'utf8'), true, true);
    const targets = importedFiles.flatMap(({ fileName }) => resolve(root, file, fileName) ?? []);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The import cycles of `graph`: one per strongly connected component, as a closed chain of files. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file) as number);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) connect(next);
      if (onStack.has(next)) low.set(file, Math.min(low.get(file) as number, low.get(next) ?? Infinity));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(chainThrough(graph, component));
  };
  for (const file of graph.keys()) if (!index.has(file)) connect(file);
  return cycles;
}

/** A closed chain of imports through a component's files, from its first file (by name) back to it. */
function chainThrough(graph: Map<string, string[]>, component: string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0] as string;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const next of graph.get(file) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) return [...pathTo(cameFrom, file, start), start];
      if (!cameFrom.has(next)) {
        cameFrom.set(next, file);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

function pathTo(cameFrom: Map<string, string>, file: string, start: string): string[] {
  const chain = [file];
  while (chain[0] !== start) chain.unshift(cameFrom.get(chain[0] as string) as string);
  return chain;
}

/** The lint's message for `cycles`, or undefined when there is none. */
export function cycleReport(cycles: string[][]): string | undefined {
  if (cycles.length === 0) return undefined;
  const lines = cycles.map((cycle) => `  ${cycle.join(' -> ')}`);
  return `Import cycles (${cycles.length}): each module below needs the next, so none sits below the others. Move what both need into a lower module (src/shared or src/domain), or merge them.\n${lines.join('\n')}`;
}

/** The folders tsconfig.json includes: the default roots. */
export const SOURCE_DIRS = ['src', 'testkit', 'test', 'bench', 'scripts', 'examples'];

if (require.main === module) {
  const dirs = process.argv.slice(2);
  const report = cycleReport(findCycles(importGraph(process.cwd(), dirs.length > 0 ? dirs : SOURCE_DIRS)));
  if (report) {
    process.stderr.write(`${report}\n`);
    process.exitCode = 1;
  }
}
