// The signed-in application shell: navigation, plant selector, the user and their role.
import type { ReactNode } from "react";
import { Brand } from "@/components/icons";
import { NavLinks } from "@/components/nav-links";
import { PlantSelector } from "@/components/plant-selector";
import { SignOutButton } from "@/components/sign-out-button";
import { requirePageUser } from "@/lib/auth/session";
import { roleLabels } from "@/lib/auth/roles";
import { listPlants, plantCookie, selectedPlant } from "@/lib/plants/selection";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  const plants = await listPlants();
  const selected = await selectedPlant(plants);
  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <aside className="sidebar">
        <Brand href="/conduits" />
        <NavLinks />
        <div className="sidebar-foot">IEC 62443 · NIS2 Art. 21 / 23</div>
      </aside>
      <div className="main">
        <header className="topbar">
          <PlantSelector
            plants={plants.map((p) => ({ slug: p.slug, name: p.name, memberState: p.memberState }))}
            selected={selected?.slug ?? null}
            cookieName={plantCookie}
          />
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
