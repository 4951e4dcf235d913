"use client";
// Main navigation; marks the current section for screen readers and sighted users alike.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { Icon } from "@/components/icons";

export const sections = [
  { href: "/conduits", label: "Conduits", icon: "conduits" },
  { href: "/devices", label: "Devices", icon: "devices" },
  { href: "/records", label: "Records", icon: "records" },
  { href: "/suppliers", label: "Suppliers", icon: "suppliers" },
  { href: "/incidents", label: "Incidents", icon: "incidents" },
  { href: "/evidence", label: "Evidence", icon: "evidence" },
  { href: "/settings", label: "Settings", icon: "settings" },
] as const;

export function NavLinks() {
  const pathname = usePathname();
  return (
    <nav className="nav" aria-label="Main">
      {sections.map((s) => (
        <Link key={s.href} href={s.href} aria-current={pathname.startsWith(s.href) ? "page" : undefined}>
          <Icon name={s.icon} />
          {s.label}
        </Link>
      ))}
    </nav>
  );
}
