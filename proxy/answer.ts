// What the core takes and gives back. A web Request and Response fit these shapes, so the
// embedded route hands Next.js's Request straight in and gets a Response out (handle).
// The Node servers (node-http.ts) pass a lighter stand-in for the Request and write the
// answer themselves: building the fetch objects and streaming a whole JSON answer through
// a web stream cost more CPU per call than several of the inspection's steps. For the
// same reason the core answers with a HeaderList, not a Headers, and stops its upstream
// request with an AbortFlag, not an AbortController.

/** The part of an AbortSignal the core reads: whether the client has gone, and word when it goes. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** What the core reads of a request. */
export interface ProxyRequest {
  method: string;
  url: string;
  headers: Headers;
  /** Aborted when the client goes away before its answer has gone out. */
  signal: AbortSignalLike;
  body: Request["body"];
}

/** Status, headers and a body: bytes when the whole body is known, else a stream of chunks. */
export interface ProxyAnswer {
  status: number;
  statusText?: string;
  headers: Headers;
  body: Uint8Array | ReadableStream<Uint8Array> | null;
}

/**
 * A one-shot abort signal for one call, with none of an AbortController's event-target
 * machinery (creating one and listening on it cost several µs of CPU a call). Every
 * listener is called once, when it aborts; one added after that is not called.
 */
export class AbortFlag implements AbortSignalLike {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] | null = null;

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners) for (const listener of listeners) listener();
  }

  addEventListener(_type: "abort", listener: () => void): void {
    if (this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    const at = this.listeners?.indexOf(listener) ?? -1;
    if (at >= 0) this.listeners!.splice(at, 1);
  }
}

/**
 * Headers as the list of name and value pairs they were added as (names in lower case):
 * a web Headers to every reader, at a fraction of the cost of building one, and a Node
 * server writes the pairs as they are. Names and values are not validated here: the
 * server writing them (node:http) and a Response built from them do that.
 */
/**
 * A web Headers's reading side (iteration) over any store of headers: a subclass says
 * which names it holds and how to read one.
 */
export abstract class HeadersReader implements Headers {
  abstract get(name: string): string | null;
  abstract has(name: string): boolean;
  abstract getSetCookie(): string[];
  abstract append(name: string, value: string): void;
  abstract set(name: string, value: string): void;
  abstract delete(name: string): void;
  /** The names held, in lower case, each once. */
  protected abstract names(): string[];

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.combined()) callback.call(thisArg, value, name, this);
  }

  entries(): HeadersIterator<[string, string]> {
    return this.combined()[Symbol.iterator]() as HeadersIterator<[string, string]>;
  }

  keys(): HeadersIterator<string> {
    return this.combined().map(([name]) => name)[Symbol.iterator]() as HeadersIterator<string>;
  }

  values(): HeadersIterator<string> {
    return this.combined().map(([, value]) => value)[Symbol.iterator]() as HeadersIterator<string>;
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }

  /** As a web Headers iterates: sorted by name, repeated names joined, Set-Cookie values each on their own. */
  private combined(): [string, string][] {
    return this.names()
      .sort()
      .flatMap((name): [string, string][] => {
        if (name === "set-cookie") return this.getSetCookie().map((value): [string, string] => [name, value]);
        const value = this.get(name);
        return value === null ? [] : [[name, value]];
      });
  }
}

export class HeaderList extends HeadersReader {
  private readonly list: [string, string][] = [];

  constructor(init?: HeadersInit) {
    super();
    if (!init) return;
    if (init instanceof HeaderList) this.list.push(...init.list.map(([name, value]): [string, string] => [name, value]));
    else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") for (const [name, value] of init as Iterable<[string, string]>) this.append(name, value);
    else for (const [name, value] of Object.entries(init as Record<string, string>)) this.append(name, value);
  }

  /** Every pair, in the order added; repeated names repeated. */
  pairs(): readonly (readonly [string, string])[] {
    return this.list;
  }

  append(name: string, value: string): void {
    this.list.push([name.toLowerCase(), String(value)]);
  }

  set(name: string, value: string): void {
    const key = name.toLowerCase();
    this.remove(key);
    this.list.push([key, String(value)]);
  }

  delete(name: string): void {
    this.remove(name.toLowerCase());
  }

  get(name: string): string | null {
    const key = name.toLowerCase();
    let found: string | null = null;
    for (const [n, v] of this.list) if (n === key) found = found === null ? v : `${found}, ${v}`;
    return found;
  }

  getSetCookie(): string[] {
    return this.list.filter(([name]) => name === "set-cookie").map(([, value]) => value);
  }

  has(name: string): boolean {
    const key = name.toLowerCase();
    return this.list.some(([n]) => n === key);
  }

  protected names(): string[] {
    return [...new Set(this.list.map(([name]) => name))];
  }

  private remove(key: string): void {
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]![0] === key) this.list.splice(i, 1);
  }
}

export function toResponse(answer: ProxyAnswer): Response {
  if (answer instanceof Response) return answer;
  return new Response(answer.body as BodyInit | null, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
}

/** A JSON answer with its length, so a server can send it in one write. */
export function jsonAnswer(options: { value: unknown; status: number; headers?: HeadersInit }): ProxyAnswer {
  const body = Buffer.from(JSON.stringify(options.value));
  const headers = new HeaderList(options.headers);
  headers.set("content-type", "application/json");
  headers.set("content-length", String(body.byteLength));
  return { status: options.status, headers, body };
}
