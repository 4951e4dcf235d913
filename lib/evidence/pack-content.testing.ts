// A pack's content for tests that need one without a database: the demo plant's three
// weeks of traffic as gatherPackContent found it (lib/evidence/pack-content.db.test.ts
// checks the gathering itself), with fewer zones and days. Each call returns a fresh copy.
import type { PackContent } from "@/lib/evidence/pack-content";

const demoContent: PackContent = {
  format: "conduit-ledger-pack-content/1",
  scope: {
    from: "2026-11-15T23:00:00.000Z",
    to: "2026-12-07T23:00:00.000Z",
    timeZone: "Europe/Berlin",
    plants: [],
    conduits: [],
    name: "Supervisory review Q4 2026",
    purpose: "Supervisory review of AI traffic at the Augsburg and Aveiro plants (NIS2, IEC 62443)"
  },
  asOf: "2026-12-07T21:30:00.000Z",
  organisation: [
    "Nordwerk Antriebstechnik GmbH",
    "Nordwerk Fundição Portugal, Lda."
  ],
  plants: [
    {
      slug: "augsburg",
      name: "Augsburg Gearbox Plant",
      operator: "Nordwerk Antriebstechnik GmbH",
      city: "Augsburg",
      memberState: "DE",
      timeZone: "Europe/Berlin",
      entityCategory: "IMPORTANT"
    },
    {
      slug: "aveiro",
      name: "Aveiro Casting Plant",
      operator: "Nordwerk Fundição Portugal, Lda.",
      city: "Aveiro",
      memberState: "PT",
      timeZone: "Europe/Lisbon",
      entityCategory: "IMPORTANT"
    }
  ],
  summary: {
    records: 19967,
    recordsByKind: [
      {
        key: "ai_call",
        count: 9803
      },
      {
        key: "ai_call_result",
        count: 9803
      },
      {
        key: "ai_call_denied",
        count: 262
      },
      {
        key: "oversight_decision",
        count: 68
      },
      {
        key: "admin_change",
        count: 29
      },
      {
        key: "report_submission",
        count: 2
      }
    ],
    calls: 10065,
    forwarded: 9803,
    allowed: 9130,
    redacted: 521,
    flagged: 152,
    refused: 262,
    refusalsByCode: [
      {
        key: "conduit_not_authorized",
        count: 161
      },
      {
        key: "conduit_expired",
        count: 42
      },
      {
        key: "data_class_exceeded",
        count: 29
      },
      {
        key: "model_not_allowed",
        count: 19
      },
      {
        key: "device_token_revoked",
        count: 6
      },
      {
        key: "purpose_not_allowed",
        count: 5
      }
    ],
    callsByLevel: [
      {
        key: "PUBLIC",
        count: 54
      },
      {
        key: "INTERNAL",
        count: 1827
      },
      {
        key: "CONFIDENTIAL",
        count: 3944
      },
      {
        key: "RESTRICTED",
        count: 3978
      }
    ],
    results: [
      {
        key: "completed",
        count: 9803
      }
    ],
    unauthorisedFlows: {
      attempts: 161,
      flows: [
        {
          plant: "aveiro",
          device: "avr-qi-casting",
          destination: "vision-onprem",
          attempts: 161,
          firstAt: "2026-12-02T19:31:04.700Z",
          lastAt: "2026-12-07T17:56:40.852Z"
        }
      ]
    },
    identity: {
      calls: 10065,
      verifiedDevice: 10059,
      operatorVerified: 419,
      operatorAsserted: 226,
      operatorNone: 9420,
      deviceCoverage: 0.9994038748137108,
      operatorCoverage: 0.06408345752608048,
      byDevice: [
        {
          device: "aug-anomaly-telemetry",
          workload: "ANOMALY_DETECTION",
          calls: 1178,
          operatorVerified: 0,
          operatorAsserted: 0,
          operatorNone: 1178
        },
        {
          device: "aug-mes-scheduler",
          workload: "SCHEDULING",
          calls: 226,
          operatorVerified: 0,
          operatorAsserted: 226,
          operatorNone: 0
        },
        {
          device: "aug-pdm-spindle",
          workload: "PREDICTIVE_MAINTENANCE",
          calls: 1650,
          operatorVerified: 0,
          operatorAsserted: 0,
          operatorNone: 1650
        },
        {
          device: "aug-qi-camera-l3",
          workload: "QUALITY_INSPECTION",
          calls: 3964,
          operatorVerified: 0,
          operatorAsserted: 0,
          operatorNone: 3964
        },
        {
          device: "aug-wi-copilot",
          workload: "WORK_INSTRUCTION_COPILOT",
          calls: 1360,
          operatorVerified: 419,
          operatorAsserted: 0,
          operatorNone: 941
        },
        {
          device: "avr-pdm-furnace",
          workload: "PREDICTIVE_MAINTENANCE",
          calls: 1177,
          operatorVerified: 0,
          operatorAsserted: 0,
          operatorNone: 1177
        },
        {
          device: "avr-qi-casting",
          workload: "QUALITY_INSPECTION",
          calls: 161,
          operatorVerified: 0,
          operatorAsserted: 0,
          operatorNone: 161
        },
        {
          device: "avr-wi-copilot",
          workload: "WORK_INSTRUCTION_COPILOT",
          calls: 343,
          operatorVerified: 0,
          operatorAsserted: 0,
          operatorNone: 343
        }
      ]
    },
    oversight: {
      decisions: 68,
      byDecision: [
        {
          key: "accepted",
          count: 42
        },
        {
          key: "edited",
          count: 14
        },
        {
          key: "rejected",
          count: 7
        },
        {
          key: "escalated",
          count: 5
        }
      ],
      operatorVerified: 53,
      operatorAsserted: 15,
      operatorNone: 0
    },
    unidentifiedOutsideScope: null,
    ledgerActivity: {
      adminChanges: 29,
      credentialChanges: 13,
      exports: 0,
      packDownloads: 0,
      reportSubmissions: 2
    }
  },
  activity: [
    {
      day: "2026-12-01",
      kind: "ai_call",
      outcome: "allowed",
      count: 874
    },
    {
      day: "2026-12-01",
      kind: "ai_call",
      outcome: "flagged",
      count: 10
    },
    {
      day: "2026-12-01",
      kind: "ai_call",
      outcome: "redacted",
      count: 30
    },
    {
      day: "2026-12-01",
      kind: "ai_call_denied",
      outcome: "refused",
      count: 8
    },
    {
      day: "2026-12-01",
      kind: "ai_call_result",
      outcome: "completed",
      count: 914
    },
    {
      day: "2026-12-01",
      kind: "oversight_decision",
      outcome: "accepted",
      count: 2
    },
    {
      day: "2026-12-01",
      kind: "oversight_decision",
      outcome: "edited",
      count: 2
    },
    {
      day: "2026-12-02",
      kind: "ai_call",
      outcome: "allowed",
      count: 497
    },
    {
      day: "2026-12-02",
      kind: "ai_call",
      outcome: "flagged",
      count: 9
    },
    {
      day: "2026-12-02",
      kind: "ai_call",
      outcome: "redacted",
      count: 36
    },
    {
      day: "2026-12-02",
      kind: "ai_call_denied",
      outcome: "refused",
      count: 14
    },
    {
      day: "2026-12-02",
      kind: "ai_call_result",
      outcome: "completed",
      count: 542
    },
    {
      day: "2026-12-02",
      kind: "oversight_decision",
      outcome: "accepted",
      count: 2
    },
    {
      day: "2026-12-02",
      kind: "oversight_decision",
      outcome: "escalated",
      count: 2
    },
    {
      day: "2026-12-02",
      kind: "oversight_decision",
      outcome: "rejected",
      count: 1
    },
    {
      day: "2026-12-03",
      kind: "ai_call",
      outcome: "allowed",
      count: 459
    },
    {
      day: "2026-12-03",
      kind: "ai_call",
      outcome: "flagged",
      count: 3
    },
    {
      day: "2026-12-03",
      kind: "ai_call",
      outcome: "redacted",
      count: 34
    },
    {
      day: "2026-12-03",
      kind: "ai_call_denied",
      outcome: "refused",
      count: 67
    },
    {
      day: "2026-12-03",
      kind: "ai_call_result",
      outcome: "completed",
      count: 496
    },
    {
      day: "2026-12-03",
      kind: "oversight_decision",
      outcome: "accepted",
      count: 2
    },
    {
      day: "2026-12-03",
      kind: "oversight_decision",
      outcome: "escalated",
      count: 1
    }
  ],
  inventory: {
    zones: [
      {
        slug: "augsburg-l2-supervisory",
        name: "Augsburg L2 supervisory",
        plant: "augsburg",
        kind: "OT",
        purdueLevel: "L2",
        slTarget: 3,
        slAchieved: 2
      },
      {
        slug: "augsburg-l3-operations",
        name: "Augsburg L3 operations",
        plant: "augsburg",
        kind: "OT",
        purdueLevel: "L3",
        slTarget: 2,
        slAchieved: 2
      },
      {
        slug: "aveiro-l2-supervisory",
        name: "Aveiro L2 supervisory",
        plant: "aveiro",
        kind: "OT",
        purdueLevel: "L2",
        slTarget: 3,
        slAchieved: 2
      },
      {
        slug: "ext-azure-weu",
        name: "Azure OpenAI West Europe",
        plant: null,
        kind: "EXTERNAL_AI",
        purdueLevel: "EXTERNAL",
        slTarget: 2,
        slAchieved: null
      },
      {
        slug: "ext-google-gemini",
        name: "Google Gemini API (EU)",
        plant: null,
        kind: "EXTERNAL_AI",
        purdueLevel: "EXTERNAL",
        slTarget: 2,
        slAchieved: null
      }
    ],
    conduits: [
      {
        slug: "aug-l2-to-azure-copilot",
        name: "Augsburg shop floor copilot to Azure OpenAI",
        plant: "augsburg",
        justification: "Drafts work instructions for shift leads; operator identity required.",
        sourceZone: {
          slug: "augsburg-l2-supervisory",
          name: "Augsburg L2 supervisory",
          slTarget: 3,
          slAchieved: 2
        },
        destination: {
          slug: "azure-openai-weu",
          name: "Azure OpenAI West Europe",
          provider: "AZURE_OPENAI",
          region: "West Europe",
          supplier: "microsoft-ireland",
          transport: "loopback"
        },
        status: "ACTIVE",
        state: "in_force",
        validFrom: "2026-09-08T19:05:43.160Z",
        validUntil: "2027-09-08T19:05:43.160Z",
        approvedBy: "Miguel Santos",
        approvedAt: "2026-08-09T19:05:43.160Z",
        reviewDueAt: "2026-12-16T21:30:00.000Z",
        maxDataClass: "INTERNAL",
        overLimitAction: "REDACT",
        failMode: "CLOSED",
        slTarget: 3,
        calls: {
          forwarded: 1360,
          redacted: 376,
          flagged: 0,
          refused: 0,
          byLevel: [
            {
              key: "PUBLIC",
              count: 54
            },
            {
              key: "INTERNAL",
              count: 930
            },
            {
              key: "CONFIDENTIAL",
              count: 376
            }
          ]
        }
      },
      {
        slug: "aug-l2-to-vision-onprem",
        name: "Augsburg line cameras to on-premises vision model",
        plant: "augsburg",
        justification: "Product images stay on site; the model runs in L3.",
        sourceZone: {
          slug: "augsburg-l2-supervisory",
          name: "Augsburg L2 supervisory",
          slTarget: 3,
          slAchieved: 2
        },
        destination: {
          slug: "vision-onprem",
          name: "OptiScan defect model (on-premises)",
          provider: "GENERIC_INFERENCE",
          region: "Augsburg L3",
          supplier: "optiscan-vision",
          transport: "loopback"
        },
        status: "ACTIVE",
        state: "in_force",
        validFrom: "2026-05-21T19:05:43.160Z",
        validUntil: null,
        approvedBy: "Miguel Santos",
        approvedAt: "2026-08-09T19:05:43.160Z",
        reviewDueAt: null,
        maxDataClass: "RESTRICTED",
        overLimitAction: "FLAG",
        failMode: "OPEN",
        slTarget: 3,
        calls: {
          forwarded: 3964,
          redacted: 0,
          flagged: 0,
          refused: 0,
          byLevel: [
            {
              key: "RESTRICTED",
              count: 3964
            }
          ]
        }
      },
      {
        slug: "aug-l3-to-anthropic-scheduling",
        name: "Augsburg MES scheduling to Anthropic (pilot)",
        plant: "augsburg",
        justification: "Six-month pilot of schedule explanations; ended, awaiting reassessment.",
        sourceZone: {
          slug: "augsburg-l3-operations",
          name: "Augsburg L3 operations",
          slTarget: 2,
          slAchieved: 2
        },
        destination: {
          slug: "anthropic",
          name: "Anthropic Claude",
          provider: "ANTHROPIC",
          region: "US",
          supplier: "anthropic-ireland",
          transport: "loopback"
        },
        status: "ACTIVE",
        state: "expired",
        validFrom: "2026-05-25T19:05:43.160Z",
        validUntil: "2026-11-25T19:05:43.160Z",
        approvedBy: "Jana Weber",
        approvedAt: "2026-05-25T19:05:43.160Z",
        reviewDueAt: null,
        maxDataClass: "CONFIDENTIAL",
        overLimitAction: "BLOCK",
        failMode: "CLOSED",
        slTarget: 2,
        calls: {
          forwarded: 164,
          redacted: 0,
          flagged: 0,
          refused: 62,
          byLevel: [
            {
              key: "INTERNAL",
              count: 103
            },
            {
              key: "CONFIDENTIAL",
              count: 61
            }
          ]
        }
      },
      {
        slug: "aug-l3-to-gemini-anomaly",
        name: "Augsburg telemetry triage to Gemini (pilot)",
        plant: "augsburg",
        justification: "Second opinion on historian alarms during a three-month pilot; over-limit calls are flagged for the weekly review, not blocked.",
        sourceZone: {
          slug: "augsburg-l3-operations",
          name: "Augsburg L3 operations",
          slTarget: 2,
          slAchieved: 2
        },
        destination: {
          slug: "google-gemini",
          name: "Google Gemini API (EU)",
          provider: "GEMINI",
          region: "EU",
          supplier: "google-cloud-emea",
          transport: "loopback"
        },
        status: "ACTIVE",
        state: "in_force",
        validFrom: "2026-10-23T19:05:43.160Z",
        validUntil: "2027-01-21T19:05:43.160Z",
        approvedBy: "Miguel Santos",
        approvedAt: "2026-08-09T19:05:43.160Z",
        reviewDueAt: "2026-12-03T21:30:00.000Z",
        maxDataClass: "INTERNAL",
        overLimitAction: "FLAG",
        failMode: "CLOSED",
        slTarget: 2,
        calls: {
          forwarded: 434,
          redacted: 0,
          flagged: 152,
          refused: 0,
          byLevel: [
            {
              key: "INTERNAL",
              count: 282
            },
            {
              key: "CONFIDENTIAL",
              count: 152
            }
          ]
        }
      },
      {
        slug: "aug-l3-to-openai-eu",
        name: "Augsburg operations to OpenAI (EU)",
        plant: "augsburg",
        justification: "Maintenance analytics summarise historian trends; no raw recipes leave the plant.",
        sourceZone: {
          slug: "augsburg-l3-operations",
          name: "Augsburg L3 operations",
          slTarget: 2,
          slAchieved: 2
        },
        destination: {
          slug: "openai-eu",
          name: "OpenAI (EU)",
          provider: "OPENAI_COMPATIBLE",
          region: "EU",
          supplier: "openai-ireland",
          transport: "loopback"
        },
        status: "ACTIVE",
        state: "in_force",
        validFrom: "2026-08-09T19:05:43.160Z",
        validUntil: "2027-08-09T19:05:43.160Z",
        approvedBy: "Miguel Santos",
        approvedAt: "2026-08-09T19:05:43.160Z",
        reviewDueAt: null,
        maxDataClass: "CONFIDENTIAL",
        overLimitAction: "REDACT",
        failMode: "CLOSED",
        slTarget: 2,
        calls: {
          forwarded: 2384,
          redacted: 14,
          flagged: 0,
          refused: 10,
          byLevel: [
            {
              key: "INTERNAL",
              count: 306
            },
            {
              key: "CONFIDENTIAL",
              count: 2064
            },
            {
              key: "RESTRICTED",
              count: 14
            }
          ]
        }
      },
      {
        slug: "avr-l2-to-openai-eu-pdm",
        name: "Aveiro furnace analytics to OpenAI (EU)",
        plant: "aveiro",
        justification: "Refractory wear summaries from furnace telemetry.",
        sourceZone: {
          slug: "aveiro-l2-supervisory",
          name: "Aveiro L2 supervisory",
          slTarget: 3,
          slAchieved: 2
        },
        destination: {
          slug: "openai-eu",
          name: "OpenAI (EU)",
          provider: "OPENAI_COMPATIBLE",
          region: "EU",
          supplier: "openai-ireland",
          transport: "loopback"
        },
        status: "ACTIVE",
        state: "in_force",
        validFrom: "2026-11-07T19:05:43.160Z",
        validUntil: "2027-11-07T19:05:43.160Z",
        approvedBy: "Miguel Santos",
        approvedAt: "2026-08-09T19:05:43.160Z",
        reviewDueAt: null,
        maxDataClass: "CONFIDENTIAL",
        overLimitAction: "BLOCK",
        failMode: "CLOSED",
        slTarget: 3,
        calls: {
          forwarded: 1160,
          redacted: 0,
          flagged: 0,
          refused: 17,
          byLevel: [
            {
              key: "CONFIDENTIAL",
              count: 1160
            }
          ]
        }
      },
      {
        slug: "avr-l3-to-azure-copilot",
        name: "Aveiro maintenance copilot to Azure OpenAI",
        plant: "aveiro",
        justification: "Maintenance instructions in Portuguese and English.",
        sourceZone: {
          slug: "aveiro-l3-operations",
          name: "Aveiro L3 operations",
          slTarget: 2,
          slAchieved: 2
        },
        destination: {
          slug: "azure-openai-weu",
          name: "Azure OpenAI West Europe",
          provider: "AZURE_OPENAI",
          region: "West Europe",
          supplier: "microsoft-ireland",
          transport: "loopback"
        },
        status: "ACTIVE",
        state: "in_force",
        validFrom: "2026-10-08T19:05:43.160Z",
        validUntil: "2027-10-08T19:05:43.160Z",
        approvedBy: "Miguel Santos",
        approvedAt: "2026-08-09T19:05:43.160Z",
        reviewDueAt: null,
        maxDataClass: "INTERNAL",
        overLimitAction: "REDACT",
        failMode: "CLOSED",
        slTarget: 2,
        calls: {
          forwarded: 337,
          redacted: 131,
          flagged: 0,
          refused: 6,
          byLevel: [
            {
              key: "INTERNAL",
              count: 206
            },
            {
              key: "CONFIDENTIAL",
              count: 131
            }
          ]
        }
      }
    ],
    devices: [
      {
        slug: "aug-anomaly-telemetry",
        name: "Telemetry anomaly triage",
        plant: "augsburg",
        zone: "augsburg-l3-operations",
        workload: "ANOMALY_DETECTION",
        application: "HistorianWatch 2.8",
        mayAssertOperator: false,
        status: "ACTIVE",
        tokens: {
          active: 2,
          revoked: 0,
          expired: 0,
          activeWithoutExpiry: 0
        }
      },
      {
        slug: "aug-mes-scheduler",
        name: "MES scheduling assistant",
        plant: "augsburg",
        zone: "augsburg-l3-operations",
        workload: "SCHEDULING",
        application: "MES Planner 11",
        mayAssertOperator: true,
        status: "ACTIVE",
        tokens: {
          active: 0,
          revoked: 1,
          expired: 0,
          activeWithoutExpiry: 0
        }
      },
      {
        slug: "aug-pdm-spindle",
        name: "Spindle wear forecaster",
        plant: "augsburg",
        zone: "augsburg-l3-operations",
        workload: "PREDICTIVE_MAINTENANCE",
        application: "MaintainIQ 4.2",
        mayAssertOperator: false,
        status: "ACTIVE",
        tokens: {
          active: 2,
          revoked: 0,
          expired: 0,
          activeWithoutExpiry: 0
        }
      },
      {
        slug: "aug-qi-camera-l3",
        name: "Gear surface inspection camera",
        plant: "augsburg",
        zone: "augsburg-l2-supervisory",
        workload: "QUALITY_INSPECTION",
        application: "OptiScan Inspect 7",
        mayAssertOperator: false,
        status: "ACTIVE",
        tokens: {
          active: 1,
          revoked: 0,
          expired: 0,
          activeWithoutExpiry: 0
        }
      },
      {
        slug: "aug-wi-copilot",
        name: "Work-instruction copilot",
        plant: "augsburg",
        zone: "augsburg-l2-supervisory",
        workload: "WORK_INSTRUCTION_COPILOT",
        application: "ShopFloor Assist 1.6",
        mayAssertOperator: false,
        status: "ACTIVE",
        tokens: {
          active: 1,
          revoked: 1,
          expired: 0,
          activeWithoutExpiry: 0
        }
      },
      {
        slug: "avr-pdm-furnace",
        name: "Furnace refractory wear model",
        plant: "aveiro",
        zone: "aveiro-l2-supervisory",
        workload: "PREDICTIVE_MAINTENANCE",
        application: "MaintainIQ 4.2",
        mayAssertOperator: false,
        status: "ACTIVE",
        tokens: {
          active: 1,
          revoked: 0,
          expired: 0,
          activeWithoutExpiry: 0
        }
      },
      {
        slug: "avr-qi-casting",
        name: "Casting porosity inspection",
        plant: "aveiro",
        zone: "aveiro-l2-supervisory",
        workload: "QUALITY_INSPECTION",
        application: "OptiScan Inspect 7",
        mayAssertOperator: false,
        status: "ACTIVE",
        tokens: {
          active: 1,
          revoked: 0,
          expired: 0,
          activeWithoutExpiry: 0
        }
      },
      {
        slug: "avr-wi-copilot",
        name: "Maintenance instruction copilot",
        plant: "aveiro",
        zone: "aveiro-l3-operations",
        workload: "WORK_INSTRUCTION_COPILOT",
        application: "ShopFloor Assist 1.6",
        mayAssertOperator: false,
        status: "ACTIVE",
        tokens: {
          active: 1,
          revoked: 0,
          expired: 0,
          activeWithoutExpiry: 0
        }
      }
    ]
  },
  suppliers: {
    suppliers: [
      {
        slug: "aws-emea",
        name: "Amazon Web Services EMEA SARL",
        kind: "CLOUD",
        countries: [
          "US",
          "IE",
          "DE"
        ],
        assessment: null,
        approval: null,
        certifications: [],
        receivedLevel: "CONFIDENTIAL",
        calls: 164
      },
      {
        slug: "anthropic-ireland",
        name: "Anthropic Ireland, Limited",
        kind: "AI_PROVIDER",
        countries: [
          "IE",
          "US"
        ],
        assessment: {
          status: "DRAFT",
          templateVersion: 1,
          score: null,
          rating: null
        },
        approval: null,
        certifications: [
          {
            scheme: "SOC2_TYPE_2",
            title: "",
            issuer: "Demo Assurance LLP",
            expiresAt: "2027-09-08T19:05:43.160Z",
            expired: false
          }
        ],
        receivedLevel: "CONFIDENTIAL",
        calls: 164
      },
      {
        slug: "google-cloud-emea",
        name: "Google Cloud EMEA Limited",
        kind: "AI_PROVIDER",
        countries: [
          "IE",
          "DE",
          "NL"
        ],
        assessment: {
          status: "APPROVED",
          templateVersion: 1,
          score: 96,
          rating: "LOW"
        },
        approval: {
          approvedAt: "2026-10-18T19:05:43.160Z",
          rating: "LOW",
          score: 96,
          approvedDataClass: "INTERNAL",
          nextReviewAt: "2028-10-18T19:05:43.160Z",
          overdue: false
        },
        certifications: [
          {
            scheme: "ISO_27001",
            title: "",
            issuer: "Demo Certification GmbH",
            expiresAt: "2029-07-09T19:05:43.160Z",
            expired: false
          }
        ],
        receivedLevel: "CONFIDENTIAL",
        calls: 434
      },
      {
        slug: "microsoft-ireland",
        name: "Microsoft Ireland Operations Ltd",
        kind: "CLOUD",
        countries: [
          "NL",
          "IE"
        ],
        assessment: {
          status: "APPROVED",
          templateVersion: 1,
          score: 98,
          rating: "MEDIUM"
        },
        approval: {
          approvedAt: "2025-11-02T19:05:43.160Z",
          rating: "MEDIUM",
          score: 98,
          approvedDataClass: "INTERNAL",
          nextReviewAt: "2026-11-02T19:05:43.160Z",
          overdue: true
        },
        certifications: [
          {
            scheme: "BSI_C5",
            title: "",
            issuer: "Demo Audit AG",
            expiresAt: "2027-07-10T19:05:43.160Z",
            expired: false
          },
          {
            scheme: "ISO_27001",
            title: "",
            issuer: "Demo Certification GmbH",
            expiresAt: "2029-02-09T19:05:43.160Z",
            expired: false
          }
        ],
        receivedLevel: "CONFIDENTIAL",
        calls: 5241
      },
      {
        slug: "openai-ireland",
        name: "OpenAI Ireland Ltd",
        kind: "AI_PROVIDER",
        countries: [
          "IE",
          "US"
        ],
        assessment: {
          status: "APPROVED",
          templateVersion: 1,
          score: 95,
          rating: "MEDIUM"
        },
        approval: {
          approvedAt: "2026-05-21T19:05:43.160Z",
          rating: "MEDIUM",
          score: 95,
          approvedDataClass: "CONFIDENTIAL",
          nextReviewAt: "2027-05-21T19:05:43.160Z",
          overdue: false
        },
        certifications: [
          {
            scheme: "SOC2_TYPE_2",
            title: "",
            issuer: "Demo Assurance LLP",
            expiresAt: "2027-01-21T19:05:43.160Z",
            expired: false
          },
          {
            scheme: "ISO_27001",
            title: "",
            issuer: "Demo Certification GmbH",
            expiresAt: "2029-05-20T19:05:43.160Z",
            expired: false
          },
          {
            scheme: "ISO_42001",
            title: "",
            issuer: "Demo Certification GmbH",
            expiresAt: "2029-08-28T19:05:43.160Z",
            expired: false
          }
        ],
        receivedLevel: "CONFIDENTIAL",
        calls: 3544
      },
      {
        slug: "optiscan-vision",
        name: "OptiScan Vision Systems GmbH",
        kind: "OT_VENDOR",
        countries: [
          "DE"
        ],
        assessment: {
          status: "APPROVED",
          templateVersion: 1,
          score: 97,
          rating: "MEDIUM"
        },
        approval: {
          approvedAt: "2026-08-29T19:05:43.160Z",
          rating: "MEDIUM",
          score: 97,
          approvedDataClass: "RESTRICTED",
          nextReviewAt: "2027-08-29T19:05:43.160Z",
          overdue: false
        },
        certifications: [
          {
            scheme: "IEC_62443_4_1",
            title: "",
            issuer: "Demo Industrial Cert GmbH",
            expiresAt: "2028-07-24T19:05:43.160Z",
            expired: false
          }
        ],
        receivedLevel: "RESTRICTED",
        calls: 3964
      }
    ],
    chains: [
      {
        root: "anthropic-ireland",
        entries: [
          {
            supplier: "anthropic-ireland",
            depth: 0,
            repeated: false,
            link: {
              from: null,
              dataShared: "Scheduling explanations from MES orders (pilot)",
              contractRef: "Pilot agreement PA-2026-03",
              breachNotificationHours: 72,
              trainingOnCustomerData: "NO",
              retention: "30 days",
              dataLocation: "US"
            }
          },
          {
            supplier: "aws-emea",
            depth: 1,
            repeated: false,
            link: {
              from: "anthropic-ireland",
              dataShared: "Prompts and completions (hosting)",
              contractRef: "Anthropic sub-processor list",
              breachNotificationHours: null,
              trainingOnCustomerData: null,
              retention: "As Anthropic's retention",
              dataLocation: "US"
            }
          }
        ]
      },
      {
        root: "google-cloud-emea",
        entries: [
          {
            supplier: "google-cloud-emea",
            depth: 0,
            repeated: false,
            link: {
              from: null,
              dataShared: "Historian alarm summaries for a second-opinion triage (pilot), up to INTERNAL",
              contractRef: "Pilot order GC-2026-11 under the Cloud Data Processing Addendum",
              breachNotificationHours: 72,
              trainingOnCustomerData: "NO",
              retention: "Not stored beyond the request (zero data retention for the pilot project)",
              dataLocation: "EU (DE, NL)"
            }
          }
        ]
      },
      {
        root: "microsoft-ireland",
        entries: [
          {
            supplier: "microsoft-ireland",
            depth: 0,
            repeated: false,
            link: {
              from: null,
              dataShared: "Work-instruction drafts from the shop floor copilots, up to INTERNAL",
              contractRef: "Enterprise Agreement, Product Terms and DPA",
              breachNotificationHours: 72,
              trainingOnCustomerData: "NO",
              retention: "No prompt storage (abuse monitoring opted out)",
              dataLocation: "EU Data Boundary (NL, IE)"
            }
          }
        ]
      },
      {
        root: "openai-ireland",
        entries: [
          {
            supplier: "openai-ireland",
            depth: 0,
            repeated: false,
            link: {
              from: null,
              dataShared: "Maintenance trend summaries and anomaly triage prompts, up to CONFIDENTIAL",
              contractRef: "MSA-2025-014 with DPA",
              breachNotificationHours: 48,
              trainingOnCustomerData: "NO",
              retention: "30 days for abuse monitoring, then deleted",
              dataLocation: "EU data residency (IE, NL)"
            }
          },
          {
            supplier: "microsoft-ireland",
            depth: 1,
            repeated: false,
            link: {
              from: "openai-ireland",
              dataShared: "Prompts and completions in transit and at rest (hosting, abuse monitoring)",
              contractRef: "OpenAI DPA, sub-processor list",
              breachNotificationHours: 48,
              trainingOnCustomerData: "NO",
              retention: "As OpenAI's retention",
              dataLocation: "EU (NL, IE)"
            }
          }
        ]
      },
      {
        root: "optiscan-vision",
        entries: [
          {
            supplier: "optiscan-vision",
            depth: 0,
            repeated: false,
            link: {
              from: null,
              dataShared: "Remote support access to the on-premises inference server",
              contractRef: "Service contract SC-OPT-2024-7",
              breachNotificationHours: 24,
              trainingOnCustomerData: "OPT_OUT",
              retention: "Images stay on premises; support sessions logged for 1 year",
              dataLocation: "DE (on premises)"
            }
          }
        ]
      }
    ],
    alerts: [
      {
        kind: "certification_expiring",
        severity: "warn",
        supplier: "openai-ireland",
        message: "OpenAI Ireland Ltd: SOC 2 Type II expires in 45 days (2027-01-21)."
      },
      {
        kind: "data_above_approved",
        severity: "danger",
        supplier: "google-cloud-emea",
        message: "Google Cloud EMEA Limited receives CONFIDENTIAL data but is approved for INTERNAL at most."
      },
      {
        kind: "reassessment_overdue",
        severity: "danger",
        supplier: "microsoft-ireland",
        message: "Microsoft Ireland Operations Ltd: reassessment was due on 2026-11-02."
      },
      {
        kind: "data_above_approved",
        severity: "danger",
        supplier: "microsoft-ireland",
        message: "Microsoft Ireland Operations Ltd receives CONFIDENTIAL data but is approved for INTERNAL at most."
      },
      {
        kind: "unassessed_link",
        severity: "warn",
        supplier: "anthropic-ireland",
        message: "Chain of Anthropic Ireland, Limited: Anthropic Ireland, Limited, Amazon Web Services EMEA SARL have no approved assessment."
      }
    ]
  },
  incidents: [
    {
      reference: "INC-2026-001",
      title: "Copilot device token used from outside the shop floor",
      status: "CONTAINED",
      severity: "HIGH",
      plants: [
        "augsburg"
      ],
      memberState: "DE",
      timeZone: "Europe/Berlin",
      named: false,
      reportable: true,
      significance: {
        assessedAt: "2026-12-02T02:15:43.160Z",
        significant: true,
        verdict: "significant"
      },
      occurredAt: "2026-12-01T17:05:43.160Z",
      detectedAt: "2026-12-01T19:05:43.160Z",
      awareAt: "2026-12-01T23:05:43.160Z",
      containedAt: "2026-12-02T01:05:43.160Z",
      handlingEndedAt: null,
      closedAt: null,
      deadlines: [
        {
          stage: "EARLY_WARNING",
          article: "NIS2 Art. 23(4)(a)",
          dueAt: "2026-12-02T23:05:43.160Z",
          submittedAt: "2026-12-02T08:05:43.160Z",
          status: "met",
          provisional: false,
          missed: false,
          basis: "24 h after awareness at 2026-12-02 00:05 CET (2026-12-01 23:05 UTC)"
        },
        {
          stage: "NOTIFICATION",
          article: "NIS2 Art. 23(4)(b)",
          dueAt: "2026-12-04T23:05:43.160Z",
          submittedAt: "2026-12-04T03:05:43.160Z",
          status: "met",
          provisional: false,
          missed: false,
          basis: "72 h after awareness at 2026-12-02 00:05 CET (2026-12-01 23:05 UTC)"
        },
        {
          stage: "FINAL",
          article: "NIS2 Art. 23(4)(d)",
          dueAt: "2027-01-04T03:05:43.160Z",
          submittedAt: null,
          status: "upcoming",
          provisional: false,
          missed: false,
          basis: "one month after the notification submitted at 2026-12-04 04:05 CET (2026-12-04 03:05 UTC); if the incident is still ongoing then, a progress report is due at that time and the final report one month after handling ends"
        }
      ],
      deadlineProblem: null,
      evidence: [
        {
          kind: "ANOMALY",
          label: "shared_device_token: c263939f-83ce-4024-a58f-783aa00324fb (seen 419×)",
          logId: null,
          seq: null
        },
        {
          kind: "LEDGER_RECORD",
          label: "AI call denied edge-augsburg-9d7536e04873 #12757: unknown device to azure-openai-weu: refused, device_token_revoked",
          logId: "edge-augsburg-9d7536e04873",
          seq: 12757
        },
        {
          kind: "LEDGER_RECORD",
          label: "AI call edge-augsburg-9d7536e04873 #11643: aug-wi-copilot to azure-openai-weu, gpt-4o: allowed, INTERNAL",
          logId: "edge-augsburg-9d7536e04873",
          seq: 11643
        },
        {
          kind: "CONDUIT",
          label: "Augsburg shop floor copilot to Azure OpenAI (aug-l2-to-azure-copilot)",
          logId: null,
          seq: null
        },
        {
          kind: "SUPPLIER",
          label: "Microsoft Ireland Operations Ltd (microsoft-ireland)",
          logId: null,
          seq: null
        }
      ]
    },
    {
      reference: "INC-2026-002",
      title: "Ransomware on the maintenance office workstation",
      status: "OPEN",
      severity: "HIGH",
      plants: [
        "aveiro"
      ],
      memberState: "PT",
      timeZone: "Europe/Lisbon",
      named: false,
      reportable: true,
      significance: null,
      occurredAt: "2026-12-07T08:05:43.160Z",
      detectedAt: "2026-12-07T10:05:43.160Z",
      awareAt: "2026-12-07T14:05:43.160Z",
      containedAt: null,
      handlingEndedAt: null,
      closedAt: null,
      deadlines: [
        {
          stage: "EARLY_WARNING",
          article: "NIS2 Art. 23(4)(a)",
          dueAt: "2026-12-08T14:05:43.160Z",
          submittedAt: null,
          status: "upcoming",
          provisional: false,
          missed: false,
          basis: "24 h after awareness at 2026-12-07 14:05 WET (2026-12-07 14:05 UTC)"
        },
        {
          stage: "NOTIFICATION",
          article: "NIS2 Art. 23(4)(b)",
          dueAt: "2026-12-10T14:05:43.160Z",
          submittedAt: null,
          status: "upcoming",
          provisional: false,
          missed: false,
          basis: "72 h after awareness at 2026-12-07 14:05 WET (2026-12-07 14:05 UTC)"
        },
        {
          stage: "FINAL",
          article: "NIS2 Art. 23(4)(d)",
          dueAt: "2027-01-10T14:05:43.160Z",
          submittedAt: null,
          status: "upcoming",
          provisional: true,
          missed: false,
          basis: "depends on the notification: provisionally one month after its due date 2026-12-10 14:05 WET (2026-12-10 14:05 UTC); if the incident is still ongoing then, a progress report is due at that time and the final report one month after handling ends"
        }
      ],
      deadlineProblem: null,
      evidence: [
        {
          kind: "LEDGER_RECORD",
          label: "AI call edge-aveiro-d65c35f2e123 #3086: avr-wi-copilot to azure-openai-weu, gpt-4o: allowed, INTERNAL",
          logId: "edge-aveiro-d65c35f2e123",
          seq: 3086
        },
        {
          kind: "CONDUIT",
          label: "Aveiro maintenance copilot to Azure OpenAI (avr-l3-to-azure-copilot)",
          logId: null,
          seq: null
        }
      ]
    }
  ],
  anomalies: [
    {
      kind: "shared_device_token",
      device: {
        slug: "aug-wi-copilot",
        name: "Work-instruction copilot",
        plant: "augsburg"
      },
      destination: null,
      tokenPrefix: "cl_dev_HRWq_q",
      tokenRevoked: true,
      addresses: [
        "10.20.2.17",
        "10.40.12.57"
      ],
      code: "",
      count: 419,
      firstSeenAt: "2026-12-01T17:05:47.278Z",
      lastSeenAt: "2026-12-01T19:03:43.160Z",
      incidents: [
        "INC-2026-001"
      ]
    },
    {
      kind: "unauthorised_flow",
      device: {
        slug: "avr-qi-casting",
        name: "Casting porosity inspection",
        plant: "aveiro"
      },
      destination: "vision-onprem",
      tokenPrefix: null,
      tokenRevoked: null,
      addresses: [],
      code: "conduit_not_authorized",
      count: 161,
      firstSeenAt: "2026-12-02T19:26:46.598Z",
      lastSeenAt: "2026-12-07T17:56:40.852Z",
      incidents: []
    }
  ],
  logs: [
    {
      logId: "app-d3ff170ddda3",
      name: "app",
      writer: "app",
      records: 33,
      firstSeq: 0,
      lastSeq: 32,
      firstAt: "2026-12-07T19:05:45.238Z",
      lastAt: "2026-12-07T19:09:07.718Z",
      checkpoint: {
        treeSize: 33,
        rootHash: "5cfb31ef65801a1f659992745101f6b59621fde06a665320132fd101a901c877",
        at: "2026-12-07T19:09:16.493Z",
        keyId: "d3ff170ddda3596f1810a28898b316e951e90d9db7c2c94b81a04c36fb7a92fe"
      },
      covered: true,
      keys: [
        {
          keyId: "d3ff170ddda3596f1810a28898b316e951e90d9db7c2c94b81a04c36fb7a92fe",
          activatedAt: "2026-12-07T19:05:43.159Z",
          retiredAt: null
        }
      ],
      lastVerification: {
        startedAt: "2026-12-07T19:12:02.248Z",
        ok: true,
        records: 33
      }
    },
    {
      logId: "device-token-cli-4f44896a7cbb",
      name: "device-token-cli",
      writer: "cli",
      records: 2,
      firstSeq: 0,
      lastSeq: 1,
      firstAt: "2026-12-07T19:08:56.158Z",
      lastAt: "2026-12-07T19:09:01.989Z",
      checkpoint: {
        treeSize: 2,
        rootHash: "9ed0d356bef50e21eca11a69f22872c5058f31490021aab82266270cc9c1b426",
        at: "2026-12-07T19:09:02.120Z",
        keyId: "4f44896a7cbbf9c070844285edfb0d05c1899a41e8c1cdd70d1cf303551e74e1"
      },
      covered: true,
      keys: [
        {
          keyId: "4f44896a7cbbf9c070844285edfb0d05c1899a41e8c1cdd70d1cf303551e74e1",
          activatedAt: "2026-12-07T19:08:56.116Z",
          retiredAt: null
        }
      ],
      lastVerification: {
        startedAt: "2026-12-07T19:12:02.248Z",
        ok: true,
        records: 2
      }
    },
    {
      logId: "edge-augsburg-9d7536e04873",
      name: "edge-augsburg",
      writer: "proxy:edge-augsburg",
      records: 16754,
      firstSeq: 0,
      lastSeq: 16753,
      firstAt: "2026-11-16T19:15:54.409Z",
      lastAt: "2026-12-07T18:01:32.283Z",
      checkpoint: {
        treeSize: 16754,
        rootHash: "29b4d8f148af70ebdf836cf676ad87ad46df702bbf0b5492fcefc96f14d2c9de",
        at: "2026-12-07T18:01:32.283Z",
        keyId: "9d7536e04873f1389fbf470a94b223bf42d0e870105c823518b34688cdf62bc6"
      },
      covered: true,
      keys: [
        {
          keyId: "9d7536e04873f1389fbf470a94b223bf42d0e870105c823518b34688cdf62bc6",
          activatedAt: "2026-12-07T19:05:46.193Z",
          retiredAt: null
        }
      ],
      lastVerification: {
        startedAt: "2026-12-07T19:12:02.248Z",
        ok: true,
        records: 16754
      }
    },
    {
      logId: "edge-aveiro-d65c35f2e123",
      name: "edge-aveiro",
      writer: "proxy:edge-aveiro",
      records: 3178,
      firstSeq: 0,
      lastSeq: 3177,
      firstAt: "2026-11-16T19:16:49.747Z",
      lastAt: "2026-12-07T18:05:22.598Z",
      checkpoint: {
        treeSize: 3178,
        rootHash: "6f8dd600d4f5e5a0922bb36a65c471b1b42b78aff09e0bb62c3981a3903e51a1",
        at: "2026-12-07T18:05:22.598Z",
        keyId: "d65c35f2e1233fca02e8400e7109a49e967bf36418776d53ba6c8f58efe53690"
      },
      covered: true,
      keys: [
        {
          keyId: "d65c35f2e1233fca02e8400e7109a49e967bf36418776d53ba6c8f58efe53690",
          activatedAt: "2026-12-07T19:05:46.234Z",
          retiredAt: null
        }
      ],
      lastVerification: {
        startedAt: "2026-12-07T19:12:02.248Z",
        ok: true,
        records: 3178
      }
    }
  ],
  access: {
    usersByRole: [
      {
        key: "ADMIN",
        count: 1
      },
      {
        key: "AUDITOR",
        count: 1
      },
      {
        key: "CISO",
        count: 1
      },
      {
        key: "COMPLIANCE_OFFICER",
        count: 1
      },
      {
        key: "OPERATOR",
        count: 1
      }
    ],
    disabledUsers: 0
  }
};

export function samplePackContent(): PackContent {
  return structuredClone(demoContent);
}
