// Acknowledgement deadlines of requests for assistance, from the rules in
// /work/shared/handbook/domain-cooperation.md §5 ("Workflow facts"). Pure functions, no I/O: the
// holiday calendar is passed in (the backend loads and checks resources/calendars/*.json,
// electron/backend/cooperation/calendars.ts).
//
// Working days are Monday to Friday less the public holidays of the authority that must act,
// i.e. the requested one (us for an incoming request, the counterpart for an outgoing one). That
// is how EU law counts them: Regulation (EEC, Euratom) No 1182/71, Art. 2, takes "public
// holidays" to be those of the Member State or institution where the act is to be done
// (https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=CELEX:31971R1182), and the deadline rules
// here are EU acts. An authority without a calendar, or a day in a year its calendar does not
// cover, is counted on weekends only, and the deadline says so (DeadlineCalendar.basis): such a
// due date can come a day or more earlier than the authority's own count, never later.
//
// Counting: the clock starts on the day the request was received (incoming) or sent (outgoing);
// that day is day 0 and the N-th working day after it is the last day to acknowledge. A request
// received on Friday 2026-01-09 under a 5-working-day rule is due on Friday 2026-01-16; one
// received on a Saturday or a holiday counts from the next working day.
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

import type { AckDeadline, AckState, DeadlineCalendar, DeadlineRuleKey, RequestDirection, RequestSummary } from '../contract/requests';

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

/**
 * A holiday calendar as the counting needs it: its holidays by date, the years it covers, and
 * where it comes from (so a deadline can say which calendar it was counted on).
 */
export interface HolidayCalendar {
  id: string;
  name: string;
  sourceUrls: readonly string[];
  /** The day the official lists were read. */
  checkedOn: string;
  /** The years it lists every holiday of; a day outside them is counted weekends only. */
  years: { from: number; to: number };
  /** Holiday name by date (YYYY-MM-DD). */
  holidays: ReadonlyMap<string, string>;
  standsInFor?: string | null;
}

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

const yearOf = (day: number): number => new Date(day * DAY_MS).getUTCFullYear();
const isWeekend = (day: number): boolean => {
  const w = weekday(day);
  return w === 0 || w === 6;
};

/** What the counting met on its way: holidays skipped, and years it had no calendar for. */
interface Tally {
  skipped: Array<{ date: string; name: string }>;
  uncoveredYears: Set<number>;
}

/**
 * Whether `day` is a working day on `calendar` (weekends only without one). A weekday in a year
 * the calendar does not cover counts as working, and the tally notes the year.
 */
function working(day: number, calendar: HolidayCalendar | null | undefined, tally?: Tally): boolean {
  if (isWeekend(day)) return false;
  if (!calendar) return true;
  const year = yearOf(day);
  if (year < calendar.years.from || year > calendar.years.to) {
    tally?.uncoveredYears.add(year);
    return true;
  }
  const date = fromDay(day);
  const holiday = calendar.holidays.get(date);
  if (holiday === undefined) return true;
  tally?.skipped.push({ date, name: holiday });
  return false;
}

/** Monday to Friday, and not a holiday of `calendar` when one is given. */
export function isWorkingDay(date: string, calendar?: HolidayCalendar | null): boolean {
  return working(toDay(date), calendar);
}

function addWorkingDaysTally(date: string, n: number, calendar: HolidayCalendar | null | undefined, tally?: Tally): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`addWorkingDays: n must be a whole number ≥ 0, got ${n}`);
  let day = toDay(date);
  for (let left = n; left > 0;) {
    day += 1;
    if (working(day, calendar, tally)) left -= 1;
  }
  return fromDay(day);
}

/** The n-th working day after `date` (n ≥ 0; n = 0 is `date` itself), skipping weekends and `calendar`'s holidays. */
export function addWorkingDays(date: string, n: number, calendar?: HolidayCalendar | null): string {
  return addWorkingDaysTally(date, n, calendar);
}

/**
 * Working days from `from` to `to`: those after `from` up to and including `to` when `to` is later,
 * minus those after `to` up to and including `from` when it is earlier (so Fri → Mon = 1, Mon → Fri = −4).
 */
export function workingDaysBetween(from: string, to: string, calendar?: HolidayCalendar | null): number {
  const a = toDay(from);
  const b = toDay(to);
  const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
  let count = 0;
  for (let day = lo + 1; day <= hi; day++) if (working(day, calendar)) count++;
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
  /**
   * The holiday calendar of the authority that must act (the requested authority); null or
   * absent when it has none, and the days are then counted weekends only.
   */
  calendar?: HolidayCalendar | null;
  /** That authority's short name, for the note ("counted without a holiday calendar for VARA"). */
  actingAuthority?: string | null;
}

const plural = (n: number, word: string) => `${n} working ${word}${n === 1 ? '' : 's'}`;

