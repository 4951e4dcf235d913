"use client";
// A secret shown once (a device token, an operator assertion) with a button that copies
// it; where the browser refuses the clipboard, it says how to copy by hand.
import { useState } from "react";

export function SecretLine(props: { value: string; noun: string; testId: string; ariaLabel?: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied("Copied to the clipboard.");
    } catch {
      setCopied(`The browser refused the clipboard: select the ${props.noun} and copy it.`);
    }
  }
  return (
    <div className="token-line">
      <code data-testid={props.testId} aria-label={props.ariaLabel}>
        {props.value}
      </code>
      <button type="button" className="btn btn-secondary btn-sm" onClick={copy}>
        Copy {props.noun}
      </button>
      <span role="status" className="field-hint">
        {copied}
      </span>
    </div>
  );
}
