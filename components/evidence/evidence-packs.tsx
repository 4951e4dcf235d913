"use client";
// The evidence page's working part: the form that queues a pack and the list of packs.
// While any pack is queued or being generated, the list is read again every 1.5 s and
// updated in place; when none is, it stops asking. A pack that finishes is announced.
import { useCallback, useEffect, useRef, useState } from "react";
import { Card } from "@/components/card";
import { isBusy } from "@/components/evidence/pack-format";
import { PackForm, type PackFormOptions } from "@/components/evidence/pack-form";
import { PacksTable } from "@/components/evidence/packs-table";
import { requestJson } from "@/components/evidence/send-pack";
import type { PackListItem } from "@/lib/evidence/packs";

const pollIntervalMs = 1500;

export function EvidencePacks(props: {
  initialPacks: PackListItem[];
  /** Null: the role may not generate packs (the form is not offered). */
  form: PackFormOptions | null;
}) {
  const [packs, setPacks] = useState(props.initialPacks);
  // Bumped after every read of the list, so the next read is scheduled from the last one's end.
  const [reads, setReads] = useState(0);
  // Asked for once after a pack was queued, before its row is known to be busy.
  const [expecting, setExpecting] = useState(false);
  const [pollProblem, setPollProblem] = useState<{ message: string; stopped: boolean } | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const previous = useRef(new Map(props.initialPacks.map((p) => [p.id, p.status])));

  const busy = packs.some(isBusy);

  const read = useCallback(async (signal?: AbortSignal) => {
    let result;
    try {
      result = await requestJson<{ packs: PackListItem[] }>("/api/evidence-packs", { method: "GET", signal });
    } catch {
      return; // aborted: the page moved on
    }
    if (result.ok) {
      const next = result.data.packs;
      const finished = next.filter((p) => !isBusy(p) && (previous.current.get(p.id) === "QUEUED" || previous.current.get(p.id) === "RUNNING"));
      if (finished.length > 0) setAnnouncement(finished.map((p) => (p.status === "READY" ? `"${p.name}" is ready to download.` : `"${p.name}" failed: ${p.error ?? "no reason given"}.`)).join(" "));
      previous.current = new Map(next.map((p) => [p.id, p.status]));
      setPacks(next);
      setPollProblem(null);
      setExpecting(false);
    } else {
      // Without a session or the permission, asking again cannot help.
      const stopped = result.status === 401 || result.status === 403;
      setPollProblem({ message: `The list could not be refreshed: ${result.message}${stopped ? "" : " Trying again."}`, stopped });
    }
    setReads((n) => n + 1);
  }, []);

  useEffect(() => {
    if ((!busy && !expecting) || pollProblem?.stopped) return;
    const controller = new AbortController();
    const timer = setTimeout(() => void read(controller.signal), expecting && !busy ? 0 : pollIntervalMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [busy, expecting, reads, pollProblem?.stopped, read]);

  return (
    <>
      {props.form && (
        <Card id="generate-pack" title="Generate a pack" description="A period in a plant's time zone, the plants and conduits (none checked: all), optionally an incident. The pack covers every record in that scope.">
          <PackForm {...props.form} onQueued={() => setExpecting(true)} />
        </Card>
      )}
      <Card
        id="packs"
        title="Packs"
        description={`Newest first. Generating and downloading a pack are each recorded in the audit ledger (who, when, which pack, its SHA-256).${busy ? " Progress updates as the packs are generated." : ""}`}
      >
        {pollProblem && (
          <div className="notice notice-warn" role="status" style={{ margin: "12px 18px 0" }}>
            <p>{pollProblem.message}</p>
          </div>
        )}
        <p className="visually-hidden" role="status" aria-live="polite">
          {announcement}
        </p>
        <PacksTable packs={packs} emptyText={props.form ? "No packs yet: generate the first one above." : "No packs yet."} />
      </Card>
    </>
  );
}
