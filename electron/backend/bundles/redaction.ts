import type { Purpose, ShareCondition, ShareDecision } from '../../../shared/contract/cooperation';
import type { CaseItem, CaseSubject } from '../../../shared/contract/cases';
import { mayShareInput } from '../../../shared/contract/cooperation';
import type { Db } from '../db/connection';
import { mayShare } from '../cooperation/cooperation.service';

/**
 * What of a case may go to one recipient, item by item, as the cooperation engine decides
 * (fail-closed: only ALLOW and ALLOW_WITH_CONDITIONS send an item). The engine is asked with
 * each item's own category and provenance, so data received from a third authority stays under
 * that authority's control (its consent, its instrument's onward-sharing rule).
 */

export interface ItemVerdict {
  itemId: number;
  title: string;
  category: string;
  outcome: ShareDecision['outcome'];
  /** Why, in the engine's words: the trace's deciding step (and the advice where there is no basis). */
  reason: string;
  decision: ShareDecision;
}

export interface RecipientPlan {
  authority: string;
  shared: ItemVerdict[];
  withheld: ItemVerdict[];
  /** Natural persons among the subjects are personal data: they go only where the engine allows it. */
  subjectsShared: number[];
  subjectsWithheld: number;
  /** The conditions of every shared item, without repeats, and the legend to stamp. */
  conditions: ShareCondition[];
  legend: string;
}

const sends = (d: ShareDecision) => d.outcome === 'ALLOW' || d.outcome === 'ALLOW_WITH_CONDITIONS';

function reasonOf(d: ShareDecision): string {
  const deciding = [...d.trace].reverse().find((t) => t.outcome === d.outcome && t.step !== 'result') ?? d.trace.at(-1);
  const parts = [deciding?.text ?? d.outcome];
  if (d.consentNeededFrom) parts.push(`Consent of ${d.consentNeededFrom} is needed.`);
  if (!sends(d) && d.advice.length > 0) parts.push(d.advice[0]!);
  return parts.join(' ');
}

export function planRecipient(
  db: Db,
  input: { home: string; recipient: string; purpose: Purpose; date: string; items: CaseItem[]; subjects: CaseSubject[] },
): RecipientPlan {
  const ask = (category: string, provenance: Pick<CaseItem, 'origin' | 'originAuthority' | 'originInstrument'>, personalData = false) =>
    mayShare(
      db,
      mayShareInput.parse({
        home: input.home,
        recipient: input.recipient,
        category,
        purpose: input.purpose,
        date: input.date,
        personalData,
        provenance: {
          origin: provenance.origin,
          ...(provenance.originAuthority ? { originAuthority: provenance.originAuthority } : {}),
          ...(provenance.originInstrument ? { originInstrument: provenance.originInstrument } : {}),
        },
      }),
    );
  const shared: ItemVerdict[] = [];
  const withheld: ItemVerdict[] = [];
  for (const item of input.items) {
    const decision = ask(item.category, item);
    const verdict = {
      itemId: item.itemId,
      title: item.title,
      category: item.category,
      outcome: decision.outcome,
      reason: reasonOf(decision),
      decision,
    };
    (sends(decision) ? shared : withheld).push(verdict);
  }
  const own = { origin: 'own_collection' as const, originAuthority: null, originInstrument: null };
  const persons = input.subjects.filter((s) => s.kind === 'natural_person');
  const personsGo = persons.length === 0 || sends(ask('account_holder_identity', own, true));
  const subjectsShared = input.subjects.filter((s) => s.kind !== 'natural_person' || personsGo).map((s) => s.subjectId);
  const conditions: ShareCondition[] = [];
  const seen = new Set<string>();
  for (const v of shared)
    for (const c of v.decision.conditions) {
      const key = `${c.kind}|${c.text}|${c.authority ?? ''}`;
      if (!seen.has(key)) {
        seen.add(key);
        conditions.push(c);
      }
    }
  const legends = [...new Set(shared.map((v) => v.decision.legend).filter((l): l is string => !!l))];
  return {
    authority: input.recipient,
    shared,
    withheld,
    subjectsShared,
    subjectsWithheld: input.subjects.length - subjectsShared.length,
    conditions,
    legend:
      legends.join('\n\n') ||
      `Confidential supervisory information provided by ${input.home}. Not for onward disclosure without its prior written consent.`,
  };
}

/** Recipients whose plans send the same items under the same conditions can share one bundle; others get their own. */
export function groupRecipients(plans: RecipientPlan[]): RecipientPlan[][] {
  const groups = new Map<string, RecipientPlan[]>();
  for (const p of plans) {
    const key = JSON.stringify([p.shared.map((v) => v.itemId), p.subjectsShared, p.conditions, p.legend]);
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.values()];
}
