"use client";
// Main navigation; marks the current section for screen readers and sighted users alike.
// The layout passes only the sections the signed-in role may open (lib/auth/sections.ts).
import Link from "next/link";
import { usePathname } from "next/navigation";
import { Icon } from "@/components/icons";

export function NavLinks(props: { sections: { href: string; label: string; icon: string }[] }) {
  const pathname = usePathname();
  return (
    <nav className="nav" aria-label="Main">
      {props.sections.map((s) => (
        <Link key={s.href} href={s.href} aria-current={pathname.startsWith(s.href) ? "page" : undefined}>
          <Icon name={s.icon} />
          {s.label}
        </Link>
      ))}
    </nav>
  );
}
