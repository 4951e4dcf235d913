// Who handles the data of a flow, all the way down: a supplier, its sub-processors and
// theirs, as a nested list, each with its assessment state and the terms of the link
// through which the data reaches it.
import Link from "next/link";
import styles from "@/components/suppliers/suppliers.module.css";
import { supplierKindLabels, trainingLabels } from "@/lib/suppliers/labels";
import type { ChainNode } from "@/lib/suppliers/chain";
import type { SupplierLinkRow, SupplierOverview } from "@/lib/suppliers/overview";

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export function TermsList(props: { link: SupplierLinkRow }) {
  const { link } = props;
  const terms: [string, string][] = [
    ["Data", link.dataShared || "not stated"],
    ["Contract", link.contractRef || "none recorded"],
    ["Breach notice", link.breachNotificationHours === null ? "not stated" : `within ${link.breachNotificationHours} h`],
    ["Training", link.trainingOnCustomerData ? trainingLabels[link.trainingOnCustomerData] : "not stated"],
    ["Retention", link.retention || "not stated"],
    ["Location", link.dataLocation || "not stated"],
  ];
  return (
    <dl className={styles.terms}>
      {terms.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The state of a supplier's latest approval, as a badge. */
export function ApprovalBadge(props: { supplierId: string; overview: SupplierOverview }) {
  const approval = props.overview.approvals.get(props.supplierId);
  if (!approval) return <span className="badge badge-warn">Not assessed</span>;
  if (approval.nextReviewAt < props.overview.now) return <span className="badge badge-danger">Reassessment overdue since {isoDate(approval.nextReviewAt)}</span>;
  const tone = approval.rating === "LOW" ? "ok" : approval.rating === "MEDIUM" ? "accent" : approval.rating === "HIGH" ? "warn" : "danger";
  return (
    <span className={`badge badge-${tone}`}>
      Risk {approval.rating?.toLowerCase()}, approved up to {approval.approvedDataClass}
    </span>
  );
}

function NodeView(props: { node: ChainNode<SupplierLinkRow>; overview: SupplierOverview }) {
  const { node, overview } = props;
  const supplier = overview.suppliers.find((s) => s.id === node.supplierId);
  if (!supplier) return null;
  return (
    <li>
      <div className={styles.node}>
        <Link href={`/suppliers/${supplier.slug}`} className={styles.nodeName}>
          {supplier.name}
        </Link>
        <span className="field-hint">{supplierKindLabels[supplier.kind]}</span>
        <ApprovalBadge supplierId={supplier.id} overview={overview} />
        {node.repeated && <span className={styles.repeated}>(its own sub-processors are listed above)</span>}
      </div>
      {node.link ? (
        <>
          <span className="field-hint">{node.depth === 0 ? "Our contract" : "Sub-processor terms"}</span>
          <TermsList link={node.link} />
        </>
      ) : (
        <span className="field-hint">{node.depth === 0 ? "No contract terms recorded" : ""}</span>
      )}
      {node.children.length > 0 && (
        <ul className={styles.tree}>
          {node.children.map((child) => (
            <NodeView key={`${child.supplierId}-${child.link?.id ?? "root"}`} node={child} overview={overview} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function ChainTree(props: { tree: ChainNode<SupplierLinkRow>; overview: SupplierOverview; label: string }) {
  return (
    <ul className={styles.tree} aria-label={props.label}>
      <NodeView node={props.tree} overview={props.overview} />
    </ul>
  );
}
