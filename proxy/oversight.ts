// Human oversight (EU AI Act Art. 14): the application reports what the operator did
// with an AI output (accepted, edited, rejected, escalated). The report is linked to
// the call's record, which must be this device's, and signed into the ledger like any
// other record. An edited output is described by its hash and size, never its text.
import { z } from "zod";
import { uuidv7 } from "@/lib/ledger/log-writer";
import { readBody } from "@/proxy/body";
import type { ProxyLedger } from "@/proxy/core";
import { jsonAnswer, type ProxyAnswer, type ProxyRequest } from "@/proxy/answer";
import { ProxyError, proxyErrorAnswer } from "@/proxy/errors";
import type { InventorySnapshot, ProxyCredential } from "@/proxy/inventory";
import type { OperatorResolver } from "@/proxy/operator";
import { findDeviceToken } from "@/proxy/providers/forwarding";
import type { Spool } from "@/proxy/spool";

const oversightSchema = z
  .object({
    callRecordId: z.string().uuid("callRecordId must be the x-conduit-record-id of the call"),
    decision: z.enum(["accepted", "edited", "rejected", "escalated"]),
    editedOutput: z
      .object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be a lowercase hex SHA-256"), bytes: z.number().int().nonnegative() })
      .strict()
      .nullable()
      .default(null),
  })
  .strict()
  .refine((r) => (r.decision === "edited") === (r.editedOutput !== null), "editedOutput (hash and size) is required for an edited output, and only then");

const maxOversightBytes = 16 * 1024;

export async function handleOversight(options: {
  request: ProxyRequest;
  /** Reads the body, when the server reads it itself (see IncomingCall.readBody). */
  readBody?: (options: { maxBytes: number; timeoutMs: number }) => Promise<Uint8Array>;
  bodyTimeoutMs: number;
  snapshot: InventorySnapshot;
  sourceAddress: string | null;
  ledger: ProxyLedger;
  spool: Spool;
  operators: OperatorResolver;
  authenticate: (token: string | null) => Promise<ProxyCredential>;
  now: number;
}): Promise<ProxyAnswer> {
  const { request } = options;
  try {
    if (request.method !== "POST") throw new ProxyError({ code: "method_not_allowed", message: "Report an oversight decision with POST." });
    const url = new URL(request.url);
    const credential = await options.authenticate(
      findDeviceToken({ headers: request.headers, search: url.searchParams, places: { headers: ["authorization", "x-api-key", "api-key", "x-goog-api-key"], queryKey: false } }),
    );
    const device = credential.device;
    if (!(request.headers.get("content-type") ?? "").includes("application/json")) {
      throw new ProxyError({ code: "unsupported_media_type", message: "Send the decision as application/json." });
    }
    // Read with the limit, so a large body is refused as it arrives, not after it is all in memory.
    const text = Buffer.from(await readBody({ request, maxBytes: maxOversightBytes, timeoutMs: options.bodyTimeoutMs, read: options.readBody })).toString("utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProxyError({ code: "malformed_json", message: "The body is not valid JSON." });
    }
    const parsed = oversightSchema.safeParse(json);
    if (!parsed.success) {
      throw new ProxyError({ code: "validation_failed", message: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") });
    }
    const input = parsed.data;
    const callRecord = await options.ledger.readRecordById(input.callRecordId).catch(() => {
      throw new ProxyError({ code: "ledger_unavailable", message: "The audit ledger cannot be read now, so the call cannot be checked. Try again later." });
    });
    const ownCall = callRecord
      ? callRecord.kind === "ai_call" && (JSON.parse(callRecord.envelope) as { body: { context: { device: string | null } } }).body.context.device === device.slug
      : options.spool.holdsCallBy({ id: input.callRecordId, device: device.slug });
    if (!ownCall) throw new ProxyError({ code: "unknown_call_record", message: `No AI call ${input.callRecordId} by device ${device.slug}.` });
    const operator = await options.operators.resolve({ headers: request.headers, issuers: options.snapshot.issuers, mayAssertOperator: device.mayAssertOperator, now: options.now });
    const id = uuidv7(options.now);
    const record = { kind: "oversight_decision", id, body: { callRecordId: input.callRecordId, decision: input.decision, operator, device: device.slug, editedOutput: input.editedOutput } };
    try {
      await options.ledger.append(record);
    } catch {
      // Nothing is forwarded here, so the decision may wait in the spool rather than be lost.
      await options.spool.write(record).catch(() => {
        throw new ProxyError({ code: "ledger_unavailable", message: "The audit ledger cannot record the decision now. Try again later." });
      });
    }
    return jsonAnswer({ value: { recordId: id, callRecordId: input.callRecordId, decision: input.decision, operator }, status: 201 });
  } catch (error) {
    if (error instanceof ProxyError) return proxyErrorAnswer({ error });
    throw error;
  }
}
