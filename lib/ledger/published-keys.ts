// The public half of every log key, as served at /.well-known/conduit-ledger/keys.json.
import type { LedgerStore } from "@/lib/ledger/store";

export interface PublishedKeys {
  format: "conduit-ledger-keys/1";
  logs: {
    logId: string;
    name: string;
    writer: string;
    keys: { keyId: string; algorithm: "Ed25519"; spki: string; activatedAt: string; retiredAt: string | null }[];
  }[];
}

export async function publishedKeys(options: { store: LedgerStore }): Promise<PublishedKeys> {
  const [logs, keys] = await Promise.all([options.store.listLogs(), options.store.listKeys()]);
  return {
    format: "conduit-ledger-keys/1",
    logs: logs.map((log) => ({
      logId: log.id,
      name: log.name,
      writer: log.writer,
      keys: keys
        .filter((k) => k.logId === log.id)
        .map((k) => ({ keyId: k.keyId, algorithm: "Ed25519" as const, spki: k.publicKeySpki, activatedAt: k.activatedAt, retiredAt: k.retiredAt })),
    })),
  };
}
