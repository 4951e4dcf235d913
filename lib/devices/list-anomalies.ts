// What the proxy flagged for people to look at: a device token seen from several
// addresses (shared), an AI flow no conduit authorises, an address calling without a
// valid token beyond what is recorded call by call. The proxy writes one row per subject
// and counts; this names the device, destination and credential behind each.
import { z } from "zod";
import type { Db } from "@/lib/db";
import { sharedAddresses } from "@/lib/devices/credentials";

const flowDetailSchema = z.object({ code: z.string().catch("") }).catch({ code: "" });

function flowCode(detail: string): string {
  try {
    return flowDetailSchema.parse(JSON.parse(detail)).code;
  } catch {
    return "";
  }
}

export async function listAnomalies(options: { db: Db; plantId: string | null; limit?: number }) {
  const { db, plantId } = options;
  const anomalies = await db.anomaly.findMany({ orderBy: { lastSeenAt: "desc" }, take: options.limit ?? 200 });
  const credentialIds = anomalies.filter((a) => a.kind === "shared_device_token").map((a) => a.subject);
  const credentials = await db.deviceCredential.findMany({ where: { id: { in: credentialIds } }, select: { id: true, tokenPrefix: true, deviceId: true } });
  const credentialById = new Map(credentials.map((c) => [c.id, c]));

  // Columns first; else the subject: a credential id, or "<deviceId> <destinationId>" for a flow.
  const resolved = anomalies.map((a) => {
    const credential = a.kind === "shared_device_token" ? credentialById.get(a.subject) : undefined;
    const [subjectDevice, subjectDestination] = a.kind === "unauthorised_flow" ? a.subject.split(" ") : [];
    return { anomaly: a, credential, deviceId: a.deviceId ?? credential?.deviceId ?? subjectDevice ?? null, destinationId: a.destinationId ?? subjectDestination ?? null };
  });
  const [devices, destinations] = await Promise.all([
    db.device.findMany({
      where: { id: { in: resolved.flatMap((r) => (r.deviceId ? [r.deviceId] : [])) } },
      select: { id: true, slug: true, name: true, plantId: true },
    }),
    db.aiDestination.findMany({
      where: { id: { in: resolved.flatMap((r) => (r.destinationId ? [r.destinationId] : [])) } },
      select: { id: true, slug: true, name: true },
    }),
  ]);
  const deviceById = new Map(devices.map((d) => [d.id, d]));
  const destinationById = new Map(destinations.map((d) => [d.id, d]));

  return resolved
    .map(({ anomaly, credential, deviceId, destinationId }) => ({
      id: anomaly.id,
      kind: anomaly.kind,
      device: deviceId ? (deviceById.get(deviceId) ?? null) : null,
      destination: destinationId ? (destinationById.get(destinationId) ?? null) : null,
      tokenPrefix: credential?.tokenPrefix ?? null,
      addresses: anomaly.kind === "shared_device_token" ? sharedAddresses(anomaly.detail) : anomaly.kind === "unidentified_caller" ? [anomaly.subject] : [],
      code: anomaly.kind === "unauthorised_flow" || anomaly.kind === "unidentified_caller" ? flowCode(anomaly.detail) : "",
      count: anomaly.count,
      firstSeenAt: anomaly.firstSeenAt,
      lastSeenAt: anomaly.lastSeenAt,
    }))
    // A caller without a valid token belongs to no known plant: every plant's view shows it.
    .filter((a) => plantId === null || a.kind === "unidentified_caller" || a.device?.plantId === plantId);
}
