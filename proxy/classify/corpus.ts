// A labelled corpus of realistic OT prompts for measuring precision and recall per label,
// in the plants' three languages (English, German, Portuguese). Entries are in this file
// and in corpus-de.ts, corpus-pt.ts, corpus-en.ts and corpus-adversarial.ts. Secrets,
// names and addresses in it are made up.
//
// How the expected counts are decided (the conventions an annotator follows, written
// before the detectors were tuned and kept when a detector disagrees):
//  - personal_data: one per e-mail address, phone number, IBAN (valid checksum only),
//    badge or employee id, and person name (given name + surname, or honorific + surname).
//  - secret: one per secret value (a token, a password, a key block); a user name is not one.
//    The product's own device tokens (cl_dev_...), operator assertions and the plant's
//    stored provider keys are secrets like any other.
//  - network_identifier: one per IP address or CIDR block, MAC address, and internal host
//    name (including the host of a URL); public host names do not count.
//  - ot_asset_tag: one per occurrence of an instrument or equipment tag, plant asset id,
//    PLC address or block, Modbus register (a register range is one), OPC UA node id,
//    historian tag path. Product model names (S7-1500, G120) do not count. An equipment
//    tag counts whatever its number of letters and digits (P-12, V-07, M-33, MX-4); shelf,
//    bin and room locations (shelf B-12, Room C-14), grades and types (B-20 biodiesel),
//    aircraft (F-35), paper sizes and the ids of recipes, formulations and
//    procedures (recipe RX-55, WPS-114) are not tags.
//  - process_parameter: one per set point, limit, tolerance or operating condition with
//    a process unit; a range, a change "from X to Y" ("von X auf Y", "de X para Y") in one
//    unit, or a value with its tolerance is one. Values in everyday units (mm, s, A, V, %,
//    kg, l) count only when they are stated as a set point, limit, tolerance or
//    recipe/procedure step value, not when they are a reading, a dimension or a rating.
//    A mix ratio written as a ratio ("100:35 by weight", "Mischungsverhältnis 100:35",
//    "proporção de mistura 100:35") is one; amounts listed one by one ("120 kg resin,
//    35 kg pigment", "60 % Polyol, 40 % Isocyanat", "70 partes de resina") count one each.
//    Unit conversions do not count.
//  - recipe_procedure: one per recipe or step-by-step procedure actually given (not a
//    question about one, not a list of questions or of things already tried), in any of
//    the three languages. A procedure is a work instruction, SOP, lockout, start-up or
//    changeover sequence of at least three steps (numbered, "Step 1" / "Schritt 1" /
//    "Passo 1" / "Etapa 1", or "first ... then ... finally"). A recipe is given when the
//    text states
//      * the values of a named recipe, formulation, batch sheet or recipe step or phase,
//        even a single one ("set TIC-12 to 185 °C at step 4 of recipe RX-55", "Schritt 4
//        von Rezept RZ-17: 185 °C", "passo 4 da receita RX-55: 185 °C"), or
//      * at least two process steps with their quantities, whatever the tense: mix ratio
//        or amounts, dosing, degassing, pouring, curing, dwell or hold, ramps, heating,
//        quenching, tempering ("mix 100:35 by weight, cure 2 h at 80 °C then 4 h at
//        120 °C"; "Mischungsverhältnis 100:35, 2 h bei 80 °C aushärten"; "Rezept, Charge,
//        Haltezeit, Gießen, Rampe"; "receita, lote, proporção de mistura, tempo de
//        permanência, cura, vazamento, patamar, rampa").
//    One block given in one stretch of text is one, however many steps it has; two named
//    recipes are two. Not a recipe: a single value or a single step without a named
//    recipe ("the dryer runs at 80 °C"), parameter changes tried while troubleshooting,
//    readings and logs, a question asking for a recipe.
//  - part_number_drawing: one per part, material or drawing number (with its revision),
//    and one per CAD file.
//  - product_imagery: one per image part, image file or camera frame.
//  - Encoded or disguised text is annotated as what it decodes to or reads as: base64,
//    base64url, hex and percent-encoding, zero-width characters, look-alike letters from
//    other scripts, a value split across two parts or two messages (one secret, not two).
//    A token is one secret whatever it carries: the e-mail inside an operator assertion is
//    not counted again. Hashes, UUIDs, commit ids and encoded harmless text are nothing.
import { corpusAdversarial } from "@/proxy/classify/corpus-adversarial";
import { corpusDe } from "@/proxy/classify/corpus-de";
import { call, heldOut, prompt, type CorpusEntry } from "@/proxy/classify/corpus-entry";
import { corpusEn } from "@/proxy/classify/corpus-en";
import { corpusPt } from "@/proxy/classify/corpus-pt";

export type { CorpusEntry, Evasion } from "@/proxy/classify/corpus-entry";
export { storedProviderKeys } from "@/proxy/classify/corpus-adversarial";

