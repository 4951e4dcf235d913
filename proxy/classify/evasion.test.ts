// Secrets written to get past the classifier (issue 16): split across parts or messages,
// encoded, hidden with invisible or look-alike characters, or shaped like nothing but
// the product's own credentials and the provider keys the proxy holds. Each case must be
// RESTRICTED with one secret, and redaction must leave no piece of it in any part.
import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { applyConduitLimit, createClassifier, redactParts, type Classification, type ContentPart } from "@/proxy/classify";
import { matchingText } from "@/proxy/classify/normalize";

// Provider keys without a recognisable shape, as the proxy holds them for its destinations.
const mistralKey = "Xq7vLm2Pz9TbWc4RkJ8sNd3FhY6aGe1U";
const azureKey = "3f9c0e1d7a2b4c5d8e6f0a1b2c3d4e5f";
const classifier = createClassifier({ knownSecrets: [mistralKey, azureKey, "ollama"] });

const openAiKey = "sk-proj-4fJk2LmN9pQrStUvWxYz0123456789abcdEFGHijkl";
const deviceToken = "cl_dev_RQMPN7oe1_Dzqm-HRMDsISue_niUGaCpHiVQNKyUIiE";

const text = (value: string): ContentPart => ({ kind: "text", text: value });
const base64 = (value: string) => Buffer.from(value).toString("base64");
const base64url = (value: string) => Buffer.from(value).toString("base64url");
const hex = (value: string) => Buffer.from(value).toString("hex");
const percentEncoded = (value: string) => [...Buffer.from(value)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");

/** Every part as forwarded after redaction, folded so that invisible characters cannot hide a leftover. */
function forwarded(parts: ContentPart[], classification: Classification): string[] {
  const replacements = redactParts({ parts, findings: classification.findings });
  return parts.map((part, i) => matchingText({ text: replacements.get(i) ?? part.text ?? "" }).text);
}

/** No 8 characters in a row of any hidden string are left in any forwarded part. */
function leftovers(options: { forwarded: string[]; hidden: string[] }): string[] {
  const left: string[] = [];
  for (const hidden of options.hidden) {
    for (let i = 0; i + 8 <= hidden.length; i++) {
      const piece = hidden.slice(i, i + 8);
      if (options.forwarded.some((t) => t.includes(piece))) left.push(piece);
    }
  }
  return left;
}

function expectCaught(options: { parts: ContentPart[]; hidden: string[] }): Classification {
  const classification = classifier.classify({ parts: options.parts });
  expect(classification.level).toBe("RESTRICTED");
  expect(classification.labels.secret).toBe(1);
  expect(leftovers({ forwarded: forwarded(options.parts, classification), hidden: options.hidden })).toEqual([]);
  // Nothing of the secret goes into the record.
  const record = JSON.stringify({ level: classification.level, labels: classification.labels, findings: classification.findings });
  for (const hidden of options.hidden) expect(record).not.toContain(hidden.slice(0, 12));
  return classification;
}

describe("a secret split across parts", () => {
  it("is found across two content parts of one message, as one secret in two pieces", () => {
    const parts = [text(`Here is the key for the export job: ${openAiKey.slice(0, 14)}`), text(`${openAiKey.slice(14)} - why does it return 401?`)];
    const { findings } = expectCaught({ parts, hidden: [openAiKey] });
    const pieces = findings.filter((f) => f.label === "secret");
    expect(pieces.map((f) => [f.part, f.group])).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(forwarded(parts, classifier.classify({ parts }))).toEqual(["Here is the key for the export job: [REDACTED:secret]", "[REDACTED:secret] - why does it return 401?"]);
  });

  it("is found across two messages, also with the key or the sentence naming it in one message and the value in the next, and across an image between them", () => {
    const password = "Werk#2024!x";
    expectCaught({ parts: [text("You are the maintenance copilot."), text("Für die HMI an Linie 4 gilt Passwort="), text(`${password} - bitte prüfen, ob das sicher ist.`)], hidden: [password] });
    expectCaught({ parts: [text("The password for the HMI on line 4 is"), text(password)], hidden: [password] });
    const bearerToken = "abc123def456ghi789jkl";
    expectCaught({ parts: [text("curl -H 'Authorization: Bearer"), text(`${bearerToken}' https://historian/api`)], hidden: [bearerToken] });
    const githubToken = "ghp_1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz";
    expectCaught({ parts: [text(`CI token ${githubToken.slice(0, 12)}`), { kind: "image", mediaType: "image/png" }, text(`${githubToken.slice(12)} still works?`)], hidden: [githubToken] });
  });

  it("counts once and is redacted in every piece when the conduit redacts", () => {
    const parts = [text(`key ${openAiKey.slice(0, 10)}`), text(openAiKey.slice(10, 20)), text(`${openAiKey.slice(20)} end`)];
    const classification = classifier.classify({ parts });
    expect(classification.labels).toEqual({ secret: 1 });
    const decision = applyConduitLimit({ parts, classification, maxDataClass: "CONFIDENTIAL", overLimitAction: "REDACT" });
    expect(decision).toEqual({
      outcome: "redact",
      overLimitLabels: ["secret"],
      replacements: new Map([
        [0, "key [REDACTED:secret]"],
        [1, "[REDACTED:secret]"],
        [2, "[REDACTED:secret] end"],
      ]),
    });
  });
});

describe("an encoded secret", () => {
  it("is found in base64, and the finding covers the encoded run", () => {
    const encoded = base64(`OPENAI_API_KEY=${openAiKey}`);
    const prompt = `The notebook passes ${encoded} as an environment blob. What is in it?`;
    const { findings } = expectCaught({ parts: [text(prompt)], hidden: [encoded] });
    expect(findings.map((f) => prompt.slice(f.start, f.end))).toEqual([encoded]);
  });

  it("is found in base64url", () => {
    const encoded = base64url('{"Gerät":"Presse 4","Passwort":"Prüf?Stand#2024"}');
    expect(encoded).toMatch(/[-_]/);
    expectCaught({ parts: [text(`Der Konfigurationsblock des Edge-Agenten ist ${encoded} - warum lehnt der Server ihn ab?`)], hidden: [encoded] });
  });

  it("is found in hex, also with 0x and as base64 of hex (two levels)", () => {
    const githubToken = "ghp_1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz";
    expectCaught({ parts: [text(`The gateway logs the payload in hex: ${hex(`token ${githubToken}`)}. What is it sending?`)], hidden: [hex(githubToken)] });
    expectCaught({ parts: [text(`Register dump 0x${hex("password=Hist0rian!")} from the PLC`)], hidden: [hex("password=Hist0rian!")] });
    const twice = base64(hex("senha=Aveiro@2023"));
    expectCaught({ parts: [text(`Encontrei isto no log: ${twice}`)], hidden: [twice] });
  });

  it("is found percent-encoded", () => {
    const encoded = percentEncoded(`api_key=${openAiKey}`);
    expectCaught({ parts: [text(`The MES logs the form body as ${encoded} - is it leaking something?`)], hidden: [encoded] });
    const mixed = openAiKey.replace(/-/g, "%2D").replace(/j/g, "%6A");
    expectCaught({ parts: [text(`redirect ${mixed} seen`)], hidden: [mixed] });
  });
});

describe("a secret hidden with characters", () => {
  it("is found through zero-width and bidirectional characters, and the redaction covers them", () => {
    const hiddenKey = `${openAiKey.slice(0, 12)}\u200b${openAiKey.slice(12, 30)}\u200d\u2066${openAiKey.slice(30)}`;
    const prompt = `key ${hiddenKey} in the shared notebook`;
    const { findings } = expectCaught({ parts: [text(prompt)], hidden: [openAiKey] });
    expect(findings.map((f) => prompt.slice(f.start, f.end))).toEqual([hiddenKey]);
    expectCaught({ parts: [text("pass\u200bword=Augsburg#2024! is in the handover notes")], hidden: ["Augsburg#2024!"] });
  });

  it("is found written with look-alike letters from other scripts", () => {
    // Cyrillic dze for "s", Cyrillic er and o in "proj", Greek capital omicron for "O".
    const lookAlike = `\u0455k-\u0440r\u043ej-4fJk2LmN9pQrStUvWxYz0123456789abcdEFGHijkl`;
    expectCaught({ parts: [text(`${lookAlike} is in the shared notebook; should I remove it?`)], hidden: [openAiKey] });
    expectCaught({ parts: [text("p\u0430ssword=Werk2!Sommer for the HMI")], hidden: ["Werk2!Sommer"] });
    expectCaught({ parts: [text(`Fullwidth: ｓｋ－ｐｒｏｊ－４ｆＪｋ２ＬｍＮ９ｐＱｒＳｔＵｖＷｘＹｚ０１２３`)], hidden: ["sk-proj-4fJk2LmN9pQrStUvWxYz0123"] });
  });
});

describe("the product's own credentials and the keys the proxy holds", () => {
  it("finds a device token by its format, glued to text or not", () => {
    expectCaught({ parts: [text(`This is the token from the device page: ${deviceToken}. The proxy answers 401.`)], hidden: [deviceToken] });
    expectCaught({ parts: [text(`token=${deviceToken}Thanks`)], hidden: [deviceToken] });
  });

  it("finds an operator assertion (an Ed25519-signed JWT), also one whose payload is not compact JSON", async () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const assertion = await new SignJWT({ name: "Maria Santos" })
      .setProtectedHeader({ alg: "EdDSA", typ: "JWT" })
      .setIssuer("conduit-ledger")
      .setSubject("maria.santos@aveiro-casting.pt")
      .setAudience("conduit-ledger-proxy")
      .setIssuedAt()
      .setExpirationTime("15m")
      .sign(privateKey);
    expectCaught({ parts: [text(`The shift app sends x-conduit-operator-assertion: ${assertion} - why is the operator unverified?`)], hidden: [assertion] });
    const [header, , signature] = assertion.split(".");
    const spaced = `${header}.${base64url('{ "sub": "mes:4711", "iss": "mes-augsburg" }')}.${signature}`;
    expectCaught({ parts: [text(`x-conduit-operator-assertion: ${spaced}`)], hidden: [spaced] });
  });

  it("finds a stored provider key given as a known secret, whatever its shape", () => {
    expectCaught({ parts: [text(`Is this Mistral key still valid? ${mistralKey}`)], hidden: [mistralKey] });
    expectCaught({ parts: [text("Test the connection."), text(`{"endpoint":"https://example.openai.azure.com","k":"${azureKey}"}`)], hidden: [azureKey] });
    // Without the list the same text is nothing.
    expect(createClassifier({}).classify({ parts: [text(`Is this Mistral key still valid? ${mistralKey}`)] }).labels).toEqual({});
  });

  it("finds a stored provider key split across two messages and base64-encoded", () => {
    const encoded = base64(`key=${mistralKey}`);
    const parts = [text(`Decode this: ${encoded.slice(0, 17)}`), text(`${encoded.slice(17)} please`)];
    const { findings } = expectCaught({ parts, hidden: [encoded] });
    expect(new Set(findings.map((f) => f.group))).toEqual(new Set([0]));
    // And hidden with a zero-width space and a look-alike letter.
    expectCaught({ parts: [text(`key ${mistralKey.slice(0, 9)}\u200b${mistralKey.slice(9).replace("a", "\u0430")}`)], hidden: [mistralKey] });
  });
});

