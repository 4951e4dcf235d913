// What the proxy needs to decide a call, held in memory: devices and their credentials,
// destinations with their decrypted provider keys, conduits, each plant's classifier and
// the operator-assertion issuers. Reloaded from the database every few seconds, so a
// revoked token or a suspended conduit takes effect within one refresh interval on every
// instance, embedded or standalone, without a database read on the call path.
import { createPublicKey, type KeyObject } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db";
import type { ProviderKeyCipher } from "@/lib/secrets/provider-keys";
import type { ConduitRule } from "@/proxy/authorize";
import { createClassifier, type Classifier, type CustomRule } from "@/proxy/classify";
import type { ProviderKind } from "@/proxy/providers";

export interface ProxyDevice {
  id: string;
  slug: string;
  application: string;
  defaultPurpose: string;
  mayAssertOperator: boolean;
  disabled: boolean;
  plant: { id: string; slug: string };
  zone: { id: string; slug: string };
  workstation: { id: string; hostname: string; ipAddress: string | null } | null;
}

export interface ProxyCredential {
  id: string;
  tokenPrefix: string;
  expiresAt: number | null;
  revokedAt: number | null;
  device: ProxyDevice;
}

export interface ProxyDestination {
  id: string;
  slug: string;
  provider: ProviderKind;
  baseUrl: string;
  zoneId: string;
  /** Decrypted in memory only; never logged, recorded or returned. */
  apiKey: string | null;
}

export interface InventorySnapshot {
  credentialsByHash: Map<string, ProxyCredential>;
  destinations: Map<string, ProxyDestination>;
  /** Conduits by `${sourceZoneId} ${destinationId}`. */
  conduits: Map<string, ConduitRule[]>;
  classifiers: Map<string, Classifier>;
  workstationsByAddress: Map<string, { id: string; hostname: string }>;
  issuers: Map<string, KeyObject>;
}

const stringList = z.array(z.string());

function parseList(text: string): string[] {
  const parsed = stringList.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : [];
}

export async function loadInventorySnapshot(options: { db: Db; cipher: ProviderKeyCipher; log?: (message: string) => void }): Promise<InventorySnapshot> {
  const { db } = options;
  const [devices, credentials, destinations, conduits, rules, workstations, issuers] = await Promise.all([
    db.device.findMany({ include: { plant: { select: { id: true, slug: true } }, zone: { select: { id: true, slug: true } }, workstation: { select: { id: true, hostname: true, ipAddress: true } } } }),
    // Revoked ones too, so the refusal can say "revoked" rather than "unknown".
    db.deviceCredential.findMany({ select: { id: true, tokenPrefix: true, tokenHash: true, expiresAt: true, revokedAt: true, deviceId: true } }),
    db.aiDestination.findMany({ omit: { apiKeyCiphertext: false } }),
    db.conduit.findMany(),
    db.classificationRule.findMany(),
    db.workstation.findMany({ where: { ipAddress: { not: null } }, select: { id: true, hostname: true, ipAddress: true } }),
    db.operatorAssertionIssuer.findMany({ where: { revokedAt: null } }),
  ]);

  const deviceById = new Map<string, ProxyDevice>(
    devices.map((d) => [
      d.id,
      {
        id: d.id,
        slug: d.slug,
        application: d.application,
        defaultPurpose: d.defaultPurpose,
        mayAssertOperator: d.mayAssertOperator,
        disabled: d.status !== "ACTIVE",
        plant: d.plant,
        zone: d.zone,
        workstation: d.workstation,
      },
    ]),
  );
  const credentialsByHash = new Map<string, ProxyCredential>();
  for (const c of credentials) {
    const device = deviceById.get(c.deviceId);
    if (device) credentialsByHash.set(c.tokenHash, { id: c.id, tokenPrefix: c.tokenPrefix, expiresAt: c.expiresAt?.getTime() ?? null, revokedAt: c.revokedAt?.getTime() ?? null, device });
  }

  const destinationMap = new Map<string, ProxyDestination>();
  for (const d of destinations) {
    let apiKey: string | null = null;
    if (d.apiKeyCiphertext) {
      try {
        apiKey = options.cipher.decrypt({ destinationId: d.id, ciphertext: d.apiKeyCiphertext });
      } catch {
        // Calls to it answer provider_key_missing; the message never includes the ciphertext.
        options.log?.(`the provider key of destination ${d.slug} does not decrypt with this installation's key`);
      }
    }
    destinationMap.set(d.slug, { id: d.id, slug: d.slug, provider: d.provider, baseUrl: d.baseUrl, zoneId: d.zoneId, apiKey });
  }

  const conduitMap = new Map<string, ConduitRule[]>();
  for (const c of conduits) {
    const key = `${c.sourceZoneId} ${c.destinationId}`;
    const rule: ConduitRule = {
      id: c.id,
      slug: c.slug,
      status: c.status,
      validFrom: c.validFrom.getTime(),
      validUntil: c.validUntil?.getTime() ?? null,
      allowedPurposes: parseList(c.allowedPurposes),
      allowedModels: parseList(c.allowedModels),
      allowedEndpoints: parseList(c.allowedEndpoints),
      maxDataClass: c.maxDataClass,
      overLimitAction: c.overLimitAction,
      failMode: c.failMode,
    };
    conduitMap.set(key, [...(conduitMap.get(key) ?? []), rule]);
  }

  const rulesByPlant = new Map<string, CustomRule[]>();
  for (const r of rules) {
    const rule: CustomRule = { label: r.label, level: r.level, ...(r.pattern ? { pattern: r.pattern, flags: r.flags } : {}), ...(r.pattern ? {} : { terms: parseList(r.terms) }) };
    rulesByPlant.set(r.plantId, [...(rulesByPlant.get(r.plantId) ?? []), rule]);
  }
  // A provider key pasted into a prompt is a secret wherever it sits and however it is
  // encoded: every classifier knows every key this proxy holds.
  const knownSecrets = [...destinationMap.values()].flatMap((d) => (d.apiKey ? [d.apiKey] : []));
  const builtIn = createClassifier({ knownSecrets });
  const classifiers = new Map<string, Classifier>();
  for (const [plantId, customRules] of rulesByPlant) {
    try {
      classifiers.set(plantId, createClassifier({ customRules, knownSecrets }));
    } catch (error) {
      // A broken plant rule must not switch classification off: the built-in labels stay.
      options.log?.(`classification rules of plant ${plantId} are invalid (${(error as Error).message}); using the built-in labels only`);
    }
  }
  classifiers.set("", builtIn);

  const issuerKeys = new Map<string, KeyObject>();
  for (const issuer of issuers) {
    try {
      issuerKeys.set(issuer.slug, createPublicKey({ key: Buffer.from(issuer.publicKeySpki, "base64"), format: "der", type: "spki" }));
    } catch {
      options.log?.(`operator assertion issuer ${issuer.slug} has an invalid public key`);
    }
  }

  return {
    credentialsByHash,
    destinations: destinationMap,
    conduits: conduitMap,
    classifiers,
    workstationsByAddress: new Map(workstations.map((w) => [w.ipAddress!, { id: w.id, hostname: w.hostname }])),
    issuers: issuerKeys,
  };
}

