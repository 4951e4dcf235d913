// Browser side of the API: sends JSON and turns the `{ error: { message } }` body into a
// message a person can read.
export type SendResult = { ok: true; data: Record<string, unknown> } | { ok: false; message: string };

export async function sendJson(url: string, method: string, body?: unknown): Promise<SendResult> {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.ok) return { ok: true, data };
  const error = data.error as { message?: string; issues?: { message: string }[] } | undefined;
  const details = error?.issues?.map((i) => i.message).join(" ");
  return { ok: false, message: [error?.message ?? `Request failed (${res.status}).`, details].filter(Boolean).join(" ") };
}
