// English prompts added for issue 16: recipes and procedures beyond a numbered list, and
// one-letter equipment tags beside look-alikes that are not tags. Annotated by the
// conventions at the top of corpus.ts, before the detectors were tuned for them; the
// block marked held out was not tuned to.
import { heldOut, prompt, type CorpusEntry } from "@/proxy/classify/corpus-entry";

export const corpusEn: CorpusEntry[] = [
  prompt("e01", "quality", "en", "Mix resin and hardener 100:35 by weight, cure 2 h at 80 °C then 4 h at 120 °C. The potted boards crack at the corners - is the ramp too fast?", { recipe_procedure: 1, process_parameter: 5 }),
  prompt("e02", "anomaly", "en", "Please set TIC-12 to 185 °C at step 4 of recipe RX-55 and tell me whether the batch needs a longer hold.", { recipe_procedure: 1, ot_asset_tag: 1, process_parameter: 1 }),
  prompt("e03", "maintenance", "en", "Pumps P-12 and P-13 share a suction header; P-12 cavitates whenever both run. Is the header undersized?", { ot_asset_tag: 3 }),
  prompt("e04", "maintenance", "en", "The relief valve on vessel V-07 lifts at 9.5 bar, below its 10 bar set pressure. Re-certify or replace?", { ot_asset_tag: 1, process_parameter: 2 }),
  prompt("e05", "maintenance", "en", "Motor M-33 on the takeaway conveyor tripped on overcurrent three times today.", { ot_asset_tag: 1 }),
  prompt("e06", "general", "en", "Our supplier also machines brackets for the F-35 programme. Can we reuse their first-article inspection template?", {}),
  prompt("e07", "maintenance", "en", "The spare motor is on shelf B-12 in the stores, next to the bearing kits.", {}),
  prompt(
    "e08",
    "scheduling",
    "en",
    "Batch sheet for primer P2: charge 400 kg solvent, add 120 kg pigment while stirring at 900 rpm, disperse 30 min below 45 °C, then add 80 kg binder. How long does one batch take?",
    { recipe_procedure: 1, process_parameter: 6 },
  ),
  prompt("e09", "quality", "en", "For the bronze bushings we pour at 1150 °C, hold the mould closed for 90 s, then quench in water at 40 °C. Porosity went up this week.", { recipe_procedure: 1, process_parameter: 3 }),
  prompt("e10", "quality", "en", "What cure schedule would you recommend for a two-part epoxy potting compound on FR4 boards?", {}),
  prompt("e11", "quality", "en", "Things we already tried on the sink marks: raised the melt temperature, longer hold time, colder mould. None helped.", {}),
  prompt(
    "e12",
    "maintenance",
    "en",
    "Furnace profile for the brazing run: ramp 5 K/min to 550 °C, dwell 30 min, ramp 3 K/min to 820 °C, dwell 2 h, furnace cool. Joints are porous.",
    { recipe_procedure: 1, process_parameter: 6 },
  ),
  prompt("e13", "general", "en", "Our customer asks us to share the recipe for the coating. What should legal check first?", {}),
  prompt("e14", "maintenance", "en", "Heat exchanger E-21 fouls every six weeks; the outlet temperature drops from 65 °C to 52 °C.", { ot_asset_tag: 1, process_parameter: 1 }),
  prompt("e15", "scheduling", "en", "Schedule the vibration route for K-02, K-03 and K-11 on Tuesday morning.", { ot_asset_tag: 3 }),
  prompt("e16", "anomaly", "en", "Tank T-05 reads 110 % level while the radar on T-06 looks fine. Frozen nozzle?", { ot_asset_tag: 2 }),
  prompt(
    "e17",
    "maintenance",
    "en",
    "To change the nozzle: first isolate the extruder and let the barrel cool below 50 °C, then remove the heater band, then unscrew the old nozzle, and finally fit the new one with copper paste.",
    { recipe_procedure: 1, process_parameter: 1 },
  ),
  prompt(
    "e18",
    "anomaly",
    "en",
    "In phase 3 of recipe PVC-12 the jacket temperature setpoint is 72 °C, but the batch overshoots to 78 °C. Should we retune TIC-301?",
    { recipe_procedure: 1, ot_asset_tag: 1, process_parameter: 2 },
  ),
  prompt("e19", "general", "en", "We buy grade B-20 biodiesel for the site generators; does it affect the warranty?", {}),
  prompt("e20", "scheduling", "en", "Room C-14 is booked for the FMEA workshop on Monday; move it to Tuesday.", {}),
  prompt(
    "e21",
    "maintenance",
    "en",
    "Calibration procedure for pressure transmitter PT-4401: 1. Isolate and vent. 2. Connect the hand pump and reference gauge. 3. Apply the five calibration points across the span. 4. Record as-found values and adjust zero and span.",
    { recipe_procedure: 1, ot_asset_tag: 1 },
  ),
  prompt("e22", "configuration", "en", "Map pumps P-01 to P-09 to Modbus unit ids 1 to 9 on the gateway.", { ot_asset_tag: 2 }),

  // Held out (round 2): written with the entries above, before any tuning, and not tuned to.
  heldOut(
    prompt("eh01", "quality", "en", "Recipe R-12 for the gasket compound: 100 parts EPDM, 70 parts carbon black, 5 parts zinc oxide; mix 6 min at 60 rpm, dump at 110 °C.", { recipe_procedure: 1, process_parameter: 6 }),
    2,
  ),
  heldOut(prompt("eh02", "maintenance", "en", "Discharge valve V-45 on pump P-45 is passing; can we isolate with V-44 instead?", { ot_asset_tag: 3 }), 2),
  heldOut(prompt("eh03", "maintenance", "en", "Step 3 of our lockout SOP says 'verify zero energy'. How should we word it for the pneumatic press?", {}), 2),
  heldOut(
    prompt("eh04", "quality", "en", "Our paint line cures at 180 °C for 20 min after a 10 min flash-off at ambient. Could we shorten the cure if we raise it to 200 °C?", { recipe_procedure: 1, process_parameter: 4 }),
    2,
  ),
  heldOut(prompt("eh05", "maintenance", "en", "Shelf A-14 in the spare parts store holds the seals for pump P-14.", { ot_asset_tag: 1 }), 2),
  heldOut(prompt("eh06", "quality", "en", "Welding procedure WPS-114: preheat to 150 °C, interpass max. 250 °C, 180 A, 24 V, travel speed 30 cm/min.", { recipe_procedure: 1, process_parameter: 5 }), 2),
  heldOut(prompt("eh07", "maintenance", "en", "Compressor K-7 and dryer D-7 are on the same breaker, so both stop together.", { ot_asset_tag: 2 }), 2),
  heldOut(prompt("eh08", "general", "en", "Explain the difference between a master recipe and a control recipe with a brewing example.", {}), 2),
];