const maxRememberedUnknownTokens = 10_000;

/**
 * Serves the latest snapshot and reloads it every refreshMs in the background, so a change
 * takes effect within one interval whether or not calls arrive; a failed reload keeps the
 * last good snapshot and is tried again at the next interval.
 */
export class InventoryCache {
  private snapshot: InventorySnapshot | undefined;
  private loading: Promise<InventorySnapshot> | undefined;
  private readonly timer: NodeJS.Timeout;
  /** Token hashes looked up and not found since the last reload. */
  private readonly unknownTokens = new Set<string>();

  constructor(
    private readonly options: {
      load: () => Promise<InventorySnapshot>;
      /** Whether a credential with this token hash exists in the database now. */
      credentialExists?: (tokenHash: string) => Promise<boolean>;
      refreshMs: number;
      onError?: (error: unknown) => void;
    },
  ) {
    this.timer = setInterval(() => void this.reload().catch((error) => options.onError?.(error)), options.refreshMs);
    this.timer.unref();
  }

  async current(): Promise<InventorySnapshot> {
    return this.snapshot ?? this.reload();
  }

  /**
   * A snapshot that knows the token if the database does: a token issued since the last
   * reload works on its first call, on every instance. A hash the snapshot lacks costs one
   * indexed read and, when the credential exists, a reload. Unknown hashes are remembered
   * until the next reload, so a caller repeating an invalid token costs one read an interval.
   */
  async withCredential(tokenHash: string): Promise<InventorySnapshot> {
    const snapshot = await this.current();
    if (snapshot.credentialsByHash.has(tokenHash) || !this.options.credentialExists || this.unknownTokens.has(tokenHash)) return snapshot;
    let exists: boolean;
    try {
      exists = await this.options.credentialExists(tokenHash);
    } catch {
      // The database is away: decide with what is known.
      return snapshot;
    }
    if (!exists) {
      if (this.unknownTokens.size >= maxRememberedUnknownTokens) this.unknownTokens.clear();
      this.unknownTokens.add(tokenHash);
      return snapshot;
    }
    // A load already under way may have read the credentials before this one was issued.
    const reloaded = await this.reload();
    return reloaded.credentialsByHash.has(tokenHash) ? reloaded : this.reload();
  }

  /** Loads now (one load at a time); used at start and after a change made in this process. */
  reload(): Promise<InventorySnapshot> {
    this.loading ??= this.options
      .load()
      .then((snapshot) => {
        this.snapshot = snapshot;
        this.unknownTokens.clear();
        return snapshot;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
