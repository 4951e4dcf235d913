// Reads an inventory file, YAML or JSON (JSON is YAML to the parser, so both get line
// numbers), and reports every problem with its line, column and path, the way a
// compiler does: "inventory.yaml:42:19: conduits[2].maxDataClass: ...".
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { checkInventoryFile, inventoryFileSchema, type EntryProblem, type InventoryFile } from "@/lib/inventory/as-code/format";

export interface FileProblem {
  /** Where in the document, like conduits[2].maxDataClass; empty for the file as a whole. */
  path: string;
  line: number | null;
  column: number | null;
  message: string;
}

export class InventoryFileError extends AppError {
  override name = "InventoryFileError";
  readonly problems: FileProblem[];

  constructor(options: { source: string; problems: FileProblem[] }) {
    const { source, problems } = options;
    const lines = problems.map((p) => {
      const where = p.line === null ? source : `${source}:${p.line}:${p.column}`;
      return `  ${where}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
    });
    super({
      code: "validation_failed",
      message: `${source} is not a valid inventory file (${problems.length} ${problems.length === 1 ? "problem" : "problems"}):\n${lines.join("\n")}`,
      issues: problems.map((p) => ({ path: p.path, message: p.line === null ? p.message : `line ${p.line}, column ${p.column}: ${p.message}` })),
    });
    this.problems = problems;
  }
}

/** conduits[2].maxDataClass */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === "number" ? `${text}[${segment}]` : text ? `${text}.${String(segment)}` : String(segment)), "");
}

// Key names that mean someone is about to commit a secret.
const secretKey = /key|token|secret|password|credential/i;

/** A schema issue as problems: one per unknown key, pointing at the key itself. */
function problemsOf(issue: z.core.$ZodIssue): (EntryProblem & { at: "key" | "value" })[] {
  if (issue.code !== "unrecognized_keys") return [{ path: issue.path as (string | number)[], message: issue.message, at: "value" }];
  return issue.keys.map((key) => ({
    path: [...(issue.path as (string | number)[]), key],
    message: secretKey.test(key)
      ? "secrets never go into the inventory file: set provider keys and device tokens in the application, which stores them encrypted or hashed"
      : `unknown key "${key}" (the format is documented in docs/inventory.example.yaml)`,
    at: "key",
  }));
}

/**
 * The line and column of the node at `path`, or of its nearest ancestor when the path
 * leads to a key the file does not have (a missing required field points at its entry).
 */
function locate(options: { doc: Document; lineCounter: LineCounter; path: (string | number)[]; at: "key" | "value" }) {
  const { doc, lineCounter, path, at } = options;
  let node: unknown = doc.contents;
  let range = doc.contents?.range;
  for (const [i, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
      if (!pair) break;
      next = at === "key" && i === path.length - 1 ? pair.key : pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment];
    }
    const nextRange = (next as { range?: [number, number, number] } | undefined)?.range;
    if (!nextRange) break;
    node = next;
    range = nextRange;
  }
  if (!range) return { line: null, column: null };
  const { line, col } = lineCounter.linePos(range[0]);
  return { line, column: col };
}

export function parseInventoryFile(options: { text: string; source: string }): InventoryFile {
  const { text, source } = options;
  const lineCounter = new LineCounter();
  // Duplicate keys are errors, not "last one wins": a reviewer would read the first.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new InventoryFileError({
      source,
      problems: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { path: "", line, column: col, message: e.message };
      }),
    });
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new InventoryFileError({ source, problems: [{ path: "", line: null, column: null, message: (error as Error).message }] });
  }
  if (data === null || data === undefined) {
    throw new InventoryFileError({ source, problems: [{ path: "", line: null, column: null, message: "the file is empty" }] });
  }

  const located = (problems: (EntryProblem & { at?: "key" | "value" })[]): FileProblem[] =>
    problems
      .map((p) => ({ path: formatPath(p.path), message: p.message, ...locate({ doc, lineCounter, path: p.path, at: p.at ?? "value" }) }))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));

  const parsed = inventoryFileSchema.safeParse(data, { error: (issue) => (issue.input === undefined ? "is required" : undefined) });
  if (!parsed.success) throw new InventoryFileError({ source, problems: located(parsed.error.issues.flatMap(problemsOf)) });

  const problems = checkInventoryFile(parsed.data);
  if (problems.length > 0) throw new InventoryFileError({ source, problems: located(problems) });
  return parsed.data;
}
