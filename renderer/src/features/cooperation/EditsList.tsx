import type { RegistryEdit } from '../../../../shared/contract';
import { validDate, when, words, yesNoUnknown } from './labels';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as a reader expects it for its field: null is "unknown" for a power, "open" for an end date, "none" for a tier. */
function show(v: unknown, field = ''): string {
  if (field === 'canRequest' || field === 'canReceive') return yesNoUnknown(v as boolean | null);
  if (field === 'validFrom' || field === 'validTo') return validDate((v as string | null | undefined) ?? null);
  if (v === undefined || v === null) return field === 'tier' ? 'none' : '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A field name as words: `canRequest` → "can request", `sourceUrl` → "source URL". */
const fieldName = (f: string) =>
  f
    .replace(/([A-Z])/g, ' $1')
    .toLowerCase()
    .replace(/\burl\b/, 'URL');

/** What an edit was about: the backend names a party row "IOSCO_MMOU SCB (party #5)". */
function entryOf(e: RegistryEdit): string {
  return e.entity === 'instrument_party' ? e.entityKey : `${words(e.entity)} ${e.entityKey}`;
}

/** What an edit changed: the fields whose values differ, before → after (the whole value where it is not an object). */
export function changesOf(edit: Pick<RegistryEdit, 'before' | 'after'>): Array<{ field: string; before: string; after: string }> {
  const { before, after } = edit;
  if (!isRecord(before) || !isRecord(after)) return [{ field: '', before: show(before), after: show(after) }];
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]))
    .map((f) => ({ field: f, before: show(before[f], f), after: show(after[f], f) }));
}

/** The local edits of the registry, newest first: who, when, what, before → after, and why. */
export function EditsList({ edits }: { edits: RegistryEdit[] }) {
  if (edits.length === 0) return <p className="muted">No local edits: the registry is as loaded.</p>;
  return (
    <table className="files coop-table" data-testid="edits-table">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">Entry</th>
          <th scope="col">Before → after</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {[...edits]
          .sort((x, y) => y.editedAt.localeCompare(x.editedAt) || y.editId - x.editId)
          .map((e) => (
            <tr key={e.editId}>
              <td>{when(e.editedAt)}</td>
              <td>{e.editedBy}</td>
              <td>{entryOf(e)}</td>
              <td>
                <ul className="changes">
                  {changesOf(e).map((c) => (
                    <li key={c.field}>
                      {c.field && <span title={c.field}>{fieldName(c.field)}: </span>}
                      <del>{c.before}</del> → <ins>{c.after}</ins>
                    </li>
                  ))}
                </ul>
              </td>
              <td>{e.reason}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
