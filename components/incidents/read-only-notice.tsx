// Shown instead of a form to a role that may read incidents but not change them; the
// server refuses the change anyway (lib/auth/roles.ts).
export function ReadOnlyNotice(props: { what: string }) {
  return (
    <div className="card-body">
      <div className="notice notice-info" role="status">
        <p>Your role may read incidents but not {props.what}.</p>
      </div>
    </div>
  );
}