describe("ordinary text", () => {
  it.each([
    "Die Größe der Welle prüfen: Ölstand im Getriebe zu niedrig, Öltemperatur 71 °C. Herr Müller hat’s gemeldet – „dringend“.",
    "A máquina de injeção está parada; a pressão é 120 bar e o operador disse que a válvula não abre. Ação: verificar o solenóide.",
    "The café’s naïve coöperative résumé — “quoted” text, emoji 👩‍🔧 and ½ inch… fine.",
    "Насос работает нормально, температура 71 °C. Ο κινητήρας λειτουργεί κανονικά.",
    "Firmware image checksum (SHA-256): 3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b. Commit 9fceb02d0ae598e95dc970b74767f19372d61af8.",
    `SHA-512 ${"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"}`,
    "Request ids 6f1c2e8a-9b3d-4c7e-a1f2-0d9e8b7c6a54 and 550e8400-e29b-41d4-a716-446655440000 appear twice.",
    `Das HMI speichert den Bildtitel als Base64: ${base64("Betriebsanzeige Linie Nord")} – ist das normal?`,
    `The dashboard state is ${base64url('{"line":"north","mode":"auto","shift":3}')} in the URL.`,
    "Search https://example.com/search?q=Pumpe%20P-101%20Vibration%20%C3%BCberpr%C3%BCfen for the manual.",
    "Sachnummer A2C53284701-0815-4711, Instandhaltungsplanungsunterlagen, /var/lib/conduit-ledger/exports/2025-03-01_line3.csv",
  ])("has no secret: %s", (prompt) => {
    expect(classifier.classify({ parts: [text(prompt)] }).labels.secret).toBeUndefined();
  });

  it("has no secret when ordinary messages are joined", () => {
    const conversation = [
      "What is our password policy",
      "for the HMI accounts? We rotate the token",
      "counter every 42 days.",
      "The key",
      "performance indicator is OEE: 87 %.",
      "Base64 is just an encoding",
      "and hex dumps like deadbeefcafebabe0123 are common.",
    ];
    expect(classifier.classify({ parts: conversation.map(text) }).labels.secret).toBeUndefined();
  });

  it("keeps findings without a group in the shape of the audit record", () => {
    const { findings } = classifier.classify({ parts: [text(`key ${openAiKey}`)] });
    expect(Object.keys(findings[0] ?? {}).sort()).toEqual(["end", "label", "level", "part", "start"]);
  });
});

