import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { answersSchema, currentTemplates, findTemplate, questionnaireTemplates, templateQuestions } from "@/lib/suppliers/questionnaire";

// A published version is what approved assessments were answered against: it may never
// change. Changing a question means appending a new version (and a line here).
const published: Record<string, string> = {
  "ai-supplier@1": "674f602e6562b1d87fe7db7534e597a225ef45cae516d4415bf6155906de4dfd",
};

describe("questionnaire templates", () => {
  it("keep every published version unchanged", () => {
    const fingerprints = Object.fromEntries(
      questionnaireTemplates.map((t) => [`${t.key}@${t.version}`, createHash("sha256").update(canonicalize(t)!).digest("hex")]),
    );
    expect(fingerprints).toEqual(published);
  });

  it("have unique question ids, weights 1-3, and cover NIS2 21(2)(d), 21(3), all twelve IEC 62443-2-4 areas and AI practice", () => {
    for (const template of questionnaireTemplates) {
      const questions = templateQuestions(template);
      expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length);
      for (const q of questions) expect([1, 2, 3]).toContain(q.weight);
      const references = new Set(questions.map((q) => q.reference));
      expect(references).toContain("NIS2 Art. 21(2)(d)");
      expect(references).toContain("NIS2 Art. 21(3)");
      for (let n = 1; n <= 12; n++) expect(references).toContain(`IEC 62443-2-4 SP.${String(n).padStart(2, "0")}`);
      const sections = template.sections.map((s) => s.title.toLowerCase()).join(" ");
      for (const topic of ["data handling", "training", "breach notification", "continuity", "vulnerability", "cryptography", "sub-processor", "incident history"]) {
        expect(sections).toContain(topic);
      }
    }
  });

  it("offer the newest version of each key for new assessments", () => {
    expect(currentTemplates().map((t) => `${t.key}@${t.version}`)).toEqual(["ai-supplier@1"]);
    expect(findTemplate({ key: "ai-supplier", version: 1 })?.title).toBe("AI supplier security assessment");
    expect(findTemplate({ key: "ai-supplier", version: 99 })).toBeUndefined();
  });
});

describe("answers", () => {
  it("accept choices with notes and evidence links to documents or pages of this app", () => {
    const parsed = answersSchema.parse({
      "dh-location": { choice: "yes", evidence: [{ label: "DPA", url: "https://example.com/dpa.pdf" }, { url: "/suppliers/openai-ireland#certifications" }] },
      "bc-exit": { choice: "partial", note: "Export yes, deletion certificate on request" },
    });
    expect(parsed["dh-location"]!.evidence[1]!.label).toBe("");
    expect(parsed["bc-exit"]!.evidence).toEqual([]);
  });

  it("refuse unknown choices and links that are neither http(s) nor a path of this app", () => {
    expect(answersSchema.safeParse({ "dh-location": { choice: "maybe" } }).success).toBe(false);
    for (const url of ["javascript:alert(1)", "//evil.example/x", "file:///etc/passwd", "ftp://x"]) {
      expect(answersSchema.safeParse({ "dh-location": { choice: "yes", evidence: [{ url }] } }).success, url).toBe(false);
    }
  });
});
