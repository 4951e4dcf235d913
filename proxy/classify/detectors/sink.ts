// What a detector reports into. Token-level labels claim their span: a later, lower
// priority detector cannot claim an overlapping one, so one piece of text gets one
// interpretation (a password is not also counted as a part number).
import type { BuiltInLabel } from "@/proxy/classify/labels";

export interface SpanSink {
  /** Adds the finding unless it overlaps a claimed span; returns whether it was added. */
  claim(options: { label: BuiltInLabel; start: number; end: number }): boolean;
  isClaimed(options: { start: number; end: number }): boolean;
}

/** A detector of token-level labels, run once per text part. */
export type Detector = (options: { text: string; sink: SpanSink }) => void;
