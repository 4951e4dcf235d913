import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [".next/**", "build/**", "node_modules/**", "lib/generated/**", "prisma/generated/**", "data/**", "test-results/**", "playwright-report/**", "next-env.d.ts", "scripts/prisma-schema-engine.mjs"],
  },
  {
    rules: {
      // Only lib/config.ts reads the environment (see README, Configuration).
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read settings through lib/config.ts." }],
    },
  },
  {
    files: ["lib/config.ts", "prisma.config.ts", "playwright.config.ts", "e2e/**", "scripts/**", "lib/testing/**", "**/*.test.ts"],
    rules: { "no-restricted-properties": "off" },
  },
];

export default config;
