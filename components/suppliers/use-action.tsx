"use client";
// Sends one change to the API and reports the outcome where the user acted: the
// server's message on failure (with the fields it names), a short confirmation on
// success, then the page's server data is refreshed.
import { useRouter } from "next/navigation";
import { useState } from "react";

type Outcome = { tone: "ok" | "error"; text: string };

type Issue = { path: string; message: string };

async function send(options: { url: string; method: string; body?: unknown }): Promise<{ ok: true; data: Record<string, unknown> } | { ok: false; message: string; issues: Issue[] }> {
  const multipart = options.body instanceof FormData;
  const res = await fetch(options.url, {
    method: options.method,
    headers: multipart || options.body === undefined ? undefined : { "content-type": "application/json" },
    body: multipart ? (options.body as FormData) : options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.ok) return { ok: true, data };
  const error = data.error as { message?: string; issues?: Issue[] } | undefined;
  const issues = error?.issues?.map((i) => `${i.path}: ${i.message}`).join("; ");
  return { ok: false, message: `${error?.message ?? `Request failed (${res.status}).`}${issues ? ` (${issues})` : ""}`, issues: error?.issues ?? [] };
}

export function useAction() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // The server's message per field path ("policy.validUntil"), for a form to show beside the field.
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function run(request: { url: string; method: string; body?: unknown }, success: (data: Record<string, unknown>) => string): Promise<Record<string, unknown> | null> {
    setBusy(true);
    const result = await send(request);
    setBusy(false);
    setOutcome(result.ok ? { tone: "ok", text: success(result.data) } : { tone: "error", text: result.message });
    setFieldErrors(result.ok ? {} : Object.fromEntries(result.issues.map((i) => [i.path, i.message])));
    if (!result.ok) return null;
    router.refresh();
    return result.data;
  }

  return { busy, outcome, fieldErrors, run };
}

/** With `fieldErrors` shown beside their fields, the notice only points at them. */
export function ActionOutcome(props: { outcome: Outcome | null; fieldErrors?: Record<string, string> }) {
  if (!props.outcome) return null;
  if (props.outcome.tone === "error" && props.fieldErrors && Object.keys(props.fieldErrors).length > 0) {
    return (
      <div className="notice notice-error" role="alert" style={{ marginBottom: 14 }}>
        <p>Correct the fields marked below.</p>
      </div>
    );
  }
  return (
    <div className={`notice notice-${props.outcome.tone}`} role={props.outcome.tone === "error" ? "alert" : "status"} style={{ marginBottom: 14 }}>
      <p>{props.outcome.text}</p>
    </div>
  );
}
