// A section that is not built yet says so plainly, and what it will hold, instead of
// showing an empty or fake screen.
import { PageHeader } from "@/components/page-header";
import { requirePageUser } from "@/lib/auth/session";

export async function PlannedFeaturePage(props: { eyebrow: string; title: string; summary: string; items: string[] }) {
  await requirePageUser();
  return (
    <>
      <PageHeader eyebrow={props.eyebrow} title={props.title} />
      <section className="card planned" aria-labelledby="planned-title">
        <div className="notice notice-info" role="status">
          <p>
            <strong>Not built yet.</strong> This part of Conduit Ledger is planned and has no data or actions yet.
          </p>
        </div>
        <h2 id="planned-title">What will be here</h2>
        <p>{props.summary}</p>
        <ul>
          {props.items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      </section>
    </>
  );
}
