// Write-only: PUT stores a provider key encrypted, DELETE clears it; neither ever
// answers with the key, only whether one is set and its hint.
import { apiRoute } from "@/lib/http/route";
import { loadConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { clearProviderKey, providerKeySchema, setProviderKey } from "@/lib/destinations/provider-key";
import { recordEvent } from "@/lib/ledger";
import { loadProviderKeyCipher } from "@/lib/secrets/provider-keys";

export const PUT = apiRoute({
  permission: "providerKeys:write",
  body: providerKeySchema,
  handle: ({ user, body, params }) =>
    setProviderKey({ db: db(), record: recordEvent, actor: user, cipher: loadProviderKeyCipher(loadConfig()), destination: params.destination ?? "", input: body }),
});

export const DELETE = apiRoute({
  permission: "providerKeys:write",
  handle: ({ user, params }) => clearProviderKey({ db: db(), record: recordEvent, actor: user, destination: params.destination ?? "" }),
});
