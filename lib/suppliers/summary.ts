// Ledger summaries name suppliers, files and people, which can be long; the admin_change
// record allows 500 characters (lib/ledger/record.ts), and a longer one would refuse the change.
const maxSummary = 500;

export function clampSummary(text: string): string {
  return text.length <= maxSummary ? text : `${text.slice(0, maxSummary - 1)}…`;
}
