// Inline SVG icons (no icon font, no network). Decorative: hidden from screen readers.
import type { ReactElement } from "react";

const paths: Record<string, ReactElement> = {
  conduits: <path d="M4 7h6m4 0h6M4 17h6m4 0h6M10 7a2 2 0 1 0 4 0 2 2 0 1 0-4 0Zm0 10a2 2 0 1 0 4 0 2 2 0 1 0-4 0ZM12 9v6" />,
  devices: <path d="M4 5h16v10H4zM9 19h6M12 15v4M8 9h3m-3 3h5" />,
  records: <path d="M7 3h8l4 4v14H7zM15 3v4h4M10 12h6M10 16h6" />,
  suppliers: <path d="M3 20h18M5 20V9l5 3V9l5 3V5h4v15" />,
  incidents: <path d="M12 3 2 20h20L12 3Zm0 6v5m0 3v.01" />,
  evidence: <path d="M12 3 4 6v6c0 4.5 3.4 8.2 8 9 4.6-.8 8-4.5 8-9V6l-8-3Zm-3 9 2 2 4-4" />,
  operator: <path d="M10 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm-7 10a7 7 0 0 1 14 0M16 11l2 2 4-4" />,
  settings: <path d="M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6Zm8 3 2-1-2-4-2 .5-1.5-1L16 4h-4l-.5 2.5-1.5 1L8 7 6 11l2 1v0l-2 1 2 4 2-.5 1.5 1L12 20h4l.5-2.5 1.5-1 2 .5 2-4-2-1Z" />,
};

export function Icon({ name }: { name: keyof typeof paths }) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.7} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      {paths[name]}
    </svg>
  );
}

export function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#1d3a57" />
      <path d="M7 11h7m4 0h7M7 21h7m4 0h7" stroke="#4fb3e0" strokeWidth="2.2" strokeLinecap="round" />
      <circle cx="16" cy="11" r="2.6" fill="none" stroke="#ffffff" strokeWidth="2" />
      <circle cx="16" cy="21" r="2.6" fill="none" stroke="#ffffff" strokeWidth="2" />
      <path d="M16 13.6v4.8" stroke="#ffffff" strokeWidth="2" />
    </svg>
  );
}

/** The product's name and mark; a link home where `href` is given. */
export function Brand(props: { href?: string }) {
  const content = (
    <>
      <BrandMark />
      <span>
        <span className="brand-name">Conduit Ledger</span>
        <span className="brand-sub">OT AI audit</span>
      </span>
    </>
  );
  return props.href ? (
    <a className="brand" href={props.href}>
      {content}
    </a>
  ) : (
    <div className="brand">{content}</div>
  );
}
