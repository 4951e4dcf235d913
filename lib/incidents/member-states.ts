// The EU Member States whose national law an incident is reported under (NIS2 applies
// in the EU and, through the EEA Agreement, may extend further; the list stays with the
// 27 until it does), with the legal time of the capital for Member States whose plants
// are not in the product. A plant's own time zone wins where the incident has a plant
// in that Member State: Madeira and the Azores, or the Canaries, keep their own clocks.
export const memberStates = {
  AT: { name: "Austria", timeZone: "Europe/Vienna" },
  BE: { name: "Belgium", timeZone: "Europe/Brussels" },
  BG: { name: "Bulgaria", timeZone: "Europe/Sofia" },
  CY: { name: "Cyprus", timeZone: "Asia/Nicosia" },
  CZ: { name: "Czechia", timeZone: "Europe/Prague" },
  DE: { name: "Germany", timeZone: "Europe/Berlin" },
  DK: { name: "Denmark", timeZone: "Europe/Copenhagen" },
  EE: { name: "Estonia", timeZone: "Europe/Tallinn" },
  ES: { name: "Spain", timeZone: "Europe/Madrid" },
  FI: { name: "Finland", timeZone: "Europe/Helsinki" },
  FR: { name: "France", timeZone: "Europe/Paris" },
  GR: { name: "Greece", timeZone: "Europe/Athens" },
  HR: { name: "Croatia", timeZone: "Europe/Zagreb" },
  HU: { name: "Hungary", timeZone: "Europe/Budapest" },
  IE: { name: "Ireland", timeZone: "Europe/Dublin" },
  IT: { name: "Italy", timeZone: "Europe/Rome" },
  LT: { name: "Lithuania", timeZone: "Europe/Vilnius" },
  LU: { name: "Luxembourg", timeZone: "Europe/Luxembourg" },
  LV: { name: "Latvia", timeZone: "Europe/Riga" },
  MT: { name: "Malta", timeZone: "Europe/Malta" },
  NL: { name: "Netherlands", timeZone: "Europe/Amsterdam" },
  PL: { name: "Poland", timeZone: "Europe/Warsaw" },
  PT: { name: "Portugal", timeZone: "Europe/Lisbon" },
  RO: { name: "Romania", timeZone: "Europe/Bucharest" },
  SE: { name: "Sweden", timeZone: "Europe/Stockholm" },
  SI: { name: "Slovenia", timeZone: "Europe/Ljubljana" },
  SK: { name: "Slovakia", timeZone: "Europe/Bratislava" },
} as const;

export type MemberState = keyof typeof memberStates;
export const memberStateCodes = Object.keys(memberStates) as [MemberState, ...MemberState[]];

/**
 * The time zone an incident's months are counted in and its instants shown in: that of
 * an affected plant in the reporting Member State, else the Member State's legal time.
 */
export function reportingTimeZone(options: { memberState: string; plants: { memberState: string; timeZone: string }[] }): string {
  const local = options.plants.find((p) => p.memberState === options.memberState);
  if (local) return local.timeZone;
  return memberStates[options.memberState as MemberState]?.timeZone ?? options.plants[0]?.timeZone ?? "UTC";
}
