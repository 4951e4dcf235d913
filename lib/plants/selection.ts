// The plant the user is looking at, kept in a cookie so every page filters the same
// way. "all" shows every plant. A cookie naming a plant that no longer exists falls
// back to "all".
import { cookies } from "next/headers";
import { db } from "@/lib/db";

export const plantCookie = "conduit-plant";

export interface PlantOption {
  id: string;
  slug: string;
  name: string;
  memberState: string;
  timeZone: string;
}

export async function listPlants(): Promise<PlantOption[]> {
  return db().plant.findMany({
    select: { id: true, slug: true, name: true, memberState: true, timeZone: true },
    orderBy: { name: "asc" },
  });
}

export async function selectedPlant(plants: PlantOption[]): Promise<PlantOption | null> {
  const slug = (await cookies()).get(plantCookie)?.value;
  return plants.find((p) => p.slug === slug) ?? null;
}
