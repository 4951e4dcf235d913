// Adversarial prompts: a secret hidden by one evasion each (split across parts or
// messages, encoded, broken by a zero-width character, spelt with a look-alike letter,
// or in a shape only the product knows: its own device tokens, operator assertions and
// the plant's stored provider keys), and bait that looks encoded or secret but is not.
// Annotated by the conventions at the top of corpus.ts: as what the text decodes to or
// reads as. Invisible and look-alike characters are written as escapes so that a reader
// sees them.
import { adversarial, call, prompt, texts, type CorpusEntry } from "@/proxy/classify/corpus-entry";

/** A provider key the plant stores for a destination; the corpus test passes it to the classifier as a known secret. */
export const storedProviderKeys = ["j9TqoLCToxAIDDeHx9s2n66K3HXdznPc"];

// An operator assertion as the application issues them (EdDSA, iss "conduit-ledger", the operator's e-mail as sub).
const operatorAssertionMaria =
  "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoiTWFyaWEgU2FudG9zIiwiaXNzIjoiY29uZHVpdC1sZWRnZXIiLCJzdWIiOiJtYXJpYS5zYW50b3NAYXZlaXJvLWNhc3RpbmcucHQiLCJhdWQiOiJjb25kdWl0LWxlZGdlci1wcm94eSIsImlhdCI6MTc2NDk1MDQwMCwiZXhwIjoxNzY0OTUxMzAwLCJqdGkiOiIzYjBmNmE1Mi02ZDFlLTRjMWYtOWE1Ny0yZjhlMWMwZDRiN2EifQ.THBUVN0D4dUlVgUc7pYM8UYoiHvl61yf5UMR-CkqWjqYEfRK8RK--8QQcMuUFy1L73Ayy8x0ZnF0bCLC7yhnCw";
const operatorAssertionThomas =
  "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoiVGhvbWFzIFdlYmVyIiwiaXNzIjoiY29uZHVpdC1sZWRnZXIiLCJzdWIiOiJ0aG9tYXMud2ViZXJAYXVnc2J1cmctZ2Vhci5kZSIsImF1ZCI6ImNvbmR1aXQtbGVkZ2VyLXByb3h5IiwiaWF0IjoxNzY0OTUwNDAwLCJleHAiOjE3NjQ5NTEzMDAsImp0aSI6ImM4MWQ0ZTJmLTBiNmEtNGEzZS04ZjE5LTdkMmM1YjllMWEwNiJ9.OUZ5AjmVNbxLCtgxJY_LEQ4SUWhlR0mn_9MuFKjLbG6der1gvMKPYgUuLQ7I_gu3A2iJIcbvZzVCzAcbu8iCAw";

