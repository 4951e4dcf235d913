// Secrets the proxy itself holds (the decrypted provider keys of its destinations): a
// key pasted into a prompt leaks whatever its shape, so these are matched exactly, as
// written, folded (normalize.ts) and decoded (decode.ts), anywhere in the request.

import { isBase64Code, minimumRun } from "@/proxy/classify/decode";

/** Keys shorter than this are placeholders ("ollama", "none") that would match ordinary words. */
export const minimumKnownSecretLength = 12;

/**
 * The known secrets as patterns of literal alternatives, longest first (so a key that
 * begins another is not taken for it). Keys of 16 or more base64 characters (nearly every
 * provider key) can only occur inside a long run of such characters, which decode.ts finds
 * anyway: they are looked for there only, and a prompt without such runs costs nothing.
 * Other keys are looked for in the whole text.
 */
export interface KnownSecrets {
  inRuns?: RegExp;
  anywhere?: RegExp;
}

function alternatives(secrets: string[]): RegExp | undefined {
  if (secrets.length === 0) return undefined;
  const escaped = secrets.sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"));
  return new RegExp(escaped.join("|"), "g");
}

export function compileKnownSecrets(options: { knownSecrets: readonly string[]; fold: (text: string) => string }): KnownSecrets {
  const compiled = new Set<string>();
  for (const secret of options.knownSecrets) {
    const trimmed = secret.trim();
    if (trimmed.length < minimumKnownSecretLength) continue;
    compiled.add(trimmed);
    // The text is read folded: a key with characters that fold is matched folded as well.
    const folded = options.fold(trimmed);
    if (folded.length >= minimumKnownSecretLength) compiled.add(folded);
  }
  const inRuns: string[] = [];
  const anywhere: string[] = [];
  for (const secret of compiled) {
    const runLike = secret.length >= minimumRun && [...secret].every((c) => isBase64Code(c.charCodeAt(0)));
    (runLike ? inRuns : anywhere).push(secret);
  }
  return { inRuns: alternatives(inRuns), anywhere: alternatives(anywhere) };
}

function findIn(options: { pattern: RegExp; text: string; offset: number; found: { start: number; end: number }[] }): void {
  const { pattern, text, offset, found } = options;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) found.push({ start: offset + m.index, end: offset + m.index + m[0].length });
}

/** Every occurrence of a known secret in `text`, given its long runs (decode.ts). */
export function findKnownSecrets(options: { text: string; runs: readonly { start: number; end: number }[]; knownSecrets: KnownSecrets }): { start: number; end: number }[] {
  const { text, runs, knownSecrets } = options;
  const { inRuns, anywhere } = knownSecrets;
  const found: { start: number; end: number }[] = [];
  if (inRuns) for (const run of runs) findIn({ pattern: inRuns, text: text.slice(run.start, run.end), offset: run.start, found });
  if (anywhere) findIn({ pattern: anywhere, text, offset: 0, found });
  return found;
}
