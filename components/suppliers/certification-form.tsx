"use client";
// Uploads a certification with its evidence file; the server checks the file's type
// and size and keeps its SHA-256.
import { useId, type FormEvent } from "react";
import { ActionOutcome, useAction } from "@/components/suppliers/use-action";
import styles from "@/components/suppliers/suppliers.module.css";
import type { CertificationScheme } from "@/lib/db";
import { certificationSchemeLabels } from "@/lib/suppliers/labels";

export function CertificationForm(props: { supplierId: string; accept: string; hint: string }) {
  const id = useId();
  const { busy, outcome, run } = useAction();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const target = event.currentTarget;
    const data = await run({ url: `/api/suppliers/${props.supplierId}/certifications`, method: "POST", body: new FormData(target) }, (d) => {
      const evidence = d.evidence as { fileName: string; sha256: string };
      return `Certification added; evidence ${evidence.fileName}, SHA-256 ${evidence.sha256}.`;
    });
    if (data) target.reset();
  }

  return (
    <form onSubmit={onSubmit} aria-label="Add a certification" style={{ marginTop: 12 }}>
      <ActionOutcome outcome={outcome} />
      <div className={styles.formGrid}>
        <div className="field">
          <label htmlFor={`${id}-scheme`}>Scheme</label>
          <select id={`${id}-scheme`} name="scheme" defaultValue="ISO_27001">
            {(Object.keys(certificationSchemeLabels) as CertificationScheme[]).map((s) => (
              <option key={s} value={s}>
                {certificationSchemeLabels[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-title`}>Edition or scheme name</label>
          <input id={`${id}-title`} name="title" type="text" maxLength={200} aria-describedby={`${id}-title-hint`} />
          <span id={`${id}-title-hint`} className="field-hint">
            Required for Other.
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-issuer`}>Issued by</label>
          <input id={`${id}-issuer`} name="issuer" type="text" required maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-reference`}>Certificate or report number</label>
          <input id={`${id}-reference`} name="reference" type="text" maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-issued`}>Issued on</label>
          <input id={`${id}-issued`} name="issuedAt" type="date" required className={styles.input} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-expires`}>Valid until</label>
          <input id={`${id}-expires`} name="expiresAt" type="date" required className={styles.input} />
        </div>
        <div className={`field ${styles.wide}`}>
          <label htmlFor={`${id}-scope`}>Scope</label>
          <input id={`${id}-scope`} name="scope" type="text" maxLength={2000} />
        </div>
        <div className={`field ${styles.wide}`}>
          <label htmlFor={`${id}-file`}>Evidence file</label>
          <input id={`${id}-file`} name="file" type="file" required accept={props.accept} className={styles.input} aria-describedby={`${id}-file-hint`} />
          <span id={`${id}-file-hint`} className="field-hint">
            {props.hint}
          </span>
        </div>
      </div>
      <button className="btn" type="submit" disabled={busy}>
        Add certification
      </button>
    </form>
  );
}
