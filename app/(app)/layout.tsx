// The signed-in application shell: navigation, plant selector, the user and their role.
import type { ReactNode } from "react";
import { Brand } from "@/components/icons";
import { NavLinks } from "@/components/nav-links";
import { PlantSelector } from "@/components/plant-selector";
import { SignOutButton } from "@/components/sign-out-button";
import { requirePageUser } from "@/lib/auth/session";
import { can, roleLabels } from "@/lib/auth/roles";
import { sectionsFor } from "@/lib/auth/sections";
import { listPlants, plantCookie, selectedPlant } from "@/lib/plants/selection";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  // The plant filter only narrows the plant's inventory and evidence: no use to a role that reads neither.
  const plants = can(user.role, "inventory:read") ? await listPlants() : null;
  const selected = plants ? await selectedPlant(plants) : null;
  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <aside className="sidebar">
        <Brand href="/" />
        <NavLinks sections={sectionsFor(user.role).map(({ href, label, icon }) => ({ href, label, icon }))} />
        <div className="sidebar-foot">IEC 62443 · NIS2 Art. 21 / 23</div>
      </aside>
      <div className="main">
        <header className="topbar">
          {plants ? (
            <PlantSelector
              plants={plants.map((p) => ({ slug: p.slug, name: p.name, memberState: p.memberState }))}
              selected={selected?.slug ?? null}
              cookieName={plantCookie}
            />
          ) : (
            <span />
          )}
          <div className="topbar-group">
            <div className="user-chip" data-testid="current-user">
              <span className="name">{user.name}</span>
              <span className="role">{roleLabels[user.role]}</span>
            </div>
            <SignOutButton />
          </div>
        </header>
        <main id="content" className="content">
          {children}
        </main>
      </div>
    </div>
  );
}
