// Alerts of the supplier chain, most urgent first, each with a way to the supplier.
import Link from "next/link";
import styles from "@/components/suppliers/suppliers.module.css";
import type { SupplierAlert } from "@/lib/suppliers/alerts";

export function AlertList(props: { alerts: SupplierAlert[]; overview: { suppliers: { id: string; slug: string; name: string }[] } }) {
  if (props.alerts.length === 0) return <p className="table-empty">Nothing needs attention.</p>;
  return (
    <ul className={styles.alerts}>
      {[...props.alerts].sort((a, b) => Number(b.severity === "danger") - Number(a.severity === "danger")).map((a, i) => {
        const supplier = props.overview.suppliers.find((s) => s.id === a.supplierId);
        return (
          <li key={`${a.kind}-${a.supplierId}-${i}`}>
            <span className={`badge badge-${a.severity}`}>{a.severity === "danger" ? "Act now" : "Soon"}</span>
            <span>
              {a.message}{" "}
              {supplier && (
                <Link href={`/suppliers/${supplier.slug}`}>
                  Open<span className="visually-hidden"> {supplier.name}</span>
                </Link>
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

