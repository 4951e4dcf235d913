// The AI destinations the proxy forwards to, with what may be shown of their provider key.
import type { Db } from "@/lib/db";

export async function listDestinations(options: { db: Db }) {
  const { db } = options;
  const [destinations, withKey] = await Promise.all([
    db.aiDestination.findMany({
      select: {
        id: true,
        slug: true,
        name: true,
        provider: true,
        baseUrl: true,
        region: true,
        apiKeyHint: true,
        zone: { select: { name: true } },
        supplier: { select: { name: true } },
      },
      orderBy: { name: "asc" },
    }),
    // Filtered on, never read: the ciphertext stays in the database.
    db.aiDestination.findMany({ where: { apiKeyCiphertext: { not: null } }, select: { id: true } }),
  ]);
  const keyed = new Set(withKey.map((d) => d.id));
  return destinations.map(({ apiKeyHint, ...d }) => {
    const set = keyed.has(d.id);
    return { ...d, providerKey: { set, hint: set ? apiKeyHint : null } };
  });
}
