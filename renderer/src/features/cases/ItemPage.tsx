import { useId, useState, type FormEvent } from 'react';
import { eventDateSchema, type CaseItem, type InputOf } from '../../../../shared/contract';
import type { FieldErrors } from '../../stores/cases.store';
import { useCasesStore } from '../../stores/StoresContext';
import { label as categoryLabel } from '../cooperation/labels';
import { originLabels, kindLabels, when } from './caseLabels';
import { parseTags } from './CaseForm';
import { GradePicker, gradeDraft, gradeOf, GradeText, type GradeDraft } from './GradePicker';
import { ItemPayload } from './ItemPayload';
import { useChange } from './useChange';
import { WithdrawForm } from './WithdrawForm';

/** One item of a case: what it holds, and its details (title, event date, tags, grade), withdrawal. */
export function ItemPage({ caseNumber, writable }: { caseNumber: string; writable: boolean }) {
  const item = useCasesStore((s) => s.item);
  const itemError = useCasesStore((s) => s.itemError);
  const itemId = useCasesStore((s) => s.route.itemId);
  const navigate = useCasesStore((s) => s.navigate);
  const back = (
    <button type="button" className="link" onClick={() => void navigate({ caseNumber, tab: 'items' })}>
      ‹ All items
    </button>
  );
  if (!item || item.itemId !== itemId)
    return (
      <div className="item-page">
        {back}
        {itemError ? (
          <p className="error" role="alert">
            Item {itemId}: {itemError}
          </p>
        ) : (
          <p className="muted">Loading item {itemId}…</p>
        )}
      </div>
    );
  if (item.caseNumber !== caseNumber)
    return (
      <div className="item-page">
        {back}
        <p className="error" role="alert">
          Item {item.itemId} belongs to {item.caseNumber}, not to this case.
        </p>
      </div>
    );
  const editable = writable && item.status === 'active';
  return (
    <article className="item-page" aria-labelledby="item-title" data-testid="item-page">
      {back}
      <header className="item-header">
        <h2 id="item-title">
          #{item.itemId} · {item.title}
        </h2>
        <span className="badge badge-kind">{kindLabels[item.kind]}</span>
        <GradeText grade={item.grade} />
        {item.status === 'withdrawn' && <span className="badge badge-gone">withdrawn</span>}
      </header>
      <p className="muted small">
        Added {when(item.createdAt)} by {item.createdBy} · {categoryLabel(item.category)} · {originLabels[item.origin]}
        {item.originAuthority ? ` (${item.originAuthority})` : ''} · version {item.version}
      </p>
      {item.withdrawn && (
        <p className="notice small">
          Withdrawn {when(item.withdrawn.at)}: {item.withdrawn.reason}
        </p>
      )}
      <div className="item-columns">
        <div className="item-main">
          <ItemPayload item={item} writable={editable} />
        </div>
        <aside className="item-side" aria-label="Item details">
          <ItemDetailsForm key={item.itemId} item={item} editable={editable} />
          {editable && <WithdrawItem item={item} />}
        </aside>
      </div>
    </article>
  );
}

interface Draft {
  title: string;
  eventDate: string;
  tags: string;
  grade: GradeDraft;
}

const draftOf = (item: CaseItem): Draft => ({
  title: item.title,
  eventDate: item.eventDate ?? '',
  tags: item.tags.join(', '),
  grade: gradeDraft(item.grade),
});

