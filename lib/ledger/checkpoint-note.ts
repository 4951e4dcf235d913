// A log's checkpoint is signed as a C2SP checkpoint note (c2sp.org/tlog-checkpoint,
// c2sp.org/signed-note), so a pack can hand an auditor each log's own signed tree head
// in the format transparency-log tools read, with no re-signing by the server:
//
//   conduit-ledger.local/log/<logId>     origin
//   <size>                               tree size
//   <base64 root>                        RFC 6962 root hash
//   time <at>                            extension line: when the log signed it
//
// The Ed25519 signature over this text is what the Checkpoint row keeps. Checkpoints
// written before notes were signed over their canonical JSON (lib/ledger/record.ts).
// No Node modules here: the browser verifier builds the same text.

export const checkpointOriginPrefix = "conduit-ledger.local/log";

export function checkpointOrigin(logId: string): string {
  return `${checkpointOriginPrefix}/${logId}`;
}

function base64OfHex(hex: string): string {
  let binary = "";
  for (let i = 0; i < hex.length; i += 2) binary += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(binary);
}

/** The note text a log signs for its tree head (the lines before the blank line). */
export function checkpointNoteText(options: { log: string; size: number; root: string; at: string }): string {
  return `${checkpointOrigin(options.log)}\n${options.size}\n${base64OfHex(options.root)}\ntime ${options.at}\n`;
}
