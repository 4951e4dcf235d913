// One table per detector: what it must find (as "label: matched text") and what it must
// leave alone. The spans matter as much as the counts, since redaction replaces them.
import { describe, expect, it } from "vitest";
import { createClassifier } from "@/proxy/classify";
import { isValidIban } from "@/proxy/classify/detectors/personal-data";
import { isIpv6 } from "@/proxy/classify/detectors/network-identifier";

const classifier = createClassifier({});

function found(text: string, label?: string): string[] {
  return classifier
    .classify({ parts: [{ kind: "text", text }] })
    .findings.filter((f) => label === undefined || f.label === label)
    .map((f) => `${f.label}: ${text.slice(f.start, f.end)}`);
}

describe("secrets", () => {
  it.each([
    ["password=Augsburg#2024! please", "secret: Augsburg#2024!"],
    ["Passwort: Werk2!Sommer - gilt für Linie 4", "secret: Werk2!Sommer"],
    ['{"user":"opc","password":"Opc!2024x"}', "secret: Opc!2024x"],
    ["Server=hist01;User Id=sa;Password=Hist0rian!;", "secret: Hist0rian!"],
    ["DB_PASSWORD=s3cr3t-value", "secret: s3cr3t-value"],
    ["x-api-key: 9f8e7d6c5b4a3928", "secret: 9f8e7d6c5b4a3928"],
    ["dbPassword: Plant2024", "secret: Plant2024"],
    ["hist_api_token=9f8e7d6c5b4a39281706f5e4d3c2b1a0 works", "secret: 9f8e7d6c5b4a39281706f5e4d3c2b1a0"],
    ["Das Kennwort für den Wartungszugang lautet Fraese#77.", "secret: Fraese#77"],
    ["A senha do utilizador admin do HMI é Aveiro@2023.", "secret: Aveiro@2023"],
    ["the password for the HMI is Siemens123 now", "secret: Siemens123"],
    ["key sk-proj-4fJk2LmN9pQrStUvWxYz0123456789abcdEFGHijkl.", "secret: sk-proj-4fJk2LmN9pQrStUvWxYz0123456789abcdEFGHijkl"],
    ["ghp_1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz rotates", "secret: ghp_1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz"],
    ["xoxb-2749583-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "secret: xoxb-2749583-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"],
    ["glpat-xYz123AbC456dEf789Gh", "secret: glpat-xYz123AbC456dEf789Gh"],
    ["AIzaSyD4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ012", "secret: AIzaSyD4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ012"],
    ["Authorization: Bearer abc123def456ghi789jkl", "secret: abc123def456ghi789jkl"],
    ["Authorization: Basic dXNlcjpwYXNzd29yZA==", "secret: dXNlcjpwYXNzd29yZA=="],
    ["mqtt://edge:T0pS3cret@10.40.2.15:1883", "secret: T0pS3cret"],
    ["AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi+/Y2RlZmdo==;EndpointSuffix=core.windows.net", "secret: Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi+/Y2RlZmdo=="],
  ])("finds the value in %j", (text, expected) => {
    expect(found(text, "secret")).toEqual([expected]);
  });

  it("finds a private key block, with or without its END line", () => {
    const block = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
    expect(found(`Key:\n${block}\nwhy?`, "secret")).toEqual([`secret: ${block}`]);
    expect(found("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg", "secret")).toHaveLength(1);
  });

  it("finds an AWS access key id and the secret key next to it", () => {
    expect(found("keys AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ok", "secret")).toEqual([
      "secret: AKIAIOSFODNN7EXAMPLE",
      "secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ]);
  });

  it("finds a JWT", () => {
    const jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtZXMtYm90In0.c2lnbmF0dXJlLXZhbHVl";
    expect(found(`token ${jwt} expired`, "secret")).toEqual([`secret: ${jwt}`]);
  });

  it.each([
    "Our password policy requires 12 characters.",
    "The password field shows 'invalid'.",
    "Das Passwort ist abgelaufen.",
    "password: see vault",
    "password=${DB_PASSWORD}",
    "password: <your password>",
    "token: 42",
    "max_tokens: 1024",
    "How many tokens does a 2 KB prompt use?",
    "the compass: 270 degrees",
    "Bearer of bad news",
    "Basic understanding of PLCs",
    "sk-learn is a Python library",
    "https://user@example.com/path",
  ])("leaves alone %j", (text) => {
    expect(found(text, "secret")).toEqual([]);
  });
});

describe("personal data", () => {
  it.each([
    ["mail thomas.weber@augsburg-gear.de today", "personal_data: thomas.weber@augsburg-gear.de"],
    ["call +49 821 555 0193 now", "personal_data: +49 821 555 0193"],
    ["ligar para +351 234 567 890.", "personal_data: +351 234 567 890"],
    ["Tel. 0821 555-2317", "personal_data: 0821 555-2317"],
    ["Contacto: 912 345 678.", "personal_data: 912 345 678"],
    ["Seine Durchwahl ist 2317.", "personal_data: 2317"],
    ["IBAN DE89 3704 0044 0532 0130 00, amount", "personal_data: DE89 3704 0044 0532 0130 00"],
    ["IBAN PT50000201231234567890154.", "personal_data: PT50000201231234567890154"],
    ["Badge ID 0047713 was used", "personal_data: 0047713"],
    ["Personalnummer: 4711-22", "personal_data: 4711"],
    ["n.º mecanográfico 20931", "personal_data: 20931"],
    ["Herr Schneider hat quittiert", "personal_data: Schneider"],
    ["Bitte Herrn Dr. Hoffmann informieren", "personal_data: Hoffmann"],
    ["A Sra. Ferreira da qualidade", "personal_data: Ferreira"],
    ["Operator Maria Santos reported", "personal_data: Maria Santos"],
    ["O operador João Pereira reportou", "personal_data: João Pereira"],
    ["Dear Luís Costa,", "personal_data: Luís Costa"],
    ["Sie ist unter 0731 123-4567 erreichbar.", "personal_data: 0731 123-4567"],
  ])("finds %j", (text, expected) => {
    expect(found(text, "personal_data")).toEqual([expected]);
  });

  it.each([
    "Reference DE00 1234 5678 9012 3456 78 is a test value.",
    "Operator Panel OP-17 shows an error.",
    "Der Werker Montage Linie 3 braucht Hilfe.",
    "Dear Maria, thanks.",
    "Max Temperature is 80 °C.",
    "call 3 times a day",
    "Contact us in 2025.",
    "coil 00017 switches the fan",
    "git@github.com:plant/mes.git",
    "employee of the month",
    "5 +/- 0.05 mm",
  ])("leaves alone %j", (text) => {
    expect(found(text, "personal_data")).toEqual([]);
  });

  it("checks IBANs by country length and ISO 13616 checksum", () => {
    expect(isValidIban("DE89370400440532013000")).toBe(true);
    expect(isValidIban("DE89370400440532013001")).toBe(false);
    expect(isValidIban("DE8937040044053201300")).toBe(false);
    expect(isValidIban("XX89370400440532013000")).toBe(false);
  });
});

describe("network identifiers", () => {
  it.each([
    ["gateway at 10.20.30.41 fails", "network_identifier: 10.20.30.41"],
    ["rule for 10.20.30.0/24 wrong", "network_identifier: 10.20.30.0/24"],
    ["base URL http://10.1.5.20:8080/v1", "network_identifier: 10.1.5.20"],
    ["MAC 00:1B:1B:4A:2F:90 seen", "network_identifier: 00:1B:1B:4A:2F:90"],
    ["MAC 00-0E-C6-8A-11-2F seen", "network_identifier: 00-0E-C6-8A-11-2F"],
    ["Cisco shows 0011.22aa.bbcc on port 3", "network_identifier: 0011.22aa.bbcc"],
    ["device at fe80::20e:c6ff:fe8a:112f%eth1 answers", "network_identifier: fe80::20e:c6ff:fe8a:112f%eth1"],
    ["prefix 2001:db8:85a3::/48 routed", "network_identifier: 2001:db8:85a3::/48"],
    ["historian hist01.aug.plant.local on port", "network_identifier: hist01.aug.plant.local"],
    ["open http://grafana.aug.internal:3000/d/vib", "network_identifier: grafana.aug.internal"],
    ["server opc.tcp://plc-line3:4840 rejects", "network_identifier: plc-line3"],
    ["files on \\\\HMI-SRV02\\recipes$ now", "network_identifier: HMI-SRV02"],
    ["Server=hist01;Database=Runtime", "network_identifier: hist01"],
    ['{"host": "plc-07"}', "network_identifier: plc-07"],
  ])("finds %j", (text, expected) => {
    expect(found(text, "network_identifier")).toEqual([expected]);
  });

  it.each([
    "Firmware 2.9.4.1 of the switch",
    "Node 20.19.2 or 22.11.0",
    "Set the subnet mask to 255.255.255.0",
    "binds to 0.0.0.0 and 127.0.0.1",
    "OID 1.3.6.1.4.1.4329 in the MIB",
    "value 999.1.1.1 is not an address",
    "restart at 14:30:00 and 10:30",
    "Is api.openai.com reachable?",
    "Read https://www.cisa.gov/news-events/ics-advisories",
    "open http://localhost:3000",
    "error from server: timeout",
    "ratio 1:2:3 for the mix",
    "batch 12-34-56-78-90-12 of parts",
  ])("leaves alone %j", (text) => {
    expect(found(text, "network_identifier")).toEqual([]);
  });

  it("parses IPv6 text forms", () => {
    expect(isIpv6("2001:db8::1")).toBe(true);
    expect(isIpv6("::ffff:192.168.0.1")).toBe(true);
    expect(isIpv6("1:2:3:4:5:6:7:8")).toBe(true);
    expect(isIpv6("1:2:3:4:5:6:7")).toBe(false);
    expect(isIpv6("1::2::3")).toBe(false);
    expect(isIpv6("12345::1")).toBe(false);
  });
});

describe("OT asset and tag identifiers", () => {
  it.each([
    ["FIC-101 oscillates", "ot_asset_tag: FIC-101"],
    ["TT-4711A reads high", "ot_asset_tag: TT-4711A"],
    ["loop 10-LIC-3001 level", "ot_asset_tag: 10-LIC-3001"],
    ["FIC101 without hyphen", "ot_asset_tag: FIC101"],
    ["pump P-101 trips", "ot_asset_tag: P-101"],
    ["prensa P-04 parada", "ot_asset_tag: P-04"],
    ["press PR-07 stopped", "ot_asset_tag: PR-07"],
    ["asset AUG-CNC-07 history", "ot_asset_tag: AUG-CNC-07"],
    ["location AUG-L2-PR03 there", "ot_asset_tag: AUG-L2-PR03"],
    ["bit DB10.DBX4.1 set", "ot_asset_tag: DB10.DBX4.1"],
    ["counter %MW100 resets", "ot_asset_tag: %MW100"],
    ["feedback %IX0.3 low", "ot_asset_tag: %IX0.3"],
    ["S7 Merker M10.0 gesetzt", "ot_asset_tag: M10.0"],
    ["PLC block FB12 calls", "ot_asset_tag: FB12"],
    ["Modbus holding register 40071 float", "ot_asset_tag: 40071"],
    ["Modbus coil 00017 switches", "ot_asset_tag: 00017"],
    ["input registers 30001 to 30010 polled", "ot_asset_tag: 30001 to 30010"],
    ["node ns=2;s=Line3.Filler.Speed.", "ot_asset_tag: ns=2;s=Line3.Filler.Speed"],
    ["node ns=0;i=2258 is the time", "ot_asset_tag: ns=0;i=2258"],
    ["tag AUG.L3.PR04.Hydraulic.Pressure.PV spikes", "ot_asset_tag: AUG.L3.PR04.Hydraulic.Pressure.PV"],
    ['{"tag":"PT-3002","from":"-1h"}', "ot_asset_tag: PT-3002"],
    ["Equipment-Nr. 10004711 prüfen", "ot_asset_tag: 10004711"],
    ["Motor M-33 tripped", "ot_asset_tag: M-33"],
    ["Ventil V-07 schließt nicht", "ot_asset_tag: V-07"],
    ["a bomba B-14 vibra", "ot_asset_tag: B-14"],
    ["Freischaltung Mischer MX-4 vor dem Reinigen", "ot_asset_tag: MX-4"],
    ["a misturadora MX-2 parou", "ot_asset_tag: MX-2"],
    ["set TIC-12 at step 4 of recipe RX-55", "ot_asset_tag: TIC-12"],
  ])("finds %j", (text, expected) => {
    expect(found(text, "ot_asset_tag")).toEqual([expected]);
  });

  it.each([
    "ISO-9001 and IEC-62443 audits",
    "COVID-19 era supply chains",
    "RS-485 cabling",
    "PT100 in 3-wire connection",
    "SHA-256 hashes",
    "CVE-2023-44317 affects it",
    "S7-1500 and S7-1200 controllers",
    "fault F0002 on a SINAMICS G120",
    "GPT-4o and M8x20 bolts",
    "work order WO-2024-0117",
    "a PN16 flange with IP67",
    "Drawing DB100 shows it",
    "register 5 complaints",
    "Z-4711-0815 is a drawing",
    "Print it on A-4 paper for the Q-1 review",
    "brackets for the F-35 programme",
    "The spare motor is on shelf B-12 in the stores",
    "Room C-14 is booked; Regal A-12 ist leer",
    "grade B-20 biodiesel and vitamin B-12",
    "Rezept RZ-17, receita RX-55, recipe no. 7",
    "Welding procedure WPS-114",
    "The switch is a SCALANCE XC208",
    "zone 1, line 2 and the A-4 form",
  ])("leaves alone %j", (text) => {
    expect(found(text, "ot_asset_tag")).toEqual([]);
  });
});

describe("process parameters", () => {
  it.each([
    ["setpoint 185 °C today", ["process_parameter: 185 °C"]],
    ["Sollwert: 92,5.", ["process_parameter: 92,5"]],
    ["bearing at 78 °C", ["process_parameter: 78 °C"]],
    ["der Förderdruck ist 4,5 bar", ["process_parameter: 4,5 bar"]],
    ["läuft mit 1450 U/min", ["process_parameter: 1450 U/min"]],
    ["runs at 1480 rpm", ["process_parameter: 1480 rpm"]],
    ["flow 12.5 m³/h", ["process_parameter: 12.5 m³/h"]],
    ["torque to 85 Nm", ["process_parameter: 85 Nm"]],
    ["vibração 9,2 mm/s", ["process_parameter: 9,2 mm/s"]],
    ["a 1420 ºC no forno", ["process_parameter: 1420 ºC"]],
    ["tolerance ±0.05 mm", ["process_parameter: ±0.05 mm"]],
    ["keep it +/- 0.1 mm", ["process_parameter: +/- 0.1 mm"]],
    ["185 °C ± 2 K on TIC-205", ["process_parameter: 185 °C ± 2 K"]],
    ["gap 0.8-1.2 mm", ["process_parameter: 0.8-1.2 mm"]],
    ["between 0.8 and 1.2 mm", ["process_parameter: 0.8 and 1.2 mm"]],
    ["zwischen 40 % und 60 %", ["process_parameter: 40 % und 60 %"]],
    ["upper limit 42.025 mm", ["process_parameter: 42.025 mm"]],
    ["Ebenheit max. 0,05 mm", ["process_parameter: 0,05 mm"]],
    ["runs a 38 s cycle time", ["process_parameter: 38 s"]],
    ["Welding parameters: 24.5 V, 210 A.", ["process_parameter: 24.5 V", "process_parameter: 210 A"]],
    ["mix resin and hardener 100:35 by weight", ["process_parameter: 100:35"]],
    ["Mischungsverhältnis Harz zu Härter 100:35", ["process_parameter: 100:35"]],
    ["proporção resina:endurecedor 2:1 em peso", ["process_parameter: 2:1"]],
    ["von 160 bar auf 180 bar verstellt", ["process_parameter: 160 bar auf 180 bar"]],
    ["caiu de 12 bar para 9,5 bar", ["process_parameter: 12 bar para 9,5 bar"]],
    ["Rampa de 50 °C/h até 600 °C", ["process_parameter: 50 °C/h", "process_parameter: 600 °C"]],
    ["densidade alvo 1,78 g/cm³", ["process_parameter: 1,78 g/cm³"]],
  ])("finds %j", (text, expected) => {
    expect(found(text, "process_parameter")).toEqual(expected);
  });

  it.each([
    "Line 3 stopped after 40 minutes.",
    "Replace the 24 V power supply rated 10 A.",
    "Our OEE went from 71 % to 78 %.",
    "Between 2019 and 2023 scrap fell by 30 %.",
    "Convert 150 psi to bar.",
    "measured 42.031 mm on the bore",
    "The M8x20 bolts and a 12 mm end mill.",
    "Python 3.11, 2 KB prompt, 5,000 tickets, 200 EUR.",
    "Plan for 2025-11-03 09:00-12:00 CET.",
    "a chamfer of 0.5 x 45°",
    "às 14h na sala 2",
    "The mixer restarts at 14:30, the ratio review is at 10:30.",
    "Der Füllstand schwankt zwischen 40 % und 60 %.",
    "A corrente oscila entre 18 A e 26 A.",
  ])("leaves alone %j", (text) => {
    expect(found(text, "process_parameter")).toEqual([]);
  });
});

describe("recipes and procedures", () => {
  it.each([
    "Recipe PA66-GF30: melt temperature 290 °C, mould temperature 85 °C, holding pressure 650 bar.",
    "Rezept Charge 2207:\n1. 450 kg Harz vorlegen.\n2. Auf 85 °C aufheizen.\n3. 12 kg Katalysator zudosieren.",
    "Lockout procedure: Step 1 notify production. Step 2 stop the press. Step 3 apply your lock.",
    "Procedimento de bloqueio: 1. Avisar o chefe. 2. Parar a prensa. 3. Colocar cadeado.",
    "Arbeitsanweisung: Schritt 1: stoppen. Schritt 2: Druck ablassen. Schritt 3: Filter tauschen.",
    "1. Heat to 85 °C. 2. Hold 45 min at 85 °C. 3. Cool to 40 °C.",
    "Mix resin and hardener 100:35 by weight, cure 2 h at 80 °C then 4 h at 120 °C.",
    "Please set TIC-12 to 185 °C at step 4 of recipe RX-55.",
    "For the bushings we pour at 1150 °C, hold the mould closed for 90 s, then quench in water at 40 °C.",
    "10 min bei 20 mbar entgasen, bei 40 °C vergießen, dann 2 h bei 80 °C aushärten.",
    "Die Charge wurde 2 h bei 80 °C vorgehärtet und danach 4 h bei 150 °C nachgehärtet.",
    "In Schritt 4 von Rezept RZ-17 steht der Sollwert auf 185 °C.",
    "No passo 4 da receita RX-55 o setpoint do TIC-12 é 185 °C.",
    "O forno manteve 650 °C durante 3 h e depois arrefeceu a 50 °C/h até 300 °C.",
    "Etapa 1: aplicar desmoldante. Etapa 2: pré-aquecer o molde a 60 °C. Etapa 3: vazar a mistura.",
    "To change the nozzle: first let the barrel cool below 50 °C, then remove the heater band, then unscrew the nozzle, and finally fit the new one.",
  ])("finds one block in %j", (text) => {
    expect(found(text, "recipe_procedure")).toHaveLength(1);
  });

  it("spans the block from its first step to the end of its last", () => {
    const text = "SOP for the changeover:\n1. Stop the line.\n2. Swap the format parts.\n3. Run 20 test bottles.\nIs that complete?";
    expect(found(text, "recipe_procedure")).toEqual(["recipe_procedure: 1. Stop the line.\n2. Swap the format parts.\n3. Run 20 test bottles."]);
  });

  it("counts everyday units inside a recipe as its parameters", () => {
    expect(found("Receita: misturar 120 kg de resina e 35 kg de pigmento a 800 rpm.", "process_parameter")).toEqual([
      "process_parameter: 120 kg",
      "process_parameter: 35 kg",
      "process_parameter: 800 rpm",
    ]);
  });

  it.each([
    "What is the difference between an SOP and a work instruction?",
    "Explain the ISA-88 recipe model: general, site, master and control recipes.",
    "Summarise for the meeting: 1. Canteen closes early. 2. New shoes arrive. 3. Parking lot B is closed.",
    "Things I tried: 1. Restarted the HMI. 2. Swapped the cable. 3. Checked the supply.",
    "For the audit: 1. Who approves recipes? 2. Where are versions kept? 3. How long are batch records kept?",
    "The recipe files are on the server; steps 1 and 2 are done.",
    "What cure schedule would you recommend for a two-part epoxy potting compound?",
    "Qual é a temperatura de cura recomendada para uma tinta epóxi bicomponente?",
    "The dryer runs at 80 °C. Is that enough for PA6 granulate?",
    "Heat exchanger outlet 65 °C, cooling water inlet 28 °C.",
    "Things we already tried: raised the melt to 295 °C, held 8 s longer, cooled the mould to 40 °C.",
    "Wir haben schon versucht: Massetemperatur von 240 °C auf 250 °C erhöht, 5 s länger gehalten.",
    "First the HMI froze, then the PLC lost its connection, then the drive tripped.",
    "Our customer asks us to share the recipe for the coating.",
  ])("leaves alone %j", (text) => {
    expect(found(text, "recipe_procedure")).toEqual([]);
  });

  it("spans a recipe fragment from its first action to the last quantity of its sentence", () => {
    const text = "Mix resin and hardener 100:35 by weight, cure 2 h at 80 °C then 4 h at 120 °C. Why do the boards crack?";
    expect(found(text, "recipe_procedure")).toEqual(["recipe_procedure: Mix resin and hardener 100:35 by weight, cure 2 h at 80 °C then 4 h at 120 °C"]);
    expect(found(text, "process_parameter")).toHaveLength(5);
  });

  it("spans a named recipe step from the step to its last quantity", () => {
    const text = "Please set TIC-12 to 185 °C at step 4 of recipe RX-55 and report back.";
    expect(found(text, "recipe_procedure")).toEqual(["recipe_procedure: 185 °C at step 4 of recipe RX-55"]);
    expect(found("Rezept RZ-17: 185 °C, danach prüfen.", "recipe_procedure")).toEqual(["recipe_procedure: Rezept RZ-17: 185 °C"]);
  });
});

describe("part numbers and drawings", () => {
  it.each([
    ["Part 4711-0815-02 cracked", "part_number_drawing: 4711-0815-02"],
    ["drawing Z-4711-0815 Rev. C shows", "part_number_drawing: Z-4711-0815 Rev. C"],
    ["Zeichnungsnummer 3-4711-0815-00, Index C.", "part_number_drawing: 3-4711-0815-00, Index C"],
    ["Artikelnummer 10045872, Rev. 03 -", "part_number_drawing: 10045872, Rev. 03"],
    ["A peça ref. 7731-220-01 da revisão B apresenta", "part_number_drawing: 7731-220-01 da revisão B"],
    ["P/N 6ES7 512-1CK01-0AB0 as spares", "part_number_drawing: 6ES7 512-1CK01-0AB0"],
    ["DWG-AUG-10233 Rev B shows", "part_number_drawing: DWG-AUG-10233 Rev B"],
    ["Material number 4711-0815 for the gasket", "part_number_drawing: 4711-0815"],
    ["Sachnummer: A2V-118-004", "part_number_drawing: A2V-118-004"],
  ])("finds %j", (text, expected) => {
    expect(found(text, "part_number_drawing")).toEqual([expected]);
  });

  it("finds a second number of the same shape as a cued one", () => {
    expect(found("ref. 33.1047.22 is out of stock; can we use 33.1047.23 instead? Order 4500123456.", "part_number_drawing")).toEqual([
      "part_number_drawing: 33.1047.22",
      "part_number_drawing: 33.1047.23",
    ]);
  });

  it.each([
    "Revision 2 of the training deck",
    "part 2 of the manual",
    "a PN 16 flange",
    "order 4500123456 for line 2",
    "lot 24-117 failed",
    "ref. RFC 8785",
    "PLC spare parts in 2025",
  ])("leaves alone %j", (text) => {
    expect(found(text, "part_number_drawing")).toEqual([]);
  });

  it("counts a CAD file as a drawing", () => {
    for (const mediaType of ["model/step", "model/stl", "image/vnd.dwg", "application/dxf"]) {
      expect(classifier.classify({ parts: [{ kind: "file", mediaType }] }).labels).toEqual({ part_number_drawing: 1 });
    }
  });
});

describe("product imagery", () => {
  it.each([
    [{ kind: "image" as const, mediaType: "image/jpeg" }],
    [{ kind: "image" as const }],
    [{ kind: "file" as const, mediaType: "image/png" }],
    [{ kind: "file" as const, mediaType: "video/mp4" }],
    [{ kind: "binary" as const, mediaType: "application/octet-stream", bytes: 2_457_600 }],
    [{ kind: "binary" as const, bytes: 1_228_800 }],
    [{ kind: "binary" as const, mediaType: "image/x-portable-graymap; charset=binary" }],
  ])("counts %j", (part) => {
    expect(classifier.classify({ parts: [part] }).labels).toEqual({ product_imagery: 1 });
  });

  it.each([[{ kind: "file" as const, mediaType: "application/pdf" }], [{ kind: "binary" as const, mediaType: "application/x-npy" }], [{ kind: "text" as const, text: "" }]])(
    "does not count %j",
    (part) => {
      expect(classifier.classify({ parts: [part] }).labels).toEqual({});
    },
  );
});
