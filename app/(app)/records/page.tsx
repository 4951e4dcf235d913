import type { Metadata } from "next";
import Link from "next/link";
import { Card, Stat } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { VerifyLedgerButton } from "@/components/records/verify-ledger-button";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { formatDateTime, recordKindLabels } from "@/lib/format";
import { openAppLedger } from "@/lib/ledger";
import { recordKinds } from "@/lib/ledger/record";
import { ledgerStatus, listRecords } from "@/lib/ledger/status";

export const metadata: Metadata = { title: "Audit records" };

const pageSize = 50;

export default async function RecordsPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser({ permission: "records:read" });
  const params = await props.searchParams;
  const page = Math.max(1, Number.parseInt(String(params.page ?? "1"), 10) || 1);
  const kind = typeof params.kind === "string" ? params.kind : undefined;
  const [status, list] = await Promise.all([
    ledgerStatus({ store: (await openAppLedger()).store, db: db() }),
    listRecords({ db: db(), kind, page, pageSize }),
  ]);
  const pages = Math.max(1, Math.ceil(list.total / pageSize));
  const href = (next: { page?: number; kind?: string | null }) => {
    const q = new URLSearchParams();
    const k = next.kind === undefined ? list.kind : next.kind;
    if (k) q.set("kind", k);
    if ((next.page ?? 1) > 1) q.set("page", String(next.page));
    return `/records${q.size ? `?${q}` : ""}`;
  };
  const total = status.logs.reduce((n, l) => n + l.records, 0);
  const last = status.lastVerification;

  return (
    <>
      <PageHeader
        eyebrow="IEC 62443-3-3 SR 2.8, 2.12, 3.9"
        title="Audit records"
        description="Every AI call, denied attempt, oversight decision and administrative change, signed and chained in a Merkle log. Open a record to check it in your browser."
      />
      <div className="stats">
        <Stat label="Records" value={total} hint={`in ${status.logs.length} log${status.logs.length === 1 ? "" : "s"}`} />
        <Stat
          label="Last verification"
          value={last ? <span className={`badge ${last.ok ? "badge-ok" : "badge-danger"}`}>{last.ok ? "Passed" : `Failed: ${last.problems} problems`}</span> : "Never"}
          hint={last ? `${formatDateTime({ date: last.finishedAt, timeZone: "UTC" })}, ${last.records} records` : "run it below"}
        />
      </div>
      <Card id="ledger-status" title="Ledger status" description="Each writer owns a log with its own signing key and signed checkpoints." actions={can(user.role, "ledger:verify") ? <VerifyLedgerButton /> : undefined}>
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Logs</caption>
            <thead>
              <tr>
                <th scope="col">Log</th>
                <th scope="col">Records</th>
                <th scope="col">Latest checkpoint</th>
                <th scope="col">Signing key</th>
              </tr>
            </thead>
            <tbody>
              {status.logs.map((log) => {
                const active = log.keys.find((k) => k.retiredAt === null);
                return (
                  <tr key={log.logId}>
                    <td>
                      <span className="mono">{log.logId}</span>
                      <span className="sub">{log.writer === "app" ? "application" : log.writer}</span>
                    </td>
                    <td className="num">{log.records}</td>
                    <td>
                      {log.latestCheckpoint ? (
                        <>
                          size {log.latestCheckpoint.size}
                          <span className="sub">{formatDateTime({ date: new Date(log.latestCheckpoint.at), timeZone: "UTC" })}</span>
                        </>
                      ) : (
                        "none yet"
                      )}
                    </td>
                    <td>
                      <span className="mono">{active ? `${active.keyId.slice(0, 16)}…` : "none active"}</span>
                      <span className="sub">{log.keys.length - (active ? 1 : 0)} retired</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {status.logs.length === 0 && <p className="table-empty">No log yet: the first record creates it.</p>}
        </div>
      </Card>
      <Card id="records" title="Records" description={`${list.total} record${list.total === 1 ? "" : "s"}${list.kind ? ` of kind ${recordKindLabels[list.kind] ?? list.kind}` : ""}, newest first.`}>
        <nav aria-label="Record kinds" className="table-tools" style={{ justifyContent: "flex-start", flexWrap: "wrap" }}>
          <Link href={href({ kind: null })} aria-current={list.kind === null ? "page" : undefined} className={`btn btn-sm ${list.kind === null ? "" : "btn-secondary"}`}>
            All
          </Link>
          {recordKinds.map((k) => (
            <Link key={k} href={href({ kind: k })} aria-current={list.kind === k ? "page" : undefined} className={`btn btn-sm ${list.kind === k ? "" : "btn-secondary"}`}>
              {recordKindLabels[k] ?? k}
            </Link>
          ))}
        </nav>
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Records</caption>
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Kind</th>
                <th scope="col">What</th>
                <th scope="col">Log / seq</th>
              </tr>
            </thead>
            <tbody>
              {list.records.map((r) => (
                <tr key={r.id}>
                  <td>{formatDateTime({ date: r.at, timeZone: "UTC" })}</td>
                  <td>
                    <span className="badge badge-neutral">{recordKindLabels[r.kind] ?? r.kind}</span>
                  </td>
                  <td>
                    <Link href={`/records/${r.id}`}>{r.summary}</Link>
                  </td>
                  <td className="mono">
                    {r.logId} #{r.seq}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.records.length === 0 && <p className="table-empty">No records{list.kind ? " of this kind" : ""} yet.</p>}
        </div>
        {pages > 1 && (
          <nav aria-label="Pages" className="table-foot" style={{ display: "flex", gap: 12, alignItems: "center" }}>
            {page > 1 && <Link href={href({ page: page - 1 })}>Newer</Link>}
            <span>
              Page {page} of {pages}
            </span>
            {page < pages && <Link href={href({ page: page + 1 })}>Older</Link>}
          </nav>
        )}
      </Card>
    </>
  );
}