/** Title, event date (a date, or a time with its zone), tags and grade; only what changed is sent, with the version read last. */
function ItemDetailsForm({ item, editable }: { item: CaseItem; editable: boolean }) {
  const updateItem = useCasesStore((s) => s.updateItem);
  const reloadItem = useCasesStore((s) => s.reloadItem);
  const [initial, setInitial] = useState(() => draftOf(item));
  const [d, setD] = useState(initial);
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const { run, busy, failure, notice } = useChange(reloadItem);
  const id = useId();
  const errors = { ...(failure?.fieldErrors ?? {}), ...localErrors };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: FieldErrors = {};
    if (!d.title.trim()) found.title = 'The title is required.';
    const date = d.eventDate.trim();
    if (date) {
      const parsed = eventDateSchema.safeParse(date);
      if (!parsed.success) found.eventDate = parsed.error.issues[0]?.message ?? 'Not a date.';
    }
    const grade = gradeOf(d.grade);
    if (grade === undefined) found.grade = 'Choose both the source reliability and the information credibility, or neither.';
    setLocalErrors(found);
    if (Object.keys(found).length > 0) return;
    const input: InputOf<'cases.updateItem'> = { itemId: item.itemId, version: item.version };
    if (d.title !== initial.title) input.title = d.title;
    if (date !== initial.eventDate) input.eventDate = date === '' ? null : date;
    if (d.tags !== initial.tags) input.tags = parseTags(d.tags);
    if (grade !== gradeOf(initial.grade)) input.grade = grade ?? null;
    const saved = await run(() => updateItem(input), 'Saved.');
    if (saved) {
      const next = draftOf(saved);
      setInitial(next);
      setD(next);
    }
  };
  const fid = (n: string) => `${id}-${n}`;
  const describedBy = (n: string, hint = false) =>
    [errors[n] ? `${fid(n)}-error` : '', hint ? `${fid(n)}-hint` : ''].filter(Boolean).join(' ') || undefined;
  const error = (n: string) =>
    errors[n] ? (
      <span id={`${fid(n)}-error`} className="field-error">
        {errors[n]}
      </span>
    ) : null;
  return (
    <form className="item-details" aria-label="Item details" onSubmit={(e) => void submit(e)} noValidate>
      <h3>Details</h3>
      {notice}
      <fieldset disabled={!editable} className="plain-fieldset">
        <div className="form-field">
          <label htmlFor={fid('title')}>Title</label>
          <input
            id={fid('title')}
            value={d.title}
            maxLength={300}
            aria-invalid={errors.title ? true : undefined}
            aria-describedby={describedBy('title')}
            onChange={(e) => setD({ ...d, title: e.target.value })}
          />
          {error('title')}
        </div>
        <div className="form-field">
          <label htmlFor={fid('eventDate')}>Event date</label>
          <input
            id={fid('eventDate')}
            value={d.eventDate}
            maxLength={30}
            placeholder="2026-06-30 or 2026-06-30T14:05Z"
            aria-invalid={errors.eventDate ? true : undefined}
            aria-describedby={describedBy('eventDate', true)}
            onChange={(e) => setD({ ...d, eventDate: e.target.value })}
          />
          <span id={`${fid('eventDate')}-hint`} className="muted small">
            When it happened: a date, or a time with its zone (kept as given).
          </span>
          {error('eventDate')}
        </div>
        <div className="form-field">
          <label htmlFor={fid('tags')}>Tags</label>
          <input
            id={fid('tags')}
            value={d.tags}
            placeholder="comma-separated"
            aria-invalid={errors.tags ? true : undefined}
            aria-describedby={describedBy('tags')}
            onChange={(e) => setD({ ...d, tags: e.target.value })}
          />
          {error('tags')}
        </div>
        <GradePicker value={d.grade} onChange={(grade) => setD({ ...d, grade })} error={errors.grade} />
        {editable && (
          <div className="actions">
            <button type="submit" disabled={busy}>
              Save details
            </button>
          </div>
        )}
      </fieldset>
    </form>
  );
}

function WithdrawItem({ item }: { item: CaseItem }) {
  const withdrawItem = useCasesStore((s) => s.withdrawItem);
  const reloadItem = useCasesStore((s) => s.reloadItem);
  return (
    <WithdrawForm
      what={`item #${item.itemId}`}
      reload={reloadItem}
      withdraw={(reason) => withdrawItem({ itemId: item.itemId, version: item.version, reason })}
      explanation="A withdrawn item stays in the case and its audit trail, marked withdrawn with your reason; it leaves the item list and the timeline."
    />
  );
}
