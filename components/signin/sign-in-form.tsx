"use client";
// The sign-in form. Errors come back from the server as codes and are shown in words;
// after sign-in the user lands on the page they originally asked for.
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { safeCallbackUrl } from "@/lib/auth/callback-url";

const messages: Record<string, string> = {
  unauthenticated: "The e-mail address or password is not correct.",
  validation_failed: "Enter your e-mail address and password.",
  rate_limited: "Too many failed sign-ins. Wait a few minutes before you try again.",
  SessionRequired: "Your session has ended. Sign in again to continue.",
};

export function SignInForm(props: { callbackUrl: string; initialError?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | undefined>(
    props.initialError ? (messages[props.initialError] ?? "Sign-in failed. Try again.") : undefined,
  );
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (!email || !password) {
      setError(messages.validation_failed);
      return;
    }
    setPending(true);
    setError(undefined);
    const result = await signIn("credentials", { email, password, redirect: false });
    setPending(false);
    if (!result || result.error) {
      setError(messages[result?.error ?? ""] ?? "Sign-in failed. Try again.");
      return;
    }
    // The page checked it already; checked again here because this line navigates.
    router.replace(safeCallbackUrl(props.callbackUrl));
    router.refresh();
  }

  return (
    <form className="signin-form" onSubmit={onSubmit} noValidate aria-describedby={error ? "signin-error" : undefined}>
      <h2>Sign in</h2>
      <p className="lead">Use the account your administrator gave you.</p>
      {error && (
        <div id="signin-error" className="notice notice-error" role="alert" style={{ marginBottom: 16 }}>
          <p>{error}</p>
        </div>
      )}
      <div className="field">
        <label htmlFor="email">E-mail</label>
        <input id="email" name="email" type="email" autoComplete="username" required aria-invalid={error ? true : undefined} />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required aria-invalid={error ? true : undefined} />
      </div>
      <button className="btn" type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
