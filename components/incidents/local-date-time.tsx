"use client";
// A date and time entered in the plant's local time, sent as the UTC instant it
// denotes, with that UTC instant shown beside it so nobody has to guess the clock.
import { formatDeadline } from "@/lib/incidents/local-time";
import { instantFromWallInput, wallInputValue } from "@/lib/incidents/wall-input";

export function LocalDateTimeField(props: {
  id: string;
  label: string;
  value: string | null;
  timeZone: string;
  onChange: (iso: string | null) => void;
  required?: boolean;
  hint?: string;
  error?: string;
}) {
  const shown = props.value ? formatDeadline({ at: new Date(props.value), timeZone: props.timeZone }) : null;
  const described = [props.hint && `${props.id}-hint`, `${props.id}-utc`, props.error && `${props.id}-error`].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={props.id}>
        {props.label}
        {props.required ? "" : " (optional)"}
      </label>
      <input
        id={props.id}
        type="datetime-local"
        value={wallInputValue(props.value, props.timeZone)}
        required={props.required}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described}
        onChange={(event) => props.onChange(instantFromWallInput(event.target.value, props.timeZone))}
      />
      {props.hint && (
        <span className="field-hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      )}
      <span className="field-utc" id={`${props.id}-utc`}>
        {shown ? `${shown.local} = ${shown.utc}` : `Local time in ${props.timeZone}`}
      </span>
      {props.error && (
        <span className="field-error" id={`${props.id}-error`}>
          {props.error}
        </span>
      )}
    </div>
  );
}
