// Acknowledgement deadlines of requests for assistance, from the rules in
// /work/shared/handbook/domain-cooperation.md §5 ("Workflow facts"). Pure functions, no I/O.
//
// Working days are Monday to Friday. Public holidays are NOT modelled (neither ours nor the
// counterpart's, nor the EU institutions'): a deadline that spans a holiday is shown a day or
// more earlier than the rule would allow, never later. The UI says so next to every due date.
//
// Counting: the clock starts on the day the request was received (incoming) or sent (outgoing);
// that day is day 0 and the N-th working day after it is the last day to acknowledge. A request
// received on Friday 2026-01-09 under a 5-working-day rule is due on Friday 2026-01-16; one
// received on a Saturday counts from the Monday after.
//
// States (see AckState in shared/contract/requests.ts):
// - waiting (not acknowledged, not ended): `overdue` once the due date has passed (the due day
//   itself is not overdue), `due_soon` within 2 working days of it (due today included), else `not_due`;
// - acknowledged: `met` when acknowledged on or before the due date, `late` after it. A first
//   answer, partial answer or refusal counts as the acknowledgement when none was recorded;
// - ended (withdrawn or closed) without any acknowledgement: `late` if it ended after the due
//   date (the deadline was missed and nothing will make it good), `not_applicable` before it;
// - `not_applicable` too when the rule fixes no deadline or the clock has not started (a draft).
// We chose a separate `late` state rather than folding late acknowledgements into `met`: a missed
// deadline stays visible after the fact, which is what a supervisor reviewing a log needs.

import type { AckDeadline, AckState, DeadlineRuleKey, RequestDirection } from '../contract/requests';

export interface DeadlineRule {
  key: DeadlineRuleKey;
  /** Short name for pickers and grids. */
  label: string;
  /** What the rule says about acknowledgement, in our words. */
  text: string;
  /** Where it is written, as the handbook cites it. */
  source: string;
  sourceUrl: string | null;
  /** Working days allowed to acknowledge; null when the rule fixes no deadline. */
  workingDays: number | null;
}

/** The rules, by key. Sources and URLs are those of handbook §5; none is guessed. */
export const deadlineRules: Readonly<Record<DeadlineRuleKey, DeadlineRule>> = {
  MICA_ITS_2024_2545: {
    key: 'MICA_ITS_2024_2545',
    label: 'MiCA ITS 2024/2545 (NCA ↔ NCA)',
    text:
      'Acknowledge within 5 working days of receipt (Annex II form), with an estimated response date or else an update ' +
      'frequency; a missed estimate is replaced by a new one with reasons (Art 7(2)).',
    source: 'Commission Implementing Regulation (EU) 2024/2545, Art 4 (handbook §5: springlex art-4); Art 7(2)',
    sourceUrl: 'https://nomox.eu/nomox_en/2023r1114-mica/2024r2545-mica2545/2024r2545_en.7',
    workingDays: 5,
  },
  MICA_ITS_2024_2494: {
    key: 'MICA_ITS_2024_2494',
    label: 'MiCA ITS 2024/2494 (NCA ↔ EBA/ESMA)',
    text: 'Acknowledge within 5 working days of receipt (requests between a competent authority and EBA or ESMA).',
    source: 'Commission Implementing Regulation (EU) 2024/2494, Art 5 (handbook §5: springlex)',
    sourceUrl: null,
    workingDays: 5,
  },
  MAR_ITS_2018_292: {
    key: 'MAR_ITS_2018_292',
    label: 'MAR ITS 2018/292',
    text: 'Acknowledge within 10 working days of receipt, with an estimated response date where possible.',
    source: 'Commission Implementing Regulation (EU) 2018/292, Art 4',
    sourceUrl: 'https://judict.eu/en/sla/32014R0596/32018R0292-X/article-4',
    workingDays: 10,
  },
  IOSCO_MMOU: {
    key: 'IOSCO_MMOU',
    label: 'IOSCO MMoU / EMMoU',
    text: 'No fixed deadline; "promptly" in practice (unverified).',
    source: 'IOSCO MMoU (2002, rev. 2012) / EMMoU (2017); handbook §5 gives no source for a deadline',
    sourceUrl: null,
    workingDays: null,
  },
  NONE: {
    key: 'NONE',
    label: 'No fixed deadline',
    text: 'No rule fixes an acknowledgement deadline for this request.',
    source: '—',
    sourceUrl: null,
    workingDays: null,
  },
};

/** Due within this many working days counts as `due_soon`. */
export const DUE_SOON_WORKING_DAYS = 2;

/** The note the UI shows next to due dates. */
export const HOLIDAYS_NOTE = 'Working days are Monday to Friday; public holidays are not taken into account.';

const DAY_MS = 86_400_000;

function toDay(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a date as YYYY-MM-DD: ${JSON.stringify(date)}`);
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date: ${date}`);
  return ms / DAY_MS;
}

const fromDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** 0 = Sunday … 6 = Saturday (1970-01-01, day 0, was a Thursday). */
const weekday = (day: number): number => (((day + 4) % 7) + 7) % 7;

export function isWorkingDay(date: string): boolean {
  const w = weekday(toDay(date));
  return w !== 0 && w !== 6;
}

/** The n-th working day after `date` (n ≥ 0; n = 0 is `date` itself). */
export function addWorkingDays(date: string, n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`addWorkingDays: n must be a whole number ≥ 0, got ${n}`);
  let day = toDay(date);
  for (let left = n; left > 0;) {
    day += 1;
    const w = weekday(day);
    if (w !== 0 && w !== 6) left -= 1;
  }
  return fromDay(day);
}

/**
 * Working days from `from` to `to`: those after `from` up to and including `to` when `to` is later,
 * minus those after `to` up to and including `from` when it is earlier (so Fri → Mon = 1, Mon → Fri = −4).
 */
export function workingDaysBetween(from: string, to: string): number {
  const a = toDay(from);
  const b = toDay(to);
  const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
  let count = 0;
  for (let day = lo + 1; day <= hi; day++) {
    const w = weekday(day);
    if (w !== 0 && w !== 6) count++;
  }
  return sign * count;
}

export interface AckDeadlineInput {
  rule: DeadlineRuleKey;
  direction: RequestDirection;
  sentAt: string | null;
  receivedAt: string | null;
  acknowledgedAt: string | null;
  /** The first partial answer, answer or refusal: it acknowledges the request when no acknowledgement was recorded. */
  firstReplyAt?: string | null;
  /** When the request was withdrawn or closed, if it was. */
  endedAt?: string | null;
  /** The day to judge on (today). */
  asOf: string;
}

const plural = (n: number, word: string) => `${n} working ${word}${n === 1 ? '' : 's'}`;

/** The acknowledgement deadline of a request, and where it stands on `asOf`. */
export function ackDeadline(input: AckDeadlineInput): AckDeadline {
  const rule = deadlineRules[input.rule];
  const clockField = input.direction === 'incoming' ? 'receivedAt' : 'sentAt';
  const clockStart = input.direction === 'incoming' ? input.receivedAt : input.sentAt;
  const base = {
    rule: rule.key,
    ruleLabel: rule.label,
    ruleText: rule.text,
    source: rule.source,
    sourceUrl: rule.sourceUrl,
    workingDays: rule.workingDays,
    clockField,
    clockStart,
    asOf: input.asOf,
  } as const;
  const result = (ackDueAt: string | null, state: AckState, note: string, workingDaysLeft: number | null = null): AckDeadline => ({
    ...base,
    ackDueAt,
    state,
    workingDaysLeft,
    note,
  });

  if (rule.workingDays === null) return result(null, 'not_applicable', `${rule.label}: no fixed acknowledgement deadline.`);
  if (!clockStart) {
    const what = input.direction === 'incoming' ? 'received' : 'sent';
    return result(null, 'not_applicable', `The ${rule.workingDays}-working-day clock starts when the request is ${what}.`);
  }
  const due = addWorkingDays(clockStart, rule.workingDays);
  const ackAt = earliest(input.acknowledgedAt, input.firstReplyAt ?? null);
  if (ackAt !== null) {
    const how =
      input.acknowledgedAt !== null && ackAt === input.acknowledgedAt ? 'Acknowledged' : 'Answered without a separate acknowledgement';
    if (ackAt <= due) {
      const ahead = workingDaysBetween(ackAt, due);
      return result(due, 'met', `${how} on ${ackAt}${ahead > 0 ? `, ${plural(ahead, 'day')} before it was due` : ', the day it was due'}.`);
    }
    return result(due, 'late', `${how} on ${ackAt}, ${plural(workingDaysBetween(due, ackAt), 'day')} after it was due (${due}).`);
  }
  if (input.endedAt) {
    if (input.endedAt <= due) return result(due, 'not_applicable', `Ended on ${input.endedAt}, before an acknowledgement was due.`);
    return result(due, 'late', `Never acknowledged: due ${due}, ended on ${input.endedAt}.`);
  }
  const left = workingDaysBetween(input.asOf, due);
  if (input.asOf > due) return result(due, 'overdue', `Overdue: due ${due}, ${plural(-left, 'day')} ago.`, left);
  if (left <= DUE_SOON_WORKING_DAYS)
    return result(due, 'due_soon', left === 0 ? `Due today (${due}).` : `Due ${due}, in ${plural(left, 'day')}.`, left);
  return result(due, 'not_due', `Due ${due}, in ${plural(left, 'day')}.`, left);
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

/** Today on this machine, as YYYY-MM-DD (the local calendar day, which is what deadlines are counted in). */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Plain words for a state, as grids and screen readers show it (never colour alone). */
export const ackStateLabels: Readonly<Record<AckState, string>> = {
  not_due: 'not due yet',
  due_soon: 'due soon',
  overdue: 'overdue',
  met: 'met',
  late: 'late',
  not_applicable: 'no deadline',
};
