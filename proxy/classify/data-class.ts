// The four data classes, lowest first, as in the Prisma enum DataClass.
import type { DataClass } from "@/proxy/classify/types";

export const dataClassOrder: readonly DataClass[] = ["PUBLIC", "INTERNAL", "CONFIDENTIAL", "RESTRICTED"];

const rank: Record<DataClass, number> = { PUBLIC: 0, INTERNAL: 1, CONFIDENTIAL: 2, RESTRICTED: 3 };

/**
 * Negative when `a` is below `b`, 0 when equal, positive when above. Two arguments
 * rather than an options object so that it works as `levels.sort(compareDataClass)`.
 */
export function compareDataClass(a: DataClass, b: DataClass): number {
  return rank[a] - rank[b];
}
