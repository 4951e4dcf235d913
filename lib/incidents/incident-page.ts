// Pages under /incidents/[id]: the incident, or Next's not-found page for an unknown id.
import { notFound } from "next/navigation";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { loadIncident } from "@/lib/incidents/incident-state";
import { getIncidentView } from "@/lib/incidents/incident-view";

async function orNotFound<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
}

export function findIncident(incidentId: string) {
  return orNotFound(() => loadIncident({ db: db(), incidentId }));
}

export function findIncidentView(incidentId: string) {
  return orNotFound(() => getIncidentView({ db: db(), incidentId }));
}
