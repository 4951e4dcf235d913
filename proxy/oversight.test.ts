import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { InventorySnapshot, ProxyCredential } from "@/proxy/inventory";
import { OperatorResolver } from "@/proxy/operator";
import { handleOversight } from "@/proxy/oversight";
import { Spool } from "@/proxy/spool";

const credential = {
  id: "cred-1",
  tokenPrefix: "cl_dev_abc",
  expiresAt: null,
  revokedAt: null,
  device: { id: "d1", slug: "aug-pdm-spindle", application: "pdm", defaultPurpose: "predictive-maintenance", mayAssertOperator: false, disabled: false, plant: { id: "p", slug: "augsburg" }, zone: { id: "z", slug: "l3" }, workstation: null },
} satisfies ProxyCredential;

describe("handleOversight", () => {
  it("answers 503 ledger_unavailable, not an internal error, when the ledger cannot be read to check the call", async () => {
    const body = JSON.stringify({ callRecordId: "0193a1b2-0000-7000-8000-000000000001", decision: "accepted" });
    const answer = await handleOversight({
      request: { method: "POST", url: "http://edge.local/_conduit/oversight", headers: new Headers({ "content-type": "application/json", authorization: "Bearer t" }), signal: new AbortController().signal, body: null },
      readBody: async () => Buffer.from(body),
      bodyTimeoutMs: 1000,
      snapshot: { issuers: new Map() } as unknown as InventorySnapshot,
      sourceAddress: null,
      ledger: {
        append: () => Promise.reject(new Error("database away")),
        readRecordById: () => Promise.reject(new Error("Connection terminated due to connection timeout")),
      },
      spool: new Spool({ file: path.join(os.tmpdir(), `oversight-test-${process.pid}.jsonl`) }),
      operators: new OperatorResolver({ maxAgeSeconds: 900 }),
      authenticate: async () => credential,
      now: Date.now(),
    });
    expect(answer.status).toBe(503);
    expect(JSON.parse(Buffer.from(answer.body as Uint8Array).toString("utf8"))).toMatchObject({ error: { code: "ledger_unavailable" } });
  });
});