/** The acknowledgement deadline of a request, and where it stands on `asOf`. */
export function ackDeadline(input: AckDeadlineInput): AckDeadline {
  const rule = deadlineRules[input.rule];
  const calendar = input.calendar ?? null;
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
  const tally: Tally = { skipped: [], uncoveredYears: new Set() };
  const result = (ackDueAt: string | null, state: AckState, note: string, workingDaysLeft: number | null = null): AckDeadline => ({
    ...base,
    ackDueAt,
    state,
    workingDaysLeft,
    note,
    calendar: deadlineCalendar(calendar, input.actingAuthority ?? null, ackDueAt === null ? null : tally),
  });

  if (rule.workingDays === null) return result(null, 'not_applicable', `${rule.label}: no fixed acknowledgement deadline.`);
  if (!clockStart) {
    const what = input.direction === 'incoming' ? 'received' : 'sent';
    return result(null, 'not_applicable', `The ${rule.workingDays}-working-day clock starts when the request is ${what}.`);
  }
  const due = addWorkingDaysTally(clockStart, rule.workingDays, calendar, tally);
  const between = (from: string, to: string) => workingDaysBetween(from, to, calendar);
  const ackAt = earliest(input.acknowledgedAt, input.firstReplyAt ?? null);
  if (ackAt !== null) {
    const how =
      input.acknowledgedAt !== null && ackAt === input.acknowledgedAt ? 'Acknowledged' : 'Answered without a separate acknowledgement';
    if (ackAt <= due) {
      const ahead = between(ackAt, due);
      return result(due, 'met', `${how} on ${ackAt}${ahead > 0 ? `, ${plural(ahead, 'day')} before it was due` : ', the day it was due'}.`);
    }
    return result(due, 'late', `${how} on ${ackAt}, ${plural(between(due, ackAt), 'day')} after it was due (${due}).`);
  }
  if (input.endedAt) {
    if (input.endedAt <= due) return result(due, 'not_applicable', `Ended on ${input.endedAt}, before an acknowledgement was due.`);
    return result(due, 'late', `Never acknowledged: due ${due}, ended on ${input.endedAt}.`);
  }
  const left = between(input.asOf, due);
  if (input.asOf > due) return result(due, 'overdue', `Overdue: due ${due}, ${plural(-left, 'day')} ago.`, left);
  if (left <= DUE_SOON_WORKING_DAYS)
    return result(due, 'due_soon', left === 0 ? `Due today (${due}).` : `Due ${due}, in ${plural(left, 'day')}.`, left);
  return result(due, 'not_due', `Due ${due}, in ${plural(left, 'day')}.`, left);
}

/**
 * Which calendar a deadline was counted on, in data and in a sentence. `tally` is what counting
 * the period met (null when no due date was computed: then only the calendar is named).
 */
function deadlineCalendar(calendar: HolidayCalendar | null, authority: string | null, tally: Tally | null): DeadlineCalendar {
  if (!calendar) {
    return {
      basis: 'weekends_only',
      authority,
      calendarId: null,
      calendarName: null,
      sourceUrls: [],
      checkedOn: null,
      years: null,
      standsInFor: null,
      holidaysSkipped: [],
      yearsWithoutCalendar: [],
      note: `Counted without a holiday calendar${authority ? ` for ${authority}` : ''}: weekends only.`,
    };
  }
  const uncovered = tally ? [...tally.uncoveredYears].sort((a, b) => a - b) : [];
  const skipped = tally?.skipped ?? [];
  const on = `Counted on the ${calendar.name} calendar${authority ? `, for ${authority}` : ''}`;
  let note: string;
  if (uncovered.length > 0) {
    const span = calendar.years.from === calendar.years.to ? `${calendar.years.from}` : `${calendar.years.from}–${calendar.years.to}`;
    note = `${on}, which covers ${span} only: days in ${uncovered.join(', ')} were counted without it, weekends only.`;
  } else {
    note = `${on}.`;
  }
  if (skipped.length > 0) note += ` Holidays skipped: ${skipped.map((h) => `${h.name} (${h.date})`).join(', ')}.`;
  return {
    basis: uncovered.length > 0 ? 'partly_weekends_only' : 'holiday_calendar',
    authority,
    calendarId: calendar.id,
    calendarName: calendar.name,
    sourceUrls: [...calendar.sourceUrls],
    checkedOn: calendar.checkedOn,
    years: { ...calendar.years },
    standsInFor: calendar.standsInFor ?? null,
    holidaysSkipped: skipped,
    yearsWithoutCalendar: uncovered,
    note,
  };
}

/** The part of a deadline's calendar a grid row carries (RequestSummary.ackCalendar). */
export function ackCalendarSummary(c: DeadlineCalendar): RequestSummary['ackCalendar'] {
  return { basis: c.basis, authority: c.authority, calendarName: c.calendarName, note: c.note };
}

/** "weekends only" or the calendar's name, for a grid cell. */
export function countedOnLabel(c: Pick<DeadlineCalendar, 'basis' | 'calendarName'>): string {
  if (c.basis === 'weekends_only' || c.calendarName === null) return 'weekends only (no holiday calendar)';
  return c.basis === 'partly_weekends_only' ? `${c.calendarName} (partly weekends only)` : c.calendarName;
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
