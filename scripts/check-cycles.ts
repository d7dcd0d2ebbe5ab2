/**
 * Fails when the files under src/ import each other in a loop, or its folders do (a file in folder
 * `a` imports one in folder `b` while another file in `b` imports one in `a`). A cycle means two modules can no longer be
 * understood, tested or changed apart, so CI stops it before it lands (`npm run check`).
 *
 *   bun scripts/check-cycles.ts          # checks src/
 *   bun scripts/check-cycles.ts harness  # checks another folder
 *
 * Every import counts, type-only ones too (`import type`, `{ type X }`, `import("./x").T`): a type
 * cycle ties the files together for a reader as much as any other. Bun's transpiler cannot be asked
 * (its scan drops type-only imports along with the types), so the specifiers are read from the
 * source, comments removed, by `importSpecifiers` (tests/unit/check-cycles.test.ts proves the check
 * fails on a type-only cycle).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
const folder = resolve(root, process.argv[2] ?? "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Block and line comments; a string holding `//` (a URL) is matched first and kept. */
const commentOrString = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g;
/**
 * A statement `import … from "x"`, `export … from "x"` (either with `type`) or `import "x"`: at the
 * start of a line, as the formatter leaves every one, so that text inside a string is not taken
 * for an import.
 */
const staticImport = /^[ \t]*(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s*)?["']([^"']+)["']/gm;
/** `import("x")`, as an expression or a type (`import("./x.ts").T`). */
const importCall = /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

/** Every module specifier a TypeScript source imports, type-only imports included. */
function importSpecifiers(source: string): string[] {
  const code = source.replace(commentOrString, (token) => (token.startsWith("/") ? "" : token));
  return [...code.matchAll(staticImport), ...code.matchAll(importCall)].map((match) => match[1] ?? "");
}

/** The files of the folder that a file imports (relative imports only: packages cannot loop back). */
function importsOf(file: string, known: Set<string>): string[] {
  return importSpecifiers(readFileSync(file, "utf8"))
    .filter((path) => path.startsWith("."))
    .map((path) => resolve(dirname(file), path))
    .filter((target) => known.has(target));
}

const files = sourceFiles(folder);
const known = new Set(files);
const fileGraph = new Map(files.map((file) => [file, importsOf(file, known)]));

/** The same imports between the folder's first-level folders (a file at its top stands for itself). */
function folderGraph(): Map<string, string[]> {
  const unit = (file: string) => {
    const [first, ...rest] = relative(folder, file).split("/");
    return rest.length === 0 ? file : join(folder, first ?? "");
  };
  const graph = new Map<string, Set<string>>();
  for (const [file, targets] of fileGraph) {
    const from = unit(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const target of targets) if (unit(target) !== from) edges.add(unit(target));
  }
  return new Map([...graph].map(([from, edges]) => [from, [...edges]]));
}

/** Every strongly connected component of more than one node (or a node importing itself): Tarjan's algorithm. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component);
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

function report(graph: Map<string, string[]>, what: string): number {
  const loops = cycles(graph);
  for (const component of loops) {
    const members = new Set(component);
    console.error(`import cycle among ${component.length} ${what}:`);
    for (const node of component.sort()) {
      const inside = (graph.get(node) ?? []).filter((target) => members.has(target));
      console.error(`  ${relative(root, node)} -> ${inside.map((target) => relative(root, target)).join(", ")}`);
    }
  }
  return loops.length;
}

// Folder cycles are only worth reading once the file cycles (which also show as folder cycles) are gone.
if (report(fileGraph, "files") > 0 || report(folderGraph(), "folders") > 0) process.exit(1);
console.log(`no import cycles in ${relative(root, folder)}/ (${files.length} files)`);