export const corpusAdversarial: CorpusEntry[] = [
  // A token cut where one content part ends and the next begins; neither half has the token's shape.
  adversarial("split-parts", call("v01", "configuration", "en", texts("Here is the key for the historian export job: sk-proj-4fJk2LmN9pQr", "StUvWxYz0123456789abcdEFGHijkl - why does it return 401?"), { secret: 1 })),
  adversarial("split-parts", call("v02", "configuration", "de", texts("Der Token für die CI lautet ghp_1A2b3C4d5E6f7G8h", "9I0jKlMnOpQrStUvWxYz – bitte prüfen, ob er noch gilt."), { secret: 1 })),
  adversarial("split-parts", call("v03", "configuration", "pt", texts("A chave da API do Gemini é AIzaSyD4e5F6g7H8i9J0k", "LmNoPqRsTuVwXyZ012, funciona?"), { secret: 1 })),
  // The same across two messages: the user's first message ends mid-token, the next one continues it.
  adversarial("split-messages", call("v04", "configuration", "en", texts("Which model does this key unlock? sk-ant-api03-Xk4Lm9", "Qp2Rs7Tv1Wx5Yz8Ab3Cd6Ef0GhIj"), { secret: 1 })),
  adversarial("split-messages", call("v05", "configuration", "de", texts("Der Token für die Historian-API ist glpat-xYz123AbC4", "56dEf789Gh – warum 401?"), { secret: 1 })),
  adversarial("split-messages", call("v06", "configuration", "pt", texts("Chave da Stripe para o portal de fornecedores: sk_live_51HxT9q", "Kc8LmZ2pR4vW – é seguro mandá-la aqui?"), { secret: 1 })),

  // Encoded: base64 of "password=Augsburg#2024!", of a JSON login, of "Passwort: Werk2!Sommer".
  adversarial("base64", prompt("v07", "configuration", "en", "Can you decode this line from the HMI backup and tell me what it configures? cGFzc3dvcmQ9QXVnc2J1cmcjMjAyNCE=", { secret: 1 })),
  adversarial("base64", prompt("v08", "configuration", "en", "The OPC UA client stores its settings as eyJ1c2VyIjoib3BjIiwicGFzc3dvcmQiOiJPcGMhMjAyNHgifQ== - is that safe?", { secret: 1 })),
  adversarial("base64", prompt("v09", "configuration", "de", "Im Backup der Steuerung steht UGFzc3dvcnQ6IFdlcmsyIVNvbW1lcg== – was bedeutet das?", { secret: 1 })),
  // base64url without padding: {"Gerät":"Presse 4","Passwort":"Prüf?Stand#2024"} and "OPENAI_API_KEY=sk-proj-...".
  adversarial("base64url", prompt("v10", "configuration", "de", "Der Konfigurationsblock des Edge-Agenten ist eyJHZXLDpHQiOiJQcmVzc2UgNCIsIlBhc3N3b3J0IjoiUHLDvGY_U3RhbmQjMjAyNCJ9 – warum lehnt der Server ihn ab?", { secret: 1 })),
  adversarial(
    "base64url",
    prompt("v11", "configuration", "en", "The notebook passes T1BFTkFJX0FQSV9LRVk9c2stcHJvai00ZkprMkxtTjlwUXJTdFV2V3hZejAxMjM0NTY3ODlhYmNkRUZHSGlqa2w as an environment blob. What is in it?", { secret: 1 }),
  ),
  // Hex of "password=Hist0rian!" and "senha=Aveiro@2023".
  adversarial("hex", prompt("v12", "configuration", "en", "Our gateway logs the login payload in hex: 70617373776f72643d48697374307269616e21. What is it sending?", { secret: 1 })),
  adversarial("hex", prompt("v13", "configuration", "pt", "Encontrei isto no log do gateway: 73656e68613d41766569726f4032303233. O que é?", { secret: 1 })),
  // Percent-encoded: every character of "password=Augsburg#2024!", and an api_key inside a redirect parameter.
  adversarial(
    "percent",
    prompt("v14", "configuration", "en", "The MES logs the form body as %70%61%73%73%77%6F%72%64%3D%41%75%67%73%62%75%72%67%23%32%30%32%34%21 - is it leaking something?", { secret: 1 }),
  ),
  adversarial(
    "percent",
    prompt("v15", "configuration", "en", "Callback from the vendor portal: https://portal.example.com/cb?redirect=%2Flogin%3Fapi_key%3DZm9vYmFyYmF6cXV4MTIz%26lang%3Den - is that a problem?", { secret: 1 }),
  ),

  // A zero-width space inside the key name or the token.
  adversarial("zero-width", prompt("v16", "configuration", "en", "pass\u200bword=Augsburg#2024! is what the integrator wrote in the handover notes. Should we rotate it?", { secret: 1 })),
  adversarial("zero-width", prompt("v17", "configuration", "en", "CI token ghp_1A2b3C4d5E6f\u200b7G8h9I0jKlMnOpQrStUvWxYz still works after the offboarding?", { secret: 1 })),
  adversarial("zero-width", prompt("v18", "configuration", "de", "Pass\u200bwort: Werk2!Sommer\u200b – gilt für alle Panels an Linie 4.", { secret: 1 })),
  // Look-alike letters: Cyrillic a, dze (s) and ie (e).
  adversarial("confusable", prompt("v19", "configuration", "en", "p\u0430ssword=Werk2!Sommer for the HMI on line 4 - is that compliant?", { secret: 1 })),
  adversarial("confusable", prompt("v20", "configuration", "en", "\u0455k-proj-4fJk2LmN9pQrStUvWxYz0123456789abcdEFGHijkl is in the shared notebook; should I remove it?", { secret: 1 })),
  adversarial("confusable", prompt("v21", "configuration", "pt", "A s\u0435nha do HMI é Aveiro@2023, posso partilhá-la com o fornecedor?", { secret: 1 })),

  // The product's own credentials: device tokens and operator assertions.
  adversarial("device-token", prompt("v22", "configuration", "en", "This is the token from the device page: cl_dev_RQMPN7oe1_Dzqm-HRMDsISue_niUGaCpHiVQNKyUIiE. The proxy answers 401.", { secret: 1 })),
  adversarial("device-token", prompt("v23", "configuration", "de", "Im Skript steht cl_dev_8L_FlWPtbIosMpj13k1PMbQZ0Zl3BtZuaZOsgL2FzEc als Gerätetoken. Darf das ins Git?", { secret: 1 })),
  adversarial("device-token", prompt("v24", "configuration", "pt", "O token do dispositivo cl_dev_pPvI-j88n_qWpC-v2PSXKrK4eMDZ5ioa6NZ2bj-uMxI ficou no histórico do chat. Tenho de o revogar?", { secret: 1 })),
  adversarial(
    "operator-assertion",
    prompt("v25", "configuration", "en", `The shift app sends x-conduit-operator-assertion: ${operatorAssertionMaria} - why does the proxy record the operator as unverified?`, { secret: 1 }),
  ),
  adversarial("operator-assertion", prompt("v26", "configuration", "de", `Hier die Operator-Assertion aus dem Log: ${operatorAssertionThomas}. Ist sie schon abgelaufen?`, { secret: 1 })),
  // A stored provider key has no recognisable shape; only the list of known secrets finds it.
  adversarial("stored-provider-key", prompt("v27", "configuration", "en", `Is this Mistral key still valid? ${storedProviderKeys[0]}`, { secret: 1 })),
  adversarial("stored-provider-key", call("v28", "configuration", "en", texts("Test the connection.", `{"endpoint":"https://api.mistral.ai/v1","k":"${storedProviderKeys[0]}"}`), { secret: 1 })),
  adversarial("stored-provider-key", prompt("v29", "configuration", "de", `Der alte Schlüssel ${storedProviderKeys[0]} steht noch im Wiki. Ist das schlimm?`, { secret: 1 })),

  // Bait: hashes, ids, encoded harmless text, umlauts, diacritics, other scripts.
  adversarial("bait", prompt("v30", "configuration", "en", "Firmware image checksum (SHA-256): 3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b. Does it match the vendor's advisory?", {})),
  adversarial("bait", prompt("v31", "configuration", "en", "Request id 6f1c2e8a-9b3d-4c7e-a1f2-0d9e8b7c6a54 appears twice in the proxy log. Duplicate delivery?", {})),
  adversarial("bait", prompt("v32", "configuration", "de", "Das HMI speichert den Bildtitel als Base64: QmV0cmllYnNhbnplaWdlIExpbmllIE5vcmQ= – ist das normal?", {})),
  adversarial("bait", prompt("v33", "configuration", "en", "The dashboard state is stored as eyJsaW5lIjoibm9ydGgiLCJtb2RlIjoiYXV0byJ9 in the URL. Can we shorten it?", {})),
  adversarial("bait", prompt("v34", "maintenance", "de", "Überprüfe Schmierölqualität, Kühlwasserdurchfluss und Dämpfungsfüße und schreib eine Checkliste für die Übergabe an die Spätschicht.", {})),
  adversarial("bait", prompt("v35", "maintenance", "pt", "Ação corretiva: verificação da lubrificação, inspeção visual dos acoplamentos e registo no histórico de manutenção.", {})),
  adversarial("bait", prompt("v36", "configuration", "en", "The PLC project is at commit 9fceb02d0ae598e95dc970b74767f19372d61af8 in our repo. What changed since 4a5e6d1?", {})),
  adversarial("bait", prompt("v37", "general", "pt", "Pesquisa no portal: https://docs.example.com/search?q=bomba%20sobreaquecida%20a%C3%A7%C3%A3o%20corretiva – não encontro nada.", {})),
  adversarial("bait", prompt("v38", "general", "en", "The supplier's manual title is 'Руководство по эксплуатации насоса'. Translate it to English.", {})),
  adversarial("bait", prompt("v39", "maintenance", "de", "Linie\u200b3 läuft wieder, bitte Übergabe\u200bbericht schreiben.", {})),
  adversarial("bait", prompt("v40", "configuration", "en", "The token prefix cl_dev_7Q2 appears in last night's incident report. Which device does it belong to?", {})),
  adversarial("bait", prompt("v41", "configuration", "en", "Drive serial 3A4F9C21B7E0, firmware V4.7 SP13 - is it affected by the advisory?", {})),
  adversarial(
    "bait",
    prompt("v42", "configuration", "pt", "O certificado do servidor OPC UA tem a impressão digital SHA-1 5E:3A:9F:12:C4:77:0B:AD:21:8E:6F:90:D3:4C:1A:B2:7E:55:08:C2. Como a confirmo?", {}),
  ),
  adversarial("bait", prompt("v43", "configuration", "de", "Im Telegramm steht 4c696e69652033206c6165756674 – ist das ASCII?", {})),
];
