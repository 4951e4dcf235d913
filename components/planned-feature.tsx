// Says plainly that a section is not built yet, and what it will hold, instead of
// showing an empty or fake screen.
export function PlannedFeature(props: { title: string; summary: string; items: string[] }) {
  return (
    <section className="card planned" aria-labelledby="planned-title">
      <div className="notice notice-info" role="status">
        <p>
          <strong>Not built yet.</strong> This part of Conduit Ledger is planned and has no data or actions yet.
        </p>
      </div>
      <h2 id="planned-title">{props.title}</h2>
      <p>{props.summary}</p>
      <ul>
        {props.items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </section>
  );
}
