"use client";
// Adds a supplier, or edits one: kind, where it processes data, contacts, services.
import { useRouter } from "next/navigation";
import { useId, type FormEvent } from "react";
import { ActionOutcome, useAction } from "@/components/suppliers/use-action";
import styles from "@/components/suppliers/suppliers.module.css";
import type { SupplierKind } from "@/lib/db";
import { supplierKindLabels } from "@/lib/suppliers/labels";

interface SupplierValues {
  id: string;
  name: string;
  kind: SupplierKind;
  countries: string[];
  regions: string[];
  contacts: { name: string; role: string; email: string }[];
  services: string;
}

const list = (text: string) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

// One contact per line: "name; role; e-mail" (the role may be left out).
const parseContacts = (text: string) =>
  text
    .split("\n")
    .map((line) => line.split(";").map((s) => s.trim()))
    .filter((parts) => parts.some(Boolean))
    .map((parts) => (parts.length >= 3 ? { name: parts[0]!, role: parts[1]!, email: parts[2]! } : { name: parts[0] ?? "", role: "", email: parts[1] ?? "" }));

export function SupplierForm(props: { supplier?: SupplierValues }) {
  const id = useId();
  const router = useRouter();
  const { busy, outcome, run } = useAction();
  const s = props.supplier;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "");
    const body = {
      name: text("name"),
      kind: text("kind"),
      countries: list(text("countries")),
      regions: list(text("regions")),
      contacts: parseContacts(text("contacts")),
      services: text("services"),
    };
    const data = await run(s ? { url: `/api/suppliers/${s.id}`, method: "PATCH", body } : { url: "/api/suppliers", method: "POST", body }, () => (s ? "Supplier saved." : `Supplier ${body.name} added.`));
    if (data && !s) router.push(`/suppliers/${String(data.slug)}`);
  }

  return (
    <form onSubmit={onSubmit} aria-label={s ? "Edit supplier" : "Add a supplier"} className="card-body">
      <ActionOutcome outcome={outcome} />
      <div className={styles.formGrid}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} name="name" type="text" required maxLength={200} defaultValue={s?.name} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} name="kind" defaultValue={s?.kind ?? "AI_PROVIDER"}>
            {(Object.keys(supplierKindLabels) as SupplierKind[]).map((k) => (
              <option key={k} value={k}>
                {supplierKindLabels[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-countries`}>Countries of processing</label>
          <input id={`${id}-countries`} name="countries" type="text" defaultValue={s?.countries.join(", ")} aria-describedby={`${id}-countries-hint`} />
          <span id={`${id}-countries-hint`} className="field-hint">
            Two-letter codes, comma-separated (IE, NL, US).
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-regions`}>Regions of processing</label>
          <input id={`${id}-regions`} name="regions" type="text" defaultValue={s?.regions.join(", ")} aria-describedby={`${id}-regions-hint`} />
          <span id={`${id}-regions-hint`} className="field-hint">
            Data centres or cloud regions, comma-separated.
          </span>
        </div>
        <div className={`field ${styles.wide}`}>
          <label htmlFor={`${id}-contacts`}>Contacts</label>
          <textarea
            id={`${id}-contacts`}
            name="contacts"
            className={styles.textarea}
            defaultValue={s?.contacts.map((c) => [c.name, c.role, c.email].join("; ")).join("\n")}
            aria-describedby={`${id}-contacts-hint`}
          />
          <span id={`${id}-contacts-hint`} className="field-hint">
            One per line: name; role; e-mail.
          </span>
        </div>
        <div className={`field ${styles.wide}`}>
          <label htmlFor={`${id}-services`}>Services</label>
          <textarea id={`${id}-services`} name="services" className={styles.textarea} maxLength={2000} defaultValue={s?.services} />
        </div>
      </div>
      <button className="btn" type="submit" disabled={busy}>
        {s ? "Save supplier" : "Add supplier"}
      </button>
    </form>
  );
}
