// Where the ledger keeps its logs. Prisma owns the schema and migrations of these
// tables; the ledger reads and writes them through the database drivers directly
// (better-sqlite3, pg), because group commit at tens of thousands of records a second
// needs prepared multi-row inserts in one transaction, which an ORM round trip per row
// cannot give. Both stores implement one interface and pass the same tests.
import type { NodeId } from "@/lib/ledger/merkle";

export interface RecordRow {
  id: string;
  logId: string;
  seq: number;
  kind: string;
  at: string;
  envelope: string;
  leafHash: string;
  signature: string;
  keyId: string;
}

export interface NodeRow {
  level: number;
  index: number;
  hash: string;
}

export interface CheckpointRow {
  id: string;
  logId: string;
  treeSize: number;
  rootHash: string;
  at: string;
  keyId: string;
  signature: string;
}

export interface KeyRow {
  keyId: string;
  publicKeySpki: string;
  logId: string;
  activatedAt: string;
  retiredAt: string | null;
}

export interface LogRow {
  id: string;
  writer: string;
  name: string;
}

export interface VerificationRunRow {
  id: string;
  logId: string | null;
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  records: number;
  report: string;
  trigger: string;
}

export interface AppendBatch {
  logId: string;
  records: RecordRow[];
  nodes: NodeRow[];
  checkpoint?: CheckpointRow;
}

export interface LedgerStore {
  readonly provider: "sqlite" | "postgresql";
  /** Creates the log row if missing. */
  ensureLog(log: LogRow): Promise<void>;
  /** Makes `key` the log's active key, retiring any other active key of the log. */
  activateKey(key: KeyRow): Promise<void>;
  listLogs(): Promise<LogRow[]>;
  listKeys(logId?: string): Promise<KeyRow[]>;
  /** Size and last leaf hash of a log (0 and null when empty). */
  logHead(logId: string): Promise<{ size: number; lastLeafHash: string | null }>;
  /** Appends records, completed tree nodes and a due checkpoint in one transaction; resolves after commit. */
  appendBatch(batch: AppendBatch): Promise<void>;
  insertCheckpoint(row: CheckpointRow): Promise<void>;
  /** Level-0 ids are leaves (AuditRecord.leafHash by seq); higher levels are MerkleNode rows. */
  readNodes(logId: string, ids: NodeId[]): Promise<Map<string, string>>;
  readRecords(options: { logId: string; fromSeq: number; limit: number }): Promise<RecordRow[]>;
  readRecordById(id: string): Promise<RecordRow | null>;
  /** Tree nodes of one level in index order, for verification. */
  readNodeLevel(options: { logId: string; level: number; fromIndex: number; limit: number }): Promise<NodeRow[]>;
  listCheckpoints(logId: string): Promise<CheckpointRow[]>;
  latestCheckpoint(logId: string): Promise<CheckpointRow | null>;
  insertVerificationRun(row: VerificationRunRow): Promise<void>;
  close(): Promise<void>;
}
