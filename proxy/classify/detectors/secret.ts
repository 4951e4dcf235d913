// Secrets and credentials: key blocks, tokens of known shapes (the product's own device
// tokens among them), passwords named as such, credentials inside URLs. The span is the
// secret value itself, so a redacted prompt still reads "password=[REDACTED:secret]".
// The classifier runs this on folded text (normalize.ts), on decoded runs (decode.ts) and
// on the text of all parts joined (request-text.ts), not only on each part as written.
import { firstMatch } from "@/proxy/classify/detectors/text";
import type { SpanSink } from "@/proxy/classify/detectors/sink";

const privateKeyBlock = /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----|$)/g;

// A whole token run that starts with a known prefix. Nothing follows the run in the
// pattern, so the engine never backtracks into it; the exact shape is checked afterwards,
// as is the start of the run (not after "-" or ".").
const tokenRun = /\b(?:sk-|[sr]k_(?:live|test)_|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|AIza|AKIA|ASIA|hf_|npm_|eyJ)[\w\-.]*/g;

const tokenShapes: RegExp[] = [
  /^sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d{2}-)?[\w-]{20,}$/, // OpenAI, Anthropic
  /^[sr]k_(?:live|test)_[A-Za-z0-9]{16,}$/, // Stripe
  /^gh[pousr]_[A-Za-z0-9]{36,}$/, // GitHub
  /^github_pat_\w{22,}$/,
  /^glpat-[\w-]{20,}$/, // GitLab
  /^xox[abprs]-[A-Za-z0-9-]{10,}$/, // Slack
  /^AIza[\w-]{35}$/, // Google
  /^A(?:KIA|SIA)[A-Z0-9]{16}$/, // AWS access key id
  /^hf_[A-Za-z0-9]{30,}$/, // Hugging Face
  /^npm_[A-Za-z0-9]{36}$/,
  /^eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}$/, // JWT (operator assertions among them)
];

// The proxy's own device credential (lib/devices/credentials.ts): "cl_dev_" and 32 random
// bytes in base64url. The prefix is distinctive enough to need no word boundary, so a
// token glued to the text before or after it is still found.
const deviceToken = /cl_dev_[A-Za-z0-9_-]{43}/g;

// An AWS secret access key has no prefix; it is recognised next to its access key id.
const awsSecretKey = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

// A credential named by a key and a separator: "password=...", "Passwort: ...",
// "pwd=...;" in connection strings, "api_key": "..." in JSON, and with a prefix
// "DB_PASSWORD=...", "x-api-key: ...", "dbPassword: ..." (checked in code, not by a
// pattern that would retry at every letter).
const namedCredential =
  /(passwor[dt]|passwd|pwd|pass(?:phrase)?|kennwort|senha|palavra-passe|contrase(?:ñ|n)a|client[_-]?secret|secret(?:[_-]?key)?|api[_-]?key|access[_-]?key|auth[_-]?token|access[_-]?token|refresh[_-]?token|token|account[_-]?key|shared[_-]?access[_-]?key)["']?\s*(?:=>|[:=])\s*/gi;

// "the password for the HMI is Siemens123", "das Kennwort lautet ...", "a senha ... é ...".
const statedPassword = /(?<![\w-])(?:password|passwort|kennwort|senha|palavra-passe)\b[^.\n:=]{0,40}?\s(?:is|was|ist|lautet|war|é|era)\s+["'„“]?(?=\S)/gi;

// "scheme://user:password@host": the password part.
const urlCredential = /\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s/:@]{1,64}:([^\s/@]{1,128})@/g;

const bearer = /\b(?:Bearer|bearer)\s+([\w~+/.-]{16,}=*)/g;
const basicAuth = /\bauthorization\s*:\s*basic\s+([A-Za-z0-9+/]{8,}={0,2})/gi;

const valueStop = /[\s;,"'<>)}\]]/;
const placeholderValues = new Set(["none", "null", "empty", "n/a", "redacted", "required", "optional", "true", "false", "see", "secret", "password", "string", "undefined"]);
// Keys that are ordinary words too ("token", "secret") need a value that looks generated.
const genericKeys = new Set(["token", "secret", "pass"]);

// A template placeholder is read whole ("${DB_PASSWORD}", "<password>") so that it can be recognised as one.
const placeholderCloser: Record<string, string> = { "${": "}", "{{": "}}", "<": ">", "%": "%", "[": "]" };

/** Reads the value after a separator: a quoted string, a placeholder, or a run up to whitespace or ; , */
function readValue(text: string, from: number): { start: number; end: number } | undefined {
  for (const [opener, closer] of Object.entries(placeholderCloser)) {
    if (!text.startsWith(opener, from)) continue;
    const close = text.indexOf(closer, from + opener.length);
    if (close !== -1 && close - from <= 100) return { start: from, end: close + closer.length };
  }
  const quote = text[from];
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, from + 1);
    if (close === -1 || close - from > 256) return undefined;
    return { start: from + 1, end: close };
  }
  let end = from;
  while (end < text.length && end - from < 256 && !valueStop.test(text[end] ?? " ")) end++;
  // A period or colon at the end closes the sentence, not the password.
  while (end - from > 1 && (text[end - 1] === "." || text[end - 1] === ":")) end--;
  return end > from ? { start: from, end } : undefined;
}

function isPlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  return (
    placeholderValues.has(lower) ||
    /^[*x•.]+$/i.test(value) ||
    /^(?:<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%[^%]*%|\[[^\]]*\])$/.test(value) ||
    /^\$[A-Z_]+$/.test(value)
  );
}

