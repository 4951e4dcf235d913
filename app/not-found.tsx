import Link from "next/link";

export default function NotFound() {
  return (
    <main className="content" style={{ margin: "64px auto", maxWidth: 560 }}>
      <div className="card card-body">
        <h1 style={{ fontSize: 20, marginBottom: 8 }}>Page not found</h1>
        <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
        <Link className="btn" href="/">
          Go to your start page
        </Link>
      </div>
    </main>
  );
}
