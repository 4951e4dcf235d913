"use client";
// Sends one change to the API and reports the outcome where the user acted: the
// server's message on failure (with the fields it names), a short confirmation on
// success, then the page's server data is refreshed.
import { useRouter } from "next/navigation";
import { useState } from "react";

type Outcome = { tone: "ok" | "error"; text: string };

async function send(options: { url: string; method: string; body?: unknown }): Promise<{ ok: true; data: Record<string, unknown> } | { ok: false; message: string }> {
  const multipart = options.body instanceof FormData;
  const res = await fetch(options.url, {
    method: options.method,
    headers: multipart || options.body === undefined ? undefined : { "content-type": "application/json" },
    body: multipart ? (options.body as FormData) : options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.ok) return { ok: true, data };
  const error = data.error as { message?: string; issues?: { path: string; message: string }[] } | undefined;
  const issues = error?.issues?.map((i) => `${i.path}: ${i.message}`).join("; ");
  return { ok: false, message: `${error?.message ?? `Request failed (${res.status}).`}${issues ? ` (${issues})` : ""}` };
}

export function useAction() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  async function run(request: { url: string; method: string; body?: unknown }, success: (data: Record<string, unknown>) => string): Promise<Record<string, unknown> | null> {
    setBusy(true);
    const result = await send(request);
    setBusy(false);
    setOutcome(result.ok ? { tone: "ok", text: success(result.data) } : { tone: "error", text: result.message });
    if (!result.ok) return null;
    router.refresh();
    return result.data;
  }

  return { busy, outcome, run };
}

export function ActionOutcome(props: { outcome: Outcome | null }) {
  if (!props.outcome) return null;
  return (
    <div className={`notice notice-${props.outcome.tone}`} role={props.outcome.tone === "error" ? "alert" : "status"} style={{ marginBottom: 14 }}>
      <p>{props.outcome.text}</p>
    </div>
  );
}