/** Mixed character classes: how a chosen password or a generated key differs from a word. */
function looksGenerated(value: string): boolean {
  if (value.length < 6) return false;
  let classes = 0;
  if (/[a-z]/.test(value)) classes++;
  if (/[A-Z]/.test(value)) classes++;
  if (/\d/.test(value)) classes++;
  if (/[^A-Za-z0-9]/.test(value)) classes++;
  return classes >= 2 && /\d|[^A-Za-z]/.test(value);
}

function hasTokenShape(token: string): boolean {
  for (const shape of tokenShapes) if (shape.test(token)) return true;
  return false;
}

function findPrivateKeys(text: string, sink: SpanSink, joined: boolean): void {
  if (!text.includes("PRIVATE KEY")) return;
  for (let m = firstMatch(privateKeyBlock, text); m; m = privateKeyBlock.exec(text)) {
    // In parts joined together a block without its END line would run on over every later
    // part; each part on its own still finds it up to the end of that part.
    if (joined && m[0].lastIndexOf("-----END") <= 0) continue;
    sink.claim({ label: "secret", start: m.index, end: m.index + m[0].length });
  }
}

function findDeviceTokens(text: string, sink: SpanSink): void {
  for (let m = firstMatch(deviceToken, text); m; m = deviceToken.exec(text)) sink.claim({ label: "secret", start: m.index, end: m.index + m[0].length });
}

function findTokens(text: string, sink: SpanSink): void {
  for (let m = firstMatch(tokenRun, text); m; m = tokenRun.exec(text)) {
    if (/[-.]/.test(text[m.index - 1] ?? "")) continue;
    let token = m[0];
    // A trailing "." or "-" usually ends the sentence, but base64url tokens may end in "-".
    while (!hasTokenShape(token) && (token.endsWith(".") || token.endsWith("-"))) token = token.slice(0, -1);
    if (!hasTokenShape(token)) continue;
    const start = m.index;
    sink.claim({ label: "secret", start, end: start + token.length });
    if (token.startsWith("AKIA") || token.startsWith("ASIA")) findAwsSecretNear(text, start + token.length, sink);
  }
}

function findAwsSecretNear(text: string, from: number, sink: SpanSink): void {
  const window = text.slice(from, from + 160);
  for (let m = firstMatch(awsSecretKey, window); m; m = awsSecretKey.exec(window)) {
    const key = m[0];
    if (/[a-z]/.test(key) && /[A-Z]/.test(key) && /[\d/+]/.test(key)) sink.claim({ label: "secret", start: from + m.index, end: from + m.index + key.length });
  }
}

/** The key starts a word, follows a separator (db_password) or starts a camelCase part (dbPassword). */
function startsKey(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1);
  if (!(before >= 97 && before <= 122) && !(before >= 65 && before <= 90)) return true;
  const first = text.charCodeAt(index);
  return first >= 65 && first <= 90 && before >= 97 && before <= 122;
}

function findNamedCredentials(text: string, sink: SpanSink): void {
  for (let m = firstMatch(namedCredential, text); m; m = namedCredential.exec(text)) {
    if (!startsKey(text, m.index)) continue;
    const value = readValue(text, m.index + m[0].length);
    if (!value) continue;
    const secret = text.slice(value.start, value.end);
    const key = (m[1] ?? "").toLowerCase();
    if (secret.length < 3 || isPlaceholder(secret)) continue;
    if ((genericKeys.has(key) || key.endsWith("token")) && !looksGenerated(secret)) continue;
    // The value is taken: a key-like text inside it ("password=password=...") is not a second credential.
    if (sink.claim({ label: "secret", ...value })) namedCredential.lastIndex = value.end;
  }
}

function findStatedPasswords(text: string, sink: SpanSink): void {
  for (let m = firstMatch(statedPassword, text); m; m = statedPassword.exec(text)) {
    const value = readValue(text, m.index + m[0].length);
    if (!value) continue;
    const secret = text.slice(value.start, value.end).replace(/["'“”]+$/, "");
    if (looksGenerated(secret) && !isPlaceholder(secret)) sink.claim({ label: "secret", start: value.start, end: value.start + secret.length });
  }
}

function findUrlCredentials(text: string, sink: SpanSink): void {
  if (!text.includes("://")) return;
  for (let m = firstMatch(urlCredential, text); m; m = urlCredential.exec(text)) {
    const password = m[1] ?? "";
    const end = m.index + m[0].length - 1;
    if (!isPlaceholder(password)) sink.claim({ label: "secret", start: end - password.length, end });
  }
}

function findAuthorizationHeaders(text: string, sink: SpanSink): void {
  for (let m = firstMatch(bearer, text); m; m = bearer.exec(text)) {
    const token = m[1] ?? "";
    if (!/\d/.test(token)) continue;
    const start = m.index + m[0].length - token.length;
    sink.claim({ label: "secret", start, end: start + token.length });
  }
  for (let m = firstMatch(basicAuth, text); m; m = basicAuth.exec(text)) {
    const token = m[1] ?? "";
    const start = m.index + m[0].length - token.length;
    sink.claim({ label: "secret", start, end: start + token.length });
  }
}

/**
 * Usable as a Detector; `joined` marks the text of several parts joined together, where a key block
 * counts only with its END line.
 */
export function findSecrets(options: { text: string; sink: SpanSink; joined?: boolean }): void {
  const { text, sink } = options;
  findPrivateKeys(text, sink, options.joined ?? false);
  findDeviceTokens(text, sink);
  findTokens(text, sink);
  findUrlCredentials(text, sink);
  findAuthorizationHeaders(text, sink);
  findNamedCredentials(text, sink);
  findStatedPasswords(text, sink);
}

