// JSON requests from the incident forms to the API, with the server's error message
// (and the fields it names) ready to show.
export type SendResult =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; message: string; issues: { path: string; message: string }[] };

export async function send(url: string, method: string, body?: unknown): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, message: "The server could not be reached. Nothing was saved; try again.", issues: [] };
  }
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.ok) return { ok: true, data };
  const error = data.error as { message?: string; issues?: { path: string; message: string }[] } | undefined;
  const message = error?.message ?? `Request failed (${res.status}).`;
  const issues = error?.issues ?? [];
  // A request the shape check refused says so in general terms; the issues say what to fix.
  const general = issues.length > 0 && !issues.some((i) => message.includes(i.message));
  return { ok: false, message: general ? issues.map((i) => i.message).join(" ") : message, issues };
}