// 200 KB each (the many parts: 5,000 of them), built to make the folding, the decoding and
// the joining of parts rescan or backtrack.
describe("pathological inputs for the folding and decoding", () => {
  const fill = (unit: string, characters = 200_000) => unit.repeat(Math.ceil(characters / unit.length)).slice(0, characters);
  const inputs: Record<string, ContentPart[]> = {
    "one base64 run": [text(fill("QUJD"))],
    "base64 of printable text": [text(base64(fill("password ")))],
    "base64 lines": [text(fill(`${"QUJD".repeat(16)}\n`))],
    "long hex": [text(fill("0123456789abcdef"))],
    "hex of printable text": [text(hex(fill("pwd=x ", 100_000)))],
    "percent escapes": [text(fill("%41"))],
    "percent escapes and words": [text(fill("a%2 b%41 "))],
    "zero-width characters": [text(fill("\u200b"))],
    "zero-width inside words": [text(fill("a\u200b"))],
    "look-alike letters": [text(fill("р\u0430ssword="))],
    "tag characters": [text(fill("\u{e0073}\u{e006b}-"))],
    "device token prefixes": [text(fill("cl_dev_"))],
    "many parts": Array.from({ length: 5000 }, () => text("sk-proj-ab")),
    "many parts of base64": Array.from({ length: 5000 }, () => text("QUJDREVGR0hJSktM")),
  };
  it.each(Object.keys(inputs))("classifies %s in well under a second", (name) => {
    const parts = inputs[name] as ContentPart[];
    classifier.classify({ parts }); // compiles the code paths this input takes
    const started = performance.now();
    classifier.classify({ parts });
    const elapsed = performance.now() - started;
    console.log(`${name}: ${elapsed.toFixed(1)} ms`);
    // A catastrophic pattern takes minutes; this bound only catches that.
    expect(elapsed).toBeLessThan(500);
  });
});