const corpusFirst: CorpusEntry[] = [
  // Maintenance copilot
  prompt("m01", "maintenance", "en", "Pump P-101 on line 3 trips on high vibration after about 40 minutes. Bearing temperature climbs to 78 °C before the trip. Suggest likely causes.", { ot_asset_tag: 1, process_parameter: 1 }),
  prompt("m02", "maintenance", "en", "FIC-101 oscillates around its setpoint of 12.5 m³/h. Controller gains are Kp 0.8, Ti 30 s. Should I detune it or check the valve FV-101 for stiction?", { ot_asset_tag: 2, process_parameter: 2 }),
  prompt("m03", "maintenance", "en", "TT-4711A reads about 3 K higher than TT-4711B since the sensor swap on 12.03.2025. Is drift or wiring more likely?", { ot_asset_tag: 2 }),
  prompt("m04", "maintenance", "en", "Draft a work instruction for replacing the mechanical seal on a cooling water pump. Keep it under 10 steps and use simple English for shift leads.", {}),
  // Re-annotated for issue 16 (was 3): "von 4,5 bar auf 3,1 bar" is a change from X to Y, one by the conventions.
  prompt("m05", "maintenance", "de", "Die Pumpe P-2203 läuft mit 1450 U/min, der Förderdruck ist von 4,5 bar auf 3,1 bar gefallen. Was soll der Werker zuerst prüfen?", { ot_asset_tag: 1, process_parameter: 2 }),
  prompt("m06", "maintenance", "pt", "A bomba B-301 do forno 2 está a vibrar a 9,2 mm/s. O limite de alarme é 7,1 mm/s. Que verificações recomendas?", { ot_asset_tag: 1, process_parameter: 2 }),
  prompt("m07", "maintenance", "en", "Operator Maria Santos reported that press PR-07 stopped with fault F0002 at 06:40. Her badge number is 40417. What does F0002 mean on a SINAMICS G120?", { personal_data: 2, ot_asset_tag: 1 }),
  prompt("m08", "maintenance", "en", "Compressor K-101 discharge pressure 8.9 bar (alarm high 9.0 bar), discharge temperature 104 °C, motor 1480 rpm. The isolation forest scores it 0.87. Real problem or sensor noise?", { ot_asset_tag: 1, process_parameter: 4 }),
  prompt("m09", "maintenance", "de", "Spindel 3 der Fräse zeigt Schwingung 4,8 mm/s RMS bei einem Grenzwert von 4,5 mm/s, Lagertemperatur 62 °C. Ist ein Lagerschaden wahrscheinlich?", { process_parameter: 3 }),
  prompt("m10", "maintenance", "pt", "O forno de fusão 2 está a 1420 °C, acima do setpoint de 1380 °C. A pressão de gás é 210 mbar. Devemos reduzir a carga?", { process_parameter: 3 }),
  prompt("m11", "maintenance", "en", "Replace the 24 V power supply in cabinet +A1? Which DIN rail PSU rated 10 A would you pick?", {}),
  prompt("m12", "maintenance", "en", "The M8x20 bolts on the machine guard keep loosening. Which threadlocker should we use?", {}),
  prompt("m13", "maintenance", "en", "Welding parameters for the bracket: 24.5 V, 210 A, wire feed 8.2 m/min, gas flow 15 l/min. Spatter increased since Monday. Ideas?", { process_parameter: 4 }),
  prompt("m14", "maintenance", "en", "Felt chatter at 1200 rpm spindle speed with feed 0.15 mm/rev. Tool is a 12 mm carbide end mill. Should I change speed or feed first?", { process_parameter: 2 }),
  prompt("m15", "maintenance", "en", "Setpoint for TIC-205 is 185 °C ± 2 K; the operator Luís Costa changed it to 192 °C at 04:10 without a work order. Draft an incident note.", { ot_asset_tag: 1, process_parameter: 2, personal_data: 1 }),
  prompt("m16", "maintenance", "en", "Tighten the flange bolts on HX-3001 to 85 Nm in a star pattern. Is that enough for a PN16 flange with a graphite gasket?", { ot_asset_tag: 1, process_parameter: 1 }),
  prompt("m17", "maintenance", "en", "Adjust the proximity sensor so the gap stays between 0.8 and 1.2 mm, then check that ZS-114 switches reliably.", { process_parameter: 1, ot_asset_tag: 1 }),
  // Re-annotated for issue 16 (was 2): the level swinging between 40 % and 60 % is a reading in an everyday unit; the set point counts.
  prompt("m18", "maintenance", "de", "Bitte erkläre den Regelkreis LIC-3001 und LV-3001. Der Füllstand schwankt zwischen 40 % und 60 %, obwohl der Sollwert 50 % ist.", { ot_asset_tag: 2, process_parameter: 1 }),
  prompt("m19", "maintenance", "en", "Things I already tried: 1. Restarted the HMI. 2. Swapped the Ethernet cable. 3. Checked the 24 V supply. What should I try next?", {}),
  prompt("m20", "maintenance", "pt", "O operador João Pereira (n.º mecanográfico 20931) reportou uma fuga de óleo na prensa PH-12. Contacto: 912 345 678.", { personal_data: 3, ot_asset_tag: 1 }),
  prompt("m21", "maintenance", "de", "Herr Schneider aus der Instandhaltung hat die Störung an Roboter R-4410 quittiert. Seine Durchwahl ist 0821 555-2317.", { personal_data: 2, ot_asset_tag: 1 }),
  prompt("m22", "maintenance", "en", "Shift lead on duty is Thomas Weber (thomas.weber@augsburg-gear.de, +49 821 555 0193). Ask him to confirm the lockout before the bearing change on M-4412.", { personal_data: 3, ot_asset_tag: 1 }),
  prompt("m23", "maintenance", "de", "Schichtleiterin Anna Becker hat heute Spätschicht. Bitte erstelle einen Übergabebericht für sie.", { personal_data: 1 }),
  prompt("m24", "maintenance", "de", "Der Werker Montage Linie 3 braucht eine kurze Anleitung zum Schmieren der Kette.", {}),
  prompt("m25", "maintenance", "en", "Operator Panel OP-17 shows 'Communication error' after every restart. Where do I look first?", { ot_asset_tag: 1 }),
  prompt("m26", "maintenance", "en", "Camera station CAM-07 (MAC 00-0E-C6-8A-11-2F) drops frames since the switch firmware update.", { ot_asset_tag: 1, network_identifier: 1 }),
  prompt("m27", "maintenance", "pt", "Se a linha parar durante a noite, ligar para o técnico de turno: +351 234 567 890.", { personal_data: 1 }),
  prompt("m28", "maintenance", "en", "Badge ID 0047713 was used at the L2 cabinet door at 03:12, but the roster says its owner was on leave. How should we investigate?", { personal_data: 1 }),
  prompt("m29", "maintenance", "en", "Tolerance for the sealing face flatness is 0.02 mm, our parts measure 0.035 mm. Could the fixture clamp force be distorting them?", { process_parameter: 1 }),
  prompt("m30", "maintenance", "en", "Drawing tolerance is ±0.05 mm on the bore position. CMM says we are at 0.07 mm. Which datum should we re-check?", { process_parameter: 1 }),

  // PLC, network and tool arguments
  prompt("o01", "configuration", "en", "In the S7-1500 program, DB10.DBX4.1 is the 'pump running' bit and %MW100 holds the batch counter. Why does %MW100 reset at midnight?", { ot_asset_tag: 3 }),
  prompt("o02", "configuration", "en", "The energy meter exposes active power on holding register 40071 (float32, 2 registers). Our gateway reads 40071-40072 but gets garbage. Byte order?", { ot_asset_tag: 2 }),
  prompt("o03", "configuration", "en", "Modbus TCP slave id 1, coil 00017 should switch the fan on. Writing 0xFF00 does nothing. What am I missing?", { ot_asset_tag: 1 }),
  prompt("o04", "configuration", "en", "%IX0.3 is the e-stop feedback and %QX1.0 drives the horn. Why can't I force %QX1.0 in CODESYS?", { ot_asset_tag: 3 }),
  prompt("o05", "configuration", "en", "Historian tag AUG.L3.PR04.Hydraulic.Pressure.PV shows spikes to 310 bar while the setpoint is 280 bar. The OPC UA node is ns=3;s=PR04.Hydraulic.Pressure.PV.", { ot_asset_tag: 2, process_parameter: 2 }),
  prompt("o06", "configuration", "en", "Our OPC UA server opc.tcp://plc-line3:4840 rejects the client certificate. The node we read is ns=2;s=Line3.Filler.Speed.", { network_identifier: 1, ot_asset_tag: 1 }),
  prompt("o07", "configuration", "en", "Subscribe to nsu=http://aveiro.example/UA/Furnace/;s=Furnace2.Zone1.Temperature every 500 ms and alert above 1450 °C.", { ot_asset_tag: 1, process_parameter: 1 }),
  prompt("o08", "configuration", "en", "The edge gateway at 10.20.30.41 cannot reach the historian hist01.aug.plant.local on port 5450. The gateway NIC has MAC 00:1B:1B:4A:2F:90. Is the firewall rule for 10.20.30.0/24 wrong?", { network_identifier: 4 }),
  prompt("o09", "configuration", "en", "PLC at 192.168.0.10 (S7-1200) and HMI at 192.168.0.11 lose their connection every night at 02:00. The mirror port shows RST packets from 192.168.0.1.", { network_identifier: 3 }),
  prompt("o10", "configuration", "en", "Set the subnet mask to 255.255.255.0 and the default gateway to 10.0.0.1 on the new panel.", { network_identifier: 1 }),
  prompt("o11", "configuration", "en", "The PROFINET device at fe80::20e:c6ff:fe8a:112f%eth1 answers ping but not DCP identify.", { network_identifier: 1 }),
  prompt("o12", "configuration", "en", "Dashboard at http://grafana.aug.internal:3000/d/vib shows gaps every 15 minutes. Why?", { network_identifier: 1 }),
  prompt("o13", "configuration", "en", "The recipe files are on \\\\HMI-SRV02\\recipes$ - can the copilot read them directly?", { network_identifier: 1 }),
  call("o14", "maintenance", "en", [{ kind: "text", text: "Look up the maintenance history for this asset." }, { kind: "text", text: '{"asset_id":"AUG-CNC-07","from":"2025-01-01","to":"2025-03-31"}' }], { ot_asset_tag: 1 }),
  call("o15", "configuration", "en", [{ kind: "text", text: "Read the latest value." }, { kind: "text", text: '{"host":"10.12.0.5","port":4840,"user":"opc","password":"Opc!2024x","node_id":"ns=2;s=Press4.Force"}' }], { network_identifier: 1, secret: 1, ot_asset_tag: 1 }),
  prompt("o16", "configuration", "de", "Im TIA-Projekt ist der Merker M10.0 die Freigabe für FB12. Warum bleibt DB5.DBW2 auf 0?", { ot_asset_tag: 3 }),
  call("o17", "anomaly", "en", [{ kind: "text", text: "Line 2 export attached. Find the anomaly." }, { kind: "file", mediaType: "text/csv", text: "timestamp,tag,value\n2025-03-01T10:00:00Z,TIC-201.PV,184.7\n2025-03-01T10:00:10Z,TIC-201.PV,185.2\n" }], { ot_asset_tag: 2 }),
  prompt("o18", "configuration", "en", "Is api.openai.com reachable from the DMZ if the firewall only allows port 443 outbound?", {}),
  prompt("o19", "general", "en", "Read https://www.cisa.gov/news-events/ics-advisories and tell me which advisories affect Siemens S7 controllers.", {}),
  prompt("o20", "configuration", "pt", "O autómato da linha 4 tem o endereço 172.16.4.20 e o painel está em 172.16.4.21. O switch é um SCALANCE XC208.", { network_identifier: 2 }),
  prompt("o21", "configuration", "en", "Config for the edge collector: host=plc-aug-07, port=102, rack=0, slot=1, poll 500 ms.", { network_identifier: 1 }),
  prompt("o22", "configuration", "en", "Connect the laptop to 10.50.1.0/24, then open http://10.50.1.12/ in the browser and log in as admin/admin.", { network_identifier: 2, secret: 1 }),
  prompt("o23", "configuration", "en", "The AGV-03 lost its Wi-Fi at the charging station; the AP is at 192.168.50.2 and the AGV MAC is 3c:71:bf:12:9a:0e.", { ot_asset_tag: 1, network_identifier: 2 }),

  // Secrets and credentials
  prompt("s01", "configuration", "en", "Connect with user svc_mes and password=Augsburg#2024! to the historian. Why does it return 401?", { secret: 1 }),
  prompt("s02", "configuration", "en", "Here is my config: OPENAI_API_KEY=sk-proj-4fJk2LmN9pQrStUvWxYz0123456789abcdEFGHijkl and the base URL is http://10.1.5.20:8080/v1. The proxy returns 502.", { secret: 1, network_identifier: 1 }),
  prompt("s03", "configuration", "de", "Passwort: Werk2!Sommer - gilt für das HMI an Linie 4. Kann ich das im Rezeptmanagement ändern?", { secret: 1 }),
  prompt("s04", "configuration", "en", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7sV3kq9exampleFakeKeyMaterialOnly\nQW5vdGhlckxpbmVPZkZha2VLZXk=\n-----END RSA PRIVATE KEY-----\nWhy does the OPC UA client reject this key?", { secret: 1 }),
  prompt("s05", "configuration", "en", "The historian connection string is Server=hist01;Database=Runtime;User Id=sa;Password=Hist0rian!; and the job fails at login.", { secret: 1, network_identifier: 1 }),
  prompt("s06", "configuration", "en", "Upload the vibration export to S3 with access key AKIAIOSFODNN7EXAMPLE and secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY. Is the bucket policy enough?", { secret: 2 }),
  prompt("s07", "configuration", "en", "Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtZXMtYm90In0.c2lnbmF0dXJlLXZhbHVlLWhlcmU returns 403 from the MES API.", { secret: 1 }),
  prompt("s08", "configuration", "en", "ghp_1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz is the token our CI uses to pull the PLC project. Should we rotate it?", { secret: 1 }),
  prompt("s09", "configuration", "pt", "A senha do utilizador admin do HMI é Aveiro@2023. Como a altero no WinCC?", { secret: 1 }),
  prompt("s10", "configuration", "de", "Das Kennwort für den Wartungszugang lautet Fraese#77. Bitte nicht weitergeben.", { secret: 1 }),
  prompt("s11", "configuration", "en", "SLACK_BOT_TOKEN=xoxb-2749583-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx is used by the alarm bot. Can it post to #line3-alarms?", { secret: 1 }),
  prompt("s12", "configuration", "en", "DefaultEndpointsProtocol=https;AccountName=augplantdata;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A=;EndpointSuffix=core.windows.net - why does the upload time out?", { secret: 1 }),
  prompt("s13", "configuration", "en", "Publish to mqtt://edge:T0pS3cret@10.40.2.15:1883 on topic plant/aug/line3/telemetry. Messages never arrive.", { secret: 1, network_identifier: 1 }),
  prompt("s14", "configuration", "en", "git clone https://deploy:glpat-xYz123AbC456dEf789Gh@gitlab.com/plant/mes.git fails with 'HTTP Basic: Access denied'.", { secret: 1 }),
  call("s15", "configuration", "en", [{ kind: "text", text: "Use this configuration." }, { kind: "text", text: '{"api_key": "AIzaSyD4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ012", "model": "gemini-2.0-flash"}' }], { secret: 1 }),
  prompt("s16", "general", "en", "Our password policy requires 12 characters and rotation every 90 days. Draft a reminder for the operators.", {}),
  prompt("s17", "configuration", "en", "The password field on the HMI login screen shows 'invalid'. What does error 0x80070005 mean?", {}),
  prompt("s18", "configuration", "en", "Reset the password for the maintenance account; the old one expired yesterday.", {}),
  prompt("s19", "general", "pt", "Esqueci-me da senha do portal de formação. Como peço uma nova?", {}),
  prompt("s20", "general", "en", "How many tokens does a 2 KB prompt use on gpt-4.1-mini, and what does that cost per 1,000 calls?", {}),
  prompt("s21", "general", "en", "What is the key difference between MTBF and MTTR, and which one should the maintenance KPI use?", {}),
  prompt("s22", "general", "en", "The HMI still uses the default password. Is that a finding under IEC 62443-3-3 SR 1.5?", {}),
  prompt("s23", "configuration", "de", "Das Passwort ist abgelaufen, wie setze ich es am Panel zurück?", {}),

  // Personal data
  prompt("p01", "general", "en", "Please check this supplier invoice: IBAN DE89 3704 0044 0532 0130 00, amount 4.380,00 EUR for the spindle repair.", { personal_data: 1 }),
  prompt("p02", "general", "en", "The ticket quotes DE00 1234 5678 9012 3456 78 as a test reference; is that a valid format for our ERP import?", {}),
  prompt("p03", "quality", "en", "Forward the weekly OEE summary to quality-team@aveiro-casting.pt and ask for comments by Friday.", { personal_data: 1 }),
  prompt("p04", "quality", "pt", "A Sra. Ferreira da qualidade pediu o relatório de refugo da semana 12. Podes resumir?", { personal_data: 1 }),
  prompt("p05", "maintenance", "en", "Mr. Okafor from the OEM will be on site on Tuesday to retrofit the drive. Draft a site induction checklist.", { personal_data: 1 }),
  prompt("p06", "maintenance", "pt", "IBAN PT50 0002 0123 1234 5678 9015 4 para o pagamento da reparação do forno.", { personal_data: 1 }),
  prompt("p07", "anomaly", "en", "Supervisor Dr. Keller asked why the kiln at Aveiro ran at 1250 °C instead of 1230 °C last night.", { personal_data: 1, process_parameter: 2 }),
  prompt("p08", "maintenance", "de", "Bitte Herrn Dr. Hoffmann informieren: TIC-310 steht auf Hand, Sollwert 92,5.", { personal_data: 1, ot_asset_tag: 1, process_parameter: 1 }),
  prompt("p09", "anomaly", "en", "Copy of the alarm e-mail from scada-alerts@aug-gear.local: PSH-2201 high pressure 16.2 bar at 03:41, operator acknowledged.", { personal_data: 1, ot_asset_tag: 1, process_parameter: 1 }),

  // Quality inspection, part numbers, drawings and images
  call("q01", "quality", "en", [{ kind: "text", text: "Classify the defect on this casting (porosity, cold shut or misrun). Part 4711-0815-02, drawing Z-4711-0815 Rev. C." }, { kind: "image", mediaType: "image/jpeg", bytes: 482_113 }], { product_imagery: 1, part_number_drawing: 2 }),
  call("q02", "quality", "en", [{ kind: "binary", mediaType: "application/octet-stream", bytes: 2_457_600 }], { product_imagery: 1 }),
  call("q03", "quality", "en", [{ kind: "text", text: "Is the label on this carton readable?" }, { kind: "image", mediaType: "image/png", bytes: 120_004 }], { product_imagery: 1 }),
  prompt("q04", "quality", "en", "Inspection result for lot 24-117: 3 of 50 housings are out of tolerance on bore Ø 42 H7, measured 42.031 mm against an upper limit of 42.025 mm. Which CMM program settings should I check?", { process_parameter: 1 }),
  prompt("q05", "quality", "en", "Supplier asks for the drawing of the gear shaft, Zeichnungsnummer 3-4711-0815-00, Index C. Draft a reply asking for their NDA first.", { part_number_drawing: 1 }),
  prompt("q06", "scheduling", "en", "Order 200 pcs of P/N 6ES7 512-1CK01-0AB0 as spares for line 2.", { part_number_drawing: 1 }),
  prompt("q07", "quality", "de", "Artikelnummer 10045872, Rev. 03 - der Kunde meldet Grat an der Bohrung. Welche Ursachen sind beim Entgraten typisch?", { part_number_drawing: 1 }),
  prompt("q08", "quality", "pt", "A peça ref. 7731-220-01 da revisão B apresenta rebarbas. Que parâmetros de maquinagem devo rever?", { part_number_drawing: 1 }),
  prompt("q09", "quality", "en", "DWG-AUG-10233 Rev B shows a chamfer of 0.5 x 45°, but the CNC program cuts 1 x 45°. Which one is right?", { part_number_drawing: 1 }),
  prompt("q10", "scheduling", "en", "Material number 4711-0815 for the gasket has a lead time of 6 weeks. Suggest a message to an alternative supplier.", { part_number_drawing: 1 }),
  prompt("q11", "general", "en", "Revision 2 of the training deck is ready for review.", {}),
  call("q12", "quality", "en", [{ kind: "text", text: "Compare the scan with the CAD model and list the deviations." }, { kind: "image", mediaType: "image/png" }, { kind: "file", mediaType: "model/step", bytes: 1_843_200 }], { product_imagery: 1, part_number_drawing: 1 }),
  call("q13", "quality", "en", [{ kind: "text", text: "Two frames from station 3, before and after the fix." }, { kind: "image", mediaType: "image/jpeg" }, { kind: "image", mediaType: "image/jpeg" }], { product_imagery: 2 }),
  call("q14", "quality", "en", [{ kind: "text", text: "Summarise this report." }, { kind: "file", mediaType: "application/pdf", text: "Inspection report for housing batch 24-117. Part number 4711-0815-02, all dimensions within tolerance." }], { part_number_drawing: 1 }),
  prompt("q15", "quality", "en", "The vision model flags 4 % of the bottles as underfilled. Is that plausible for a fill height tolerance of ±1.5 mm?", { process_parameter: 1 }),
  prompt("q16", "quality", "de", "Prüfplan für Gehäuse 4711: Wandstärke 2,5 mm ± 0,1 mm, Ebenheit max. 0,05 mm. Wie oft sollen wir messen?", { process_parameter: 2 }),

  // Recipes and procedures
  prompt("r01", "maintenance", "en", "Recipe PA66-GF30 for the bezel mould: melt temperature 290 °C, mould temperature 85 °C, injection pressure 1100 bar, holding pressure 650 bar for 6 s, cooling time 22 s. Parts show sink marks - what should I change first?", { recipe_procedure: 1, process_parameter: 6 }),
  prompt("r02", "maintenance", "de", "Rezept Charge 2207:\n1. 450 kg Harz in R-101 vorlegen.\n2. Auf 85 °C aufheizen (2 K/min).\n3. 12 kg Katalysator zudosieren.\n4. 45 min bei 85 °C halten.\nWarum schäumt es bei Schritt 3?", { recipe_procedure: 1, ot_asset_tag: 1, process_parameter: 6 }),
  prompt("r03", "maintenance", "pt", "Procedimento de bloqueio (LOTO) da prensa P-04: 1. Avisar o chefe de turno. 2. Parar a prensa pelo painel. 3. Desligar o seccionador principal e colocar cadeado. 4. Purgar a pressão hidráulica até 0 bar. 5. Verificar ausência de energia. Está completo?", { recipe_procedure: 1, ot_asset_tag: 1, process_parameter: 1 }),
  prompt("r04", "maintenance", "en", "Lockout procedure for extruder EX-02 before the screw change: Step 1 notify production. Step 2 stop the extruder and let the barrel cool below 60 °C. Step 3 open the main isolator and apply your personal lock. Step 4 bleed the hydraulic accumulator. Step 5 try-start to verify. Please make it ATEX-aware.", { recipe_procedure: 1, ot_asset_tag: 1, process_parameter: 1 }),
  prompt("r05", "general", "en", "Summarise these three points for the shift meeting: 1. Canteen closes early on Friday. 2. New safety shoes arrive next week. 3. Parking lot B is closed.", {}),
  prompt("r06", "general", "en", "What is the difference between an SOP and a work instruction under ISO 9001?", {}),
  prompt("r07", "maintenance", "en", "Rewrite this SOP for the changeover on line 2 in plain language:\n1. Stop the line and confirm zero speed on the HMI.\n2. Remove the format parts for 0.5 l bottles.\n3. Install the 1 l format parts and torque the screws to 12 Nm.\n4. Run 20 test bottles and check the fill level.", { recipe_procedure: 1, process_parameter: 1 }),
  prompt("r08", "scheduling", "pt", "Receita do lote 8841 de tinta: misturar 120 kg de resina e 35 kg de pigmento a 800 rpm durante 25 min, depois aquecer a 60 °C.", { recipe_procedure: 1, process_parameter: 5 }),
  prompt("r09", "general", "en", "Explain the ISA-88 recipe model: general, site, master and control recipes, with one example each.", {}),
  prompt("r10", "maintenance", "de", "Arbeitsanweisung Filterwechsel: Schritt 1: Anlage über HS-201 stoppen. Schritt 2: Druck ablassen. Schritt 3: Filter tauschen. Schritt 4: Dichtheit prüfen.", { recipe_procedure: 1, ot_asset_tag: 1 }),
  prompt("r11", "general", "en", "Please answer for the audit: 1. Who approves changes to recipes? 2. Where are old versions kept? 3. How long do we retain batch records?", {}),
  prompt("r12", "maintenance", "en", "Start-up sequence for furnace 2 after a cold stop: 1. Purge the combustion chamber for 5 min. 2. Light the pilot burner. 3. Ramp at 50 K/h to 600 °C. 4. Switch to the main burners and ramp at 100 K/h to 1380 °C. Is the ramp too steep for new refractory?", { recipe_procedure: 1, process_parameter: 5 }),
  prompt("r13", "general", "en", "Can you turn our changeover checklist into a training quiz with 5 questions?", {}),

  // MES scheduling
  prompt("x01", "scheduling", "en", "Reschedule order 4500123456 for 2,400 housings to line 2 after the changeover on Thursday 14:00. Line 2 runs a 38 s cycle time.", { process_parameter: 1 }),
  prompt("x02", "scheduling", "en", "Which of these three jobs should go first if job A is due Friday, job B has a 2-hour setup and job C is 400 pieces? Explain the trade-off.", {}),
  prompt("x03", "scheduling", "en", "Our plant runs 3 shifts, 5 days a week, 46 weeks a year. How many production hours is that?", {}),
  prompt("x04", "scheduling", "en", "Plan the internal audit for 2025-11-03 09:00-12:00 CET in meeting room 2.14 and invite the maintenance leads.", {}),
  prompt("x05", "scheduling", "de", "Bitte fasse das Protokoll der Schichtübergabe vom 14.05. zusammen: keine Störungen, Linie 2 stand 20 Minuten wegen Materialmangel.", {}),
  prompt("x06", "general", "pt", "Escreve um email curto a convidar a equipa de manutenção para a formação de segurança na sexta-feira às 14h.", {}),
  prompt("x07", "scheduling", "en", "Our team of 12 technicians handles 340 work orders per month. Suggest a KPI dashboard layout.", {}),
  prompt("x08", "scheduling", "en", "Sequence the orders so that the oven does not cool below 160 °C between products; colour changes take 25 min each.", { process_parameter: 1 }),
  prompt("x09", "scheduling", "de", "Die Taktzeit an Linie 1 beträgt 42 s, an Linie 2 nur 36 s. Wie verteile ich 5.000 Teile auf beide Linien?", { process_parameter: 2 }),
  prompt("x10", "scheduling", "en", "MES shows order WO-2024-0117 as finished but SAP still has it open. How do we reconcile?", {}),

  // Anomaly triage
  prompt("a01", "anomaly", "en", "Anomaly score jumped to 0.93 on motor M-4412 at 02:13 UTC: current 18.4 A against a 14 A baseline, winding temperature 96 °C. Benign or not?", { ot_asset_tag: 1, process_parameter: 1 }),
  prompt("a02", "anomaly", "en", "The autoencoder flags press PR-03 every Monday morning after the weekend stop. Hydraulic oil is 18 °C at start-up versus 45 °C in normal operation. Should we add a warm-up exclusion window?", { ot_asset_tag: 1, process_parameter: 2 }),
  prompt("a03", "anomaly", "pt", "O modelo de deteção de anomalias marca o compressor C-201 sempre que a pressão passa de 7,5 bar. O limite de projeto é 8 bar. Está mal calibrado?", { ot_asset_tag: 1, process_parameter: 2 }),
  prompt("a04", "anomaly", "en", "Isolation forest contamination is set to 0.01 with 200 trees. Is that reasonable for 14 days of 1 s telemetry?", {}),
  prompt("a05", "anomaly", "en", "Vibration on fan FN-2201 rose from 2.1 mm/s to 6.3 mm/s over three days. ISO 10816 zone C starts at 4.5 mm/s. What is the likely fault?", { ot_asset_tag: 1, process_parameter: 2 }),
  prompt("a06", "anomaly", "de", "Das Modell meldet an Kompressor V-3101 eine Anomalie: Öltemperatur 71 °C statt 58 °C, Druck 9,8 bar. Fehlalarm?", { ot_asset_tag: 1, process_parameter: 3 }),
  prompt("a07", "anomaly", "en", "Our anomaly detector runs on 2 vCPUs and scores 50,000 points per second. How do I reduce false positives without retraining?", {}),

  // General questions with numbers, dates, versions and model names
  prompt("b01", "general", "en", "Compare GPT-4o and Claude 3.5 Sonnet for summarising 5,000 maintenance tickets from 2023. Budget is 200 EUR per month.", {}),
  prompt("b02", "general", "en", "Explain IEC 62443-3-3 SR 5.1 and how zones and conduits relate to ISO 27001 Annex A.", {}),
  prompt("b03", "general", "en", "Write a haiku about a CNC machine at dawn.", {}),
  prompt("b04", "general", "en", "What does error code 0x8007000E mean on Windows 10 22H2?", {}),
  prompt("b05", "general", "en", "Summarise RFC 8785 JSON canonicalization in two sentences.", {}),
  prompt("b06", "configuration", "en", "Firmware 2.9.4.1 of the SCALANCE switch is affected by CVE-2023-44317. Should we upgrade to V3.0 first?", {}),
  prompt("b07", "general", "en", "Translate to German: 'The line will restart after lunch.'", {}),
  prompt("b08", "general", "en", "Convert 150 psi to bar and explain the difference between gauge and absolute pressure.", {}),
  prompt("b09", "general", "en", "Our OEE went from 71 % to 78 % after the SMED workshop. Draft a short announcement for the shop floor.", {}),
  prompt("b10", "quality", "en", "Which is better for a 4K inspection camera, GigE Vision or USB3 Vision?", {}),
  prompt("b11", "general", "en", "List 5 KPIs for a maintenance team and explain each one in a sentence.", {}),
  prompt("b12", "general", "en", "What is ISA-95 level 3 and how does it differ from level 2?", {}),
  prompt("b13", "general", "en", "Explain the difference between PID and MPC control for a distillation column.", {}),
  prompt("b14", "configuration", "en", "Should the edge runtime use Node 20.19.2 or 22.11.0?", {}),
  prompt("b15", "anomaly", "en", "We use Python 3.11 and pandas 2.2.1 to analyse vibration data. How do I resample to 1 s?", {}),
  prompt("b16", "general", "de", "Wie unterscheiden sich vorbeugende und zustandsorientierte Instandhaltung? Bitte mit Beispielen aus der Gießerei.", {}),
  prompt("b17", "general", "pt", "Qual é a diferença entre OEE e TEEP? Responde em português.", {}),
  prompt("b18", "quality", "de", "Erstelle eine Checkliste für die Sichtprüfung von Gussteilen mit 5 Punkten.", {}),
  prompt("b19", "general", "en", "Between 2019 and 2023 the plant cut scrap by 30 %. Write two sentences for the annual report.", {}),
  prompt("b20", "general", "en", "How does COVID-19 era supply chain disruption still affect lead times for PLC spare parts in 2025?", {}),
  prompt("b21", "general", "en", "Explain SHA-256 and Ed25519 for an auditor in plain words.", {}),
  prompt("b22", "general", "en", "Give me a 3-step plan to introduce predictive maintenance in a plant with 120 machines.", {}),
  prompt("b23", "scheduling", "pt", "Quantos turnos de 8 h precisamos para cobrir 24 h com 3 equipas?", {}),
  prompt("b24", "general", "en", "Draft a LinkedIn post about our new Augsburg training centre opening on 1 March.", {}),
  prompt("b25", "configuration", "en", "Which RS-485 cable length is allowed at 115200 baud, and does a PT100 need a 3-wire connection?", {}),
  prompt("b26", "maintenance", "de", "Was bedeutet die Schutzart IP67 und reicht sie für eine Waschanlage mit 80 bar Hochdruckreiniger?", { process_parameter: 1 }),
  prompt("b27", "general", "en", "Please proofread: 'Dear Maria, thanks for the quick turnaround on the audit findings.'", {}),
  prompt("b28", "configuration", "en", "Our SCADA runs on Windows Server 2019 with 16 GB RAM. Is that enough for 50,000 tags?", {}),
  // Held out: written after the detectors were tuned on the entries above, then run once.
  // Their first-run results are in README.md; the detectors were not tuned to them.
  heldOut(prompt("h01", "maintenance", "en", "Line 5 filler: level transmitter LT-5102 drifts downward about 2 % per week. Calibration certificate says accuracy ±0.25 %. Recalibrate or replace?", { ot_asset_tag: 1, process_parameter: 1 })),
  heldOut(prompt("h02", "general", "en", "Can you write a toolbox talk about working at height for the maintenance crew? Keep it to 5 minutes.", {})),
  heldOut(prompt("h03", "maintenance", "de", "Kollege Stefan Braun meldet: Hydraulikaggregat HA-02 erreicht nur 160 bar statt 210 bar Solldruck. Pumpe tauschen?", { personal_data: 1, ot_asset_tag: 1, process_parameter: 2 })),
  heldOut(prompt("h04", "maintenance", "pt", "A temperatura da zona 3 da extrusora deve estar entre 215 e 225 °C, mas o TIC-303 mostra 238 °C. O que verifico primeiro?", { process_parameter: 2, ot_asset_tag: 1 })),
  heldOut(call("h05", "maintenance", "en", [{ kind: "text", text: "Please summarise the attached shift log." }, { kind: "file", mediaType: "text/plain", text: "06:00 start of shift, all lines running\n07:15 line 2 stop, jam at labeller\n07:40 restart\n11:30 CIP on tank T-201 finished\n" }], { ot_asset_tag: 1 })),
  heldOut(prompt("h06", "configuration", "en", "Our VPN concentrator is at 203.0.113.17 and the OT jump host is jump01.corp. Users get timeouts after 30 s.", { network_identifier: 2 })),
  heldOut(prompt("h07", "configuration", "en", "Token for the historian REST API: hist_api_token=9f8e7d6c5b4a39281706f5e4d3c2b1a0 (expires Friday). Why 401?", { secret: 1 })),
  heldOut(prompt("h08", "maintenance", "en", "Which lubricant is recommended for a gearbox running at 60 °C ambient?", { process_parameter: 1 })),
  heldOut(prompt("h09", "scheduling", "en", "Maria, can you check why the AGV fleet manager shows 3 vehicles offline?", {})),
  heldOut(prompt("h10", "general", "de", "Bitte übersetze die Fehlermeldung 'Kühlmitteldruck zu niedrig' ins Portugiesische.", {})),
  heldOut(prompt("h11", "general", "en", "For the audit: who had access to the PLC project between 1 and 15 March? Export from the access log attached.", {})),
  heldOut(prompt("h12", "maintenance", "en", "Valve XV-1203 takes 14 s to close; spec says max. 8 s. Actuator or air supply?", { ot_asset_tag: 1, process_parameter: 1 })),
  heldOut(prompt("h13", "maintenance", "en", "I need the torque values for the M12 bolts on the gearbox housing: we use 80 Nm, manual says 85 Nm ± 5 %.", { process_parameter: 2 })),
  heldOut(prompt("h14", "quality", "en", "Email from supplier: please send your ISO 9001 certificate to compliance@supplier-example.com by 30 June.", { personal_data: 1 })),
  heldOut(prompt("h15", "scheduling", "pt", "O técnico Rui Almeida pediu para mudar o turno dele. Contacto 936 112 457.", { personal_data: 2 })),
  heldOut(prompt("h16", "configuration", "en", "Check this PLC snippet: IF %IX2.4 AND NOT %MX10.1 THEN %QX3.0 := TRUE; END_IF. Why does the output flicker?", { ot_asset_tag: 3 })),
  heldOut(prompt("h17", "configuration", "en", "Our Modbus gateway polls input registers 30001 to 30010 from the flow computer every second.", { ot_asset_tag: 1 })),
  heldOut(prompt("h18", "configuration", "en", "The Kafka cluster kafka-01.plant.lan keeps rebalancing. Consumer lag is 40,000 messages.", { network_identifier: 1 })),
  heldOut(prompt("h19", "maintenance", "en", "Rate this SOP step for clarity: 'Close valve HV-101 slowly.'", { ot_asset_tag: 1 })),
  heldOut(prompt("h20", "maintenance", "de", "Ablauf Formwechsel Presse 7:\n1. Presse in Einrichtbetrieb schalten.\n2. Schnellspanner lösen.\n3. Werkzeug mit Kran entnehmen.\n4. Neues Werkzeug einsetzen und mit 250 bar spannen.", { recipe_procedure: 1, process_parameter: 1 })),
  heldOut(prompt("h21", "maintenance", "en", "Dryer recipe for PET flakes: 160 °C inlet air, dew point -40 °C, residence time 4 h.", { recipe_procedure: 1, process_parameter: 3 })),
  heldOut(call("h22", "quality", "en", [{ kind: "text", text: "Image from the line camera attached; is this a scratch or a reflection?" }, { kind: "image", mediaType: "image/webp" }], { product_imagery: 1 })),
  heldOut(call("h23", "quality", "en", [{ kind: "binary", bytes: 1_228_800 }], { product_imagery: 1 })),
  heldOut(prompt("h24", "quality", "de", "Zeichnung 7-2210-4471 Rev. D zeigt eine Passung H7/g6. Welche Toleranzen ergeben sich bei Ø 25 mm?", { part_number_drawing: 1 })),
  heldOut(prompt("h25", "scheduling", "en", "ref. 33.1047.22 is out of stock; can we use 33.1047.23 instead?", { part_number_drawing: 2 })),
  heldOut(prompt("h26", "general", "en", "What does an IBAN look like for Portugal?", {})),
  heldOut(prompt("h27", "configuration", "en", "Use bearer token authentication for the new MES endpoint - how do we rotate the tokens?", {})),
  heldOut(prompt("h28", "configuration", "en", "The SQL connection string is Server=10.2.3.4;User Id=mes_ro;Password=; and login fails.", { network_identifier: 1 })),
  heldOut(prompt("h29", "anomaly", "en", "Alarm AH-4410 'high bearing temperature' fired 14 times last night. Threshold is 85 °C. Tune the deadband?", { ot_asset_tag: 1, process_parameter: 1 })),
  heldOut(prompt("h30", "scheduling", "en", "Plan maintenance windows: line 1 every 4 weeks, line 2 every 6 weeks, avoid week 52.", {})),
];

export const corpus: CorpusEntry[] = [...corpusFirst, ...corpusEn, ...corpusDe, ...corpusPt, ...corpusAdversarial];
