// Administrative changes as ledger records (who changed which entity, and the hashes of
// its state before and after). The record is made durable before the change is applied,
// so no change escapes the audit trail; a change that then fails leaves a record of an
// attempt, never an unrecorded change.
import type { SessionUser } from "@/lib/auth/session";
import { canonicalJson, sha256Hex } from "@/lib/ledger/record";

/** Appends a record and resolves once it is durable (LogWriter.append, or recordEvent in the app). */
export type RecordFn = (input: { kind: string; body: unknown }) => Promise<unknown>;

/** SHA-256 of an entity's canonical JSON state; dates as ISO text. Null for "does not exist". */
export function stateHash(state: object | null): string | null {
  if (state === null) return null;
  return sha256Hex(canonicalJson(JSON.parse(JSON.stringify(state))));
}

export async function recordAdminChange(options: {
  record: RecordFn;
  actor: SessionUser;
  entity: { type: string; id: string };
  action: "create" | "update" | "delete";
  before: object | null;
  after: object | null;
  summary: string;
}): Promise<void> {
  await options.record({
    kind: "admin_change",
    body: {
      actor: { userId: options.actor.id, email: options.actor.email, role: options.actor.role },
      entity: options.entity,
      action: options.action,
      before: stateHash(options.before),
      after: stateHash(options.after),
      summary: options.summary,
    },
  });
}
