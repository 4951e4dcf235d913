"use client";
// A modal dialog on the native <dialog> element: it traps focus, closes on Escape and
// returns focus to the button that opened it, without a library.
import { useEffect, useId, useRef, type ReactNode } from "react";

export function Dialog(props: { open: boolean; title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={props.onClose}>
      <h2 id={titleId}>{props.title}</h2>
      {props.open && props.children}
    </dialog>
  );
}

/** A dialog's Cancel and confirming buttons; `submit` makes the confirming one submit its form. */
export function DialogActions(props: { confirm: string; danger?: boolean; busy: boolean; onCancel: () => void; onConfirm?: () => void; submit?: boolean }) {
  return (
    <div className="dialog-actions">
      <button type="button" className="btn btn-secondary" onClick={props.onCancel}>
        Cancel
      </button>
      <button type={props.submit ? "submit" : "button"} className={props.danger ? "btn btn-danger" : "btn"} disabled={props.busy} onClick={props.onConfirm}>
        {props.confirm}
      </button>
    </div>
  );
}
