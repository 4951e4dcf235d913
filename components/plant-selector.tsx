"use client";
// Chooses which plant the pages show. The choice is a view preference (a cookie), not
// a change to any record, so every role may make it.
import { useRouter } from "next/navigation";
import { useTransition } from "react";

export function PlantSelector(props: {
  plants: { slug: string; name: string; memberState: string }[];
  selected: string | null;
  cookieName: string;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <div className="topbar-group">
      <label htmlFor="plant-selector">Plant</label>
      <select
        id="plant-selector"
        value={props.selected ?? "all"}
        disabled={pending}
        onChange={(event) => {
          const value = event.target.value;
          document.cookie = `${props.cookieName}=${encodeURIComponent(value)}; path=/; max-age=31536000; samesite=lax`;
          startTransition(() => router.refresh());
        }}
      >
        <option value="all">All plants</option>
        {props.plants.map((p) => (
          <option key={p.slug} value={p.slug}>
            {p.name} ({p.memberState})
          </option>
        ))}
      </select>
    </div>
  );
}
