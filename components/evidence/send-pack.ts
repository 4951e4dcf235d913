// JSON requests from the evidence page to the packs API, keeping apart what the generic
// helpers merge: the HTTP status (409: a pack of this scope is being generated), the
// server's message, and the field each issue names (400: shown beside that field).
export interface ApiIssue {
  path: string;
  message: string;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; code: string | null; message: string; issues: ApiIssue[] };

export async function requestJson<T>(url: string, init: { method: "GET" | "POST"; body?: unknown; signal?: AbortSignal }): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method,
      headers: init.body === undefined ? { accept: "application/json" } : { "content-type": "application/json", accept: "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      cache: "no-store",
      signal: init.signal,
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    return { ok: false, status: 0, code: null, message: "The server could not be reached. Nothing was changed; try again.", issues: [] };
  }
  const data = (await res.json().catch(() => null)) as unknown;
  if (res.ok && data !== null) return { ok: true, status: res.status, data: data as T };
  const error = (data as { error?: { code?: string; message?: string; issues?: ApiIssue[] } } | null)?.error;
  return {
    ok: false,
    status: res.status,
    code: error?.code ?? null,
    message: error?.message ?? (res.status === 401 ? "Your session has ended: sign in again." : `The request failed (HTTP ${res.status}).`),
    issues: Array.isArray(error?.issues) ? error.issues.filter((i) => typeof i?.path === "string" && typeof i?.message === "string") : [],
  };
}
