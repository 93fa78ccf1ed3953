import { useId } from 'react';
import { informationCredibilities, sourceReliabilities } from '../../../../shared/contract';
import { credibilityLabels, gradeMeaning, reliabilityLabels } from './caseLabels';

/** A grade as the picker holds it: each half may be unset while the user chooses. */
export interface GradeDraft {
  reliability: string;
  credibility: string;
}

export const gradeDraft = (grade: string | null): GradeDraft => ({ reliability: grade?.[0] ?? '', credibility: grade?.[1] ?? '' });

/** The grade to save: "B2", null (not graded), or undefined when only one half is chosen. */
export function gradeOf(d: GradeDraft): string | null | undefined {
  if (!d.reliability && !d.credibility) return null;
  if (!d.reliability || !d.credibility) return undefined;
  return `${d.reliability}${d.credibility}`;
}

/**
 * The Admiralty grade of an item: source reliability (A–F) and information credibility (1–6),
 * graded separately (a reliable source can pass on doubtful information), shown together as B2.
 */
export function GradePicker({ value, onChange, error }: { value: GradeDraft; onChange: (v: GradeDraft) => void; error?: string }) {
  const id = useId();
  const grade = gradeOf(value);
  const incomplete = grade === undefined;
  return (
    <fieldset className="grade-picker" aria-describedby={`${id}-shown`}>
      <legend>Grade (Admiralty code)</legend>
      <label htmlFor={`${id}-r`}>Source reliability</label>
      <select id={`${id}-r`} value={value.reliability} onChange={(e) => onChange({ ...value, reliability: e.target.value })}>
        <option value="">—</option>
        {sourceReliabilities.map((r) => (
          <option key={r} value={r}>
            {r} · {reliabilityLabels[r]}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-c`}>Information credibility</label>
      <select id={`${id}-c`} value={value.credibility} onChange={(e) => onChange({ ...value, credibility: e.target.value })}>
        <option value="">—</option>
        {informationCredibilities.map((c) => (
          <option key={c} value={c}>
            {c} · {credibilityLabels[c]}
          </option>
        ))}
      </select>
      <output id={`${id}-shown`} className={incomplete ? 'grade-shown incomplete' : 'grade-shown'} data-testid="grade-shown">
        {incomplete ? 'Choose both halves of the grade' : grade ? <GradeText grade={grade} /> : 'Not graded'}
      </output>
      {error && <span className="field-error">{error}</span>}
    </fieldset>
  );
}

/** "B2" with its meaning for a tooltip and screen readers. */
export function GradeText({ grade }: { grade: string | null }) {
  if (!grade) return <span className="muted">—</span>;
  return (
    <abbr className="grade" title={gradeMeaning(grade)}>
      {grade}
    </abbr>
  );
}
