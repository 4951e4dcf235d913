// Records for ledger tests: a well-formed administrative change.
export const adminChange = (n: number) => ({
  kind: "admin_change" as const,
  body: {
    actor: { userId: "u1", email: "admin@nordwerk.example", role: "ADMIN" as const },
    entity: { type: "Conduit", id: `c${n}` },
    action: "update" as const,
    before: "a".repeat(64),
    after: "b".repeat(64),
    summary: `change ${n}`,
  },
});
