// The shapes the classifier reads and writes. A Classification carries labels, counts
// and offsets only, never the matched text: it goes into signed audit records.

export type DataClass = "PUBLIC" | "INTERNAL" | "CONFIDENTIAL" | "RESTRICTED";

/** One piece of content a provider adapter pulled out of a request: a message part, tool arguments, an image or a file. */
export interface ContentPart {
  kind: "text" | "image" | "file" | "binary";
  text?: string;
  mediaType?: string;
  bytes?: number;
}

/** A plant's own pattern or dictionary, compiled once per plant by `createClassifier`. */
export interface CustomRule {
  /** snake_case, e.g. "customer_name"; may reuse a built-in label if it also uses that label's level. */
  label: string;
  level: DataClass;
  /** JavaScript regular expression source. */
  pattern?: string;
  /** Regular expression flags among "imsuv"; "g" is added. */
  flags?: string;
  /** Dictionary terms, matched case-insensitively as whole words. */
  terms?: string[];
}

/**
 * Where a label was found: UTF-16 offsets into `parts[part].text`. A finding on a part
 * without text (an image, a camera frame, a CAD file) covers the whole part and has
 * start = end = 0.
 */
export interface Finding {
  part: number;
  start: number;
  end: number;
  label: string;
  /** The label's level, so a conduit policy can act on the findings above its limit. */
  level: DataClass;
  /**
   * Present only on the pieces of one finding that spans parts (a key split over two
   * messages): one piece per part, the same group on each, counted once in `labels`.
   * Numbered from 0 within one Classification.
   */
  group?: number;
}

export interface Classification {
  /** The highest level among the labels found; PUBLIC when nothing was found. */
  level: DataClass;
  /** Label -> number of findings (the pieces of one group count once); labels with no finding are absent. */
  labels: Record<string, number>;
  /** Sorted by part, then start. */
  findings: Finding[];
}

export interface Classifier {
  classify(options: { parts: ContentPart[] }): Classification;
}
