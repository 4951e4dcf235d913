// The machinery under every response meter. A meter reads copies of the bytes the
// proxy passes through, on every chunk of every stream, so it decodes incrementally,
// hands SSE events to the provider's reader (which JSON-parses only the few events
// that can carry usage, finish reason, id or model), and parses a plain JSON body once
// at the end. Nothing here throws: a response it cannot read meters as unknown.
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { MeteredResponse, ResponseMeter } from "@/proxy/providers/types";

/** Beyond this many characters of a stream's events, or bytes of a JSON body, a meter stops reading (and reports what it has): bounds memory per stream. */
export const meterLimitChars = 16 * 1024 * 1024;

export interface SseReader {
  /** Called for every event; parse only what can matter. */
  event(message: EventSourceMessage): void;
  result(): MeteredResponse;
}

export function unknownResponse(): MeteredResponse {
  return { model: null, inputTokens: null, outputTokens: null, finishReason: null, responseId: null, error: null };
}

/** Picks the meter by Content-Type: SSE, JSON (also when none is given), or none for binary bodies. */
export function meterFor(options: { contentType: string | null; sse: () => SseReader; json: (value: unknown) => MeteredResponse }): ResponseMeter {
  const type = options.contentType?.toLowerCase() ?? "";
  if (type.includes("text/event-stream")) return sseMeter(options.sse());
  if (type === "" || type.includes("json")) return jsonMeter(options.json);
  return { push() {}, finish: unknownResponse };
}

function sseMeter(reader: SseReader): ResponseMeter {
  const decoder = new TextDecoder();
  let stopped = false;
  const parser = createParser({
    maxBufferSize: meterLimitChars,
    onEvent(message) {
      try {
        reader.event(message);
      } catch {
        // A reader bug must not break the stream it watches.
      }
    },
    onError(error) {
      if (error.type === "max-buffer-size-exceeded") stopped = true;
    },
  });
  const feed = (text: string) => {
    if (stopped || text === "") return;
    try {
      parser.feed(text);
    } catch {
      stopped = true;
    }
  };
  return {
    push(chunk) {
      if (!stopped) feed(decoder.decode(chunk, { stream: true }));
    },
    finish() {
      feed(decoder.decode());
      try {
        return reader.result();
      } catch {
        return unknownResponse();
      }
    },
  };
}

function jsonMeter(read: (value: unknown) => MeteredResponse): ResponseMeter {
  // The bytes are kept and decoded once at the end: a streaming TextDecoder costs more per
  // chunk than the parse of a whole chat completion.
  const chunks: Uint8Array[] = [];
  let length = 0;
  let stopped = false;
  return {
    push(chunk) {
      if (stopped) return;
      length += chunk.byteLength;
      if (length > meterLimitChars) {
        stopped = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    },
    finish() {
      if (stopped) return unknownResponse();
      try {
        const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        const text = Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength).toString("utf8");
        // As TextDecoder decodes: a byte order mark is not part of the text.
        return read(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text));
      } catch {
        return unknownResponse();
      } finally {
        chunks.length = 0;
      }
    },
  };
}

const hasError = nonNullField({ key: "error" });

/**
 * For streams whose events are all chunks of one shape (OpenAI chat completion
 * chunks, Gemini responses) and carry no event names. Only the first chunks are
 * parsed, for id and model (Azure's first chunk has neither); of the rest only the
 * last with usage (a running total where it repeats) and the last with a finish
 * reason are kept, and parsed once, at the end.
 */
export function chunkStreamReader(options: { read: (chunk: unknown) => MeteredResponse; usageKey: string; finishKey: string }): SseReader {
  const { read } = options;
  const hasUsage = nonNullField({ key: options.usageKey });
  const hasFinish = nonNullField({ key: options.finishKey });
  let model: string | null = null;
  let responseId: string | null = null;
  let headParses = 0;
  let lastUsage: string | null = null;
  let lastFinish: string | null = null;
  let error: string | null = null;
  return {
    event({ data }) {
      if (data === "[DONE]") return;
      if ((model === null || responseId === null) && headParses < 4) {
        headParses++;
        const head = read(parseJson(data));
        model ??= head.model;
        responseId ??= head.responseId;
      }
      if (hasUsage(data)) lastUsage = data;
      if (hasFinish(data)) lastFinish = data;
      if (error === null && hasError(data)) error = errorCode(parseJson(data));
    },
    result() {
      const usage = lastUsage === null ? unknownResponse() : read(parseJson(lastUsage));
      const finish = lastFinish === null ? unknownResponse() : read(parseJson(lastFinish));
      return {
        model: model ?? finish.model,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        finishReason: finish.finishReason,
        responseId: responseId ?? finish.responseId,
        error,
      };
    },
  };
}

const leadingType = /^\{\s*"type"\s*:\s*"([^"\\]+)"/;

/** The event's name, or for servers that send none, the `type` its JSON data starts with. */
export function eventName(message: EventSourceMessage): string | undefined {
  return message.event ?? leadingType.exec(message.data)?.[1];
}

/**
 * A test for whether raw JSON text has `"key": <something other than null>`. A quoted
 * key followed by a colon cannot come from inside a string value (its quotes would
 * be escaped), so this finds the field without parsing; a rare false positive only
 * costs a parse.
 */
export function nonNullField(options: { key: string }): (data: string) => boolean {
  const quoted = `"${options.key}"`;
  return (data) => {
    for (let at = data.indexOf(quoted); at >= 0; at = data.indexOf(quoted, at + quoted.length)) {
      let i = skipSpace(data, at + quoted.length);
      if (data.charCodeAt(i) !== 58 /* : */) continue;
      i = skipSpace(data, i + 1);
      if (i < data.length && !data.startsWith("null", i)) return true;
    }
    return false;
  };
}

function skipSpace(text: string, from: number): number {
  let i = from;
  for (let code = text.charCodeAt(i); code === 32 || code === 10 || code === 13 || code === 9; code = text.charCodeAt(++i));
  return i;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

export function count(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Adds token counts, any of which may be absent; null only if all are. */
export function sumCounts(values: unknown[]): number | null {
  const numbers = values.map(count).filter((value) => value !== null);
  return numbers.length > 0 ? numbers.reduce((a, b) => a + b, 0) : null;
}

/** `{error: {code|type|status}}` as OpenAI, Anthropic and Gemini shape their errors. */
export function errorCode(value: unknown): string | null {
  const error = record(record(value).error);
  return text(error.code) ?? text(error.type) ?? text(error.status) ?? (typeof error.code === "number" ? String(error.code) : null);
}
