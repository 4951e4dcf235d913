import { describe, expect, it } from "vitest";
import { decodedRuns as decode, longRuns, type DecodedRun } from "@/proxy/classify/decode";

function decodedRuns(text: string, budgetBytes = 64 * 1024): DecodedRun[] {
  return decode({ text, runs: longRuns({ text }), budget: { bytes: budgetBytes } });
}

const base64 = (text: string) => Buffer.from(text).toString("base64");
const hex = (text: string) => Buffer.from(text).toString("hex");

describe("encoded runs", () => {
  it("decodes base64, base64url, hex and percent-encoding that read as text, with the encoded span", () => {
    const encoded = base64("password=Augsburg#2024!");
    const text = `line ${encoded} and ${hex("senha=Aveiro@2023")} and 0x${hex("Passwort: Werk2!Sommer")} and ${Buffer.from('{"Gerät":"Presse 4?"}').toString("base64url")} and %70%61%73%73%3D%41%75%67 end`;
    const runs = decodedRuns(text);
    expect(runs.map((r) => r.decoded)).toEqual(["password=Augsburg#2024!", "senha=Aveiro@2023", "Passwort: Werk2!Sommer", '{"Gerät":"Presse 4?"}', "pass=Aug"]);
    expect(text.slice(runs[0]?.start, runs[0]?.end)).toBe(encoded);
  });

  it("reads a base64 block wrapped over several lines as one run", () => {
    const decoded = `api_key=${"x".repeat(40)}Zz9`;
    const encoded = base64(decoded);
    const wrapped = `${encoded.slice(0, 20)}\n${encoded.slice(20, 40)}\r\n${encoded.slice(40, 60)}\n${encoded.slice(60)}`;
    expect(decodedRuns(`blob:\n${wrapped}\nThanks.`).map((r) => r.decoded)).toEqual([decoded]);
    // Ending on a full line, the block does not take the next line of prose for its last one.
    const full = base64(decoded.slice(0, 45));
    expect(decodedRuns(`${full.slice(0, 20)}\n${full.slice(20, 40)}\n${full.slice(40)}\nThanks a lot`).map((r) => r.decoded)).toEqual([decoded.slice(0, 45)]);
  });

  it("passes over hashes, UUIDs, part numbers and long words without decoding them to text", () => {
    const text = [
      "SHA-256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
      "request 550e8400-e29b-41d4-a716-446655440000",
      "Sachnummer A2C53284701-0815-4711 and Instandhaltungsplanungsunterlagen",
      "path /var/lib/conduit-ledger/exports/2025-03-01_line3.csv",
    ].join("\n");
    expect(decodedRuns(text)).toEqual([]);
  });

  it("stops at the budget: only the first bytes of a long run are decoded", () => {
    const runs = decodedRuns(`x ${base64("A".repeat(300_000))} y`, 1000);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.decoded).toBe("A".repeat(1000));
  });

  it("is linear on 200 KB runs", () => {
    for (const text of ["QUJD".repeat(50_000), "0123456789abcdef".repeat(12_500), "%41".repeat(66_000), `${"a".repeat(15)} `.repeat(12_500)]) {
      const started = performance.now();
      decodedRuns(text);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });
});
