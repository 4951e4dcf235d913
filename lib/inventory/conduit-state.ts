// Whether a conduit authorises traffic right now (IEC 62443-3-3 SR 5.2: deny by
// default). Only an ACTIVE conduit inside its validity window is in force.
import type { ConduitStatus } from "@/lib/db";

export type ConduitState = "in_force" | "expired" | "not_yet_valid" | "suspended" | "retired";

export function conduitState(options: {
  status: ConduitStatus;
  validFrom: Date;
  validUntil: Date | null;
  now: Date;
}): ConduitState {
  if (options.status === "RETIRED") return "retired";
  if (options.status === "SUSPENDED") return "suspended";
  if (options.now < options.validFrom) return "not_yet_valid";
  if (options.validUntil && options.now >= options.validUntil) return "expired";
  return "in_force";
}

export const conduitStateLabels: Record<ConduitState, string> = {
  in_force: "In force",
  expired: "Expired",
  not_yet_valid: "Not yet valid",
  suspended: "Suspended",
  retired: "Retired",
};
