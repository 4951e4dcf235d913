// Per log: its latest signed checkpoint as a download, and each key's fingerprint, with
// how to compare it with one obtained out of band. This page is served by the system
// being checked, so a fingerprint shown here only counts once it matches one that came
// another way.
import { Card } from "@/components/card";
import { formatDateTime } from "@/lib/format";
import { openAppLedger } from "@/lib/ledger";
import { formatFingerprint } from "@/lib/ledger/browser-verify";
import { publishedKeys } from "@/lib/ledger/published-keys";

export async function LogCheckpoints() {
  const { store } = await openAppLedger();
  const keys = await publishedKeys({ store });
  const latest = await Promise.all(keys.logs.map((log) => store.latestCheckpoint(log.logId)));
  return (
    <Card
      id="log-keys"
      title="Log keys and checkpoints"
      description="Take each log's latest signed checkpoint home: the ledger you see later must extend it (npm run ledger:verify -- --checkpoint FILE). Each log key is shown by its fingerprint."
      actions={
        <a className="btn btn-secondary btn-sm" style={{ whiteSpace: "nowrap" }} href="/.well-known/conduit-ledger/keys.json" download="conduit-ledger-keys.json">
          Download keys file
        </a>
      }
    >
      <div className="card-body" style={{ display: "grid", gap: 18 }}>
        {keys.logs.map((log, i) => {
          const checkpoint = latest[i];
          return (
            <div key={log.logId} data-testid="log-keys">
              <h3 className="mono" style={{ fontSize: 14, margin: "0 0 8px", overflowWrap: "anywhere" }}>
                {log.logId} <span className="field-hint">({log.writer === "app" ? "application" : log.writer})</span>
              </h3>
              <dl className="facts">
                <dt>Latest checkpoint</dt>
                <dd>
                  {checkpoint ? (
                    <>
                      {checkpoint.treeSize.toLocaleString("en-GB")} records, {formatDateTime({ date: new Date(checkpoint.at), timeZone: "UTC" })}{" "}
                      <a href={`/api/ledger/logs/${encodeURIComponent(log.logId)}/checkpoint`} download aria-label={`Download checkpoint of log ${log.logId}`}>
                        Download checkpoint
                      </a>
                      <span className="sub mono">root {checkpoint.rootHash.slice(0, 16)}…</span>
                    </>
                  ) : (
                    "none yet"
                  )}
                </dd>
                {log.keys.map((key) => (
                  <div key={key.keyId} style={{ display: "contents" }}>
                    <dt>{key.retiredAt ? "Retired key" : "Signing key"}</dt>
                    <dd>
                      <span className="mono" data-testid="key-fingerprint" style={{ wordSpacing: "0.3em", overflowWrap: "anywhere" }}>
                        {formatFingerprint(key.keyId)}
                      </span>
                      <span className="sub">
                        {key.retiredAt
                          ? `signed from ${formatDateTime({ date: new Date(key.activatedAt), timeZone: "UTC" })} to ${formatDateTime({ date: new Date(key.retiredAt), timeZone: "UTC" })}`
                          : `signing since ${formatDateTime({ date: new Date(key.activatedAt), timeZone: "UTC" })}`}
                      </span>
                    </dd>
                  </div>
                ))}
              </dl>
            </div>
          );
        })}
        {keys.logs.length === 0 && <p className="field-hint">No log yet: the first record creates it.</p>}
        <div>
          <h3 style={{ fontSize: 14, margin: "0 0 6px" }}>Comparing a fingerprint out of band</h3>
          <p className="field-hint" style={{ margin: 0, maxWidth: "80ch" }}>
            A fingerprint is the SHA-256 of the key&apos;s public half (its DER SubjectPublicKeyInfo), in groups of four. This page comes from the server you are checking, so compare it with one
            that reached you another way: ask the operator to run <code>npm run ledger -- keys</code> on the server and read the groups to you, or hold it against the cover of an evidence pack. When
            they match, pass the keys file to <code>npm run receipt:verify -- RECEIPT --trusted-keys conduit-ledger-keys.json</code>, so the check of a receipt relies on these keys rather than those
            inside it.
          </p>
        </div>
      </div>
    </Card>
  );
}
