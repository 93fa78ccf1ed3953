import { describe, expect, it } from 'vitest';
import { shippedHolidayCalendars } from '../../../../electron/backend/cooperation/calendars';
import { deadlineRuleKeys } from '../../../../shared/contract/requests';
import {
  ackDeadline,
  addWorkingDays,
  countedOnLabel,
  deadlineRules,
  isWorkingDay,
  localToday,
  workingDaysBetween,
  type AckDeadlineInput,
  type HolidayCalendar,
} from '../../../../shared/domain/requestDeadlines';

// 2026-01-09 is a Friday; 2026-01-31 a Saturday; 2026-02-28 a Saturday; 2024-02-29 a Thursday.

describe('working days without a calendar (Monday to Friday)', () => {
  it('knows weekends', () => {
    expect(['2026-01-09', '2026-01-12'].map((d) => isWorkingDay(d))).toEqual([true, true]);
    expect(['2026-01-10', '2026-01-11'].map((d) => isWorkingDay(d))).toEqual([false, false]);
  });

  it('adds working days, skipping weekends, counting from the day after', () => {
    expect(addWorkingDays('2026-01-09', 0)).toBe('2026-01-09');
    expect(addWorkingDays('2026-01-09', 1)).toBe('2026-01-12'); // Fri → Mon
    expect(addWorkingDays('2026-01-09', 5)).toBe('2026-01-16'); // Fri → next Fri
    expect(addWorkingDays('2026-01-10', 1)).toBe('2026-01-12'); // Sat → Mon
    expect(addWorkingDays('2026-01-11', 5)).toBe('2026-01-16'); // Sun → Fri
    expect(addWorkingDays('2026-01-12', 10)).toBe('2026-01-26'); // Mon → Mon two weeks on
  });

  it('crosses month and year ends and leap days', () => {
    expect(addWorkingDays('2026-01-29', 5)).toBe('2026-02-05'); // Thu 29 Jan → Thu 5 Feb
    expect(addWorkingDays('2026-01-31', 5)).toBe('2026-02-06'); // Sat → Fri
    expect(addWorkingDays('2026-02-26', 5)).toBe('2026-03-05');
    expect(addWorkingDays('2024-02-27', 2)).toBe('2024-02-29');
    expect(addWorkingDays('2025-12-29', 5)).toBe('2026-01-05'); // without a calendar, 1 January is a working day
  });

  it('counts working days between two dates, signed', () => {
    expect(workingDaysBetween('2026-01-09', '2026-01-12')).toBe(1);
    expect(workingDaysBetween('2026-01-12', '2026-01-16')).toBe(4);
    expect(workingDaysBetween('2026-01-16', '2026-01-12')).toBe(-4);
    expect(workingDaysBetween('2026-01-10', '2026-01-11')).toBe(0);
    expect(workingDaysBetween('2026-01-16', '2026-01-16')).toBe(0);
  });

  it('refuses what is not a calendar date', () => {
    expect(() => addWorkingDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addWorkingDays('9 Jan 2026', 1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-01-09', -1)).toThrow(RangeError);
  });
});

describe('the rules', () => {
  it('defines every rule key, with its source, and only the handbook’s working-day counts', () => {
    expect(Object.keys(deadlineRules).sort()).toEqual([...deadlineRuleKeys].sort());
    expect(deadlineRules.MICA_ITS_2024_2545.workingDays).toBe(5);
    expect(deadlineRules.MICA_ITS_2024_2494.workingDays).toBe(5);
    expect(deadlineRules.MAR_ITS_2018_292.workingDays).toBe(10);
    expect(deadlineRules.IOSCO_MMOU.workingDays).toBeNull();
    expect(deadlineRules.NONE.workingDays).toBeNull();
    expect(deadlineRules.MAR_ITS_2018_292.sourceUrl).toBe('https://judict.eu/en/sla/32014R0596/32018R0292-X/article-4');
    for (const rule of Object.values(deadlineRules)) expect(rule.source).not.toBe('');
  });
});

const incoming = (over: Partial<AckDeadlineInput> = {}): AckDeadlineInput => ({
  rule: 'MICA_ITS_2024_2545',
  direction: 'incoming',
  sentAt: null,
  receivedAt: '2026-01-09',
  acknowledgedAt: null,
  asOf: '2026-01-12',
  ...over,
});

describe('ackDeadline', () => {
  it('MiCA: received Friday 2026-01-09, due Friday 2026-01-16', () => {
    const d = ackDeadline(incoming());
    expect(d).toMatchObject({
      ackDueAt: '2026-01-16',
      clockField: 'receivedAt',
      clockStart: '2026-01-09',
      workingDays: 5,
      state: 'not_due',
    });
    expect(d.workingDaysLeft).toBe(4);
    expect(d.source).toMatch(/2024\/2545/);
  });

  it('MAR: 10 working days', () => {
    expect(ackDeadline(incoming({ rule: 'MAR_ITS_2018_292' })).ackDueAt).toBe('2026-01-23');
  });

  it('the exact boundary: due today is not overdue, the next day is', () => {
    expect(ackDeadline(incoming({ asOf: '2026-01-16' }))).toMatchObject({
      state: 'due_soon',
      workingDaysLeft: 0,
      note: 'Due today (2026-01-16).',
    });
    expect(ackDeadline(incoming({ asOf: '2026-01-17' }))).toMatchObject({ state: 'overdue' });
    expect(ackDeadline(incoming({ asOf: '2026-01-19' }))).toMatchObject({ state: 'overdue', workingDaysLeft: -1 });
  });

  it('due soon within 2 working days, across a weekend', () => {
    expect(ackDeadline(incoming({ asOf: '2026-01-13' })).state).toBe('not_due'); // Tue: 3 left
    expect(ackDeadline(incoming({ asOf: '2026-01-14' })).state).toBe('due_soon'); // Wed: 2 left
    // Received Wed 2026-01-07 → due Wed 2026-01-14: on Sat 10, three working days remain (Mon, Tue, Wed).
    const wed = incoming({ receivedAt: '2026-01-07' });
    expect(ackDeadline({ ...wed, asOf: '2026-01-10' })).toMatchObject({ ackDueAt: '2026-01-14', state: 'not_due', workingDaysLeft: 3 });
    expect(ackDeadline({ ...wed, asOf: '2026-01-12' })).toMatchObject({ state: 'due_soon', workingDaysLeft: 2 });
  });

  it('counts from a month end', () => {
    expect(ackDeadline(incoming({ receivedAt: '2026-01-30', asOf: '2026-02-06' }))).toMatchObject({
      ackDueAt: '2026-02-06',
      state: 'due_soon',
    });
    expect(ackDeadline(incoming({ receivedAt: '2026-01-30', asOf: '2026-02-07' })).state).toBe('overdue');
  });

  it('outgoing requests count from the date sent', () => {
    const d = ackDeadline({ ...incoming(), direction: 'outgoing', sentAt: '2026-01-09', receivedAt: null });
    expect(d).toMatchObject({ clockField: 'sentAt', clockStart: '2026-01-09', ackDueAt: '2026-01-16' });
    const draft = ackDeadline({ ...incoming(), direction: 'outgoing', sentAt: null, receivedAt: null });
    expect(draft).toMatchObject({ state: 'not_applicable', ackDueAt: null });
    expect(draft.note).toMatch(/starts when the request is sent/);
  });

  it('acknowledged on or before the due date is met; after it, late', () => {
    expect(ackDeadline(incoming({ acknowledgedAt: '2026-01-16', asOf: '2026-03-01' }))).toMatchObject({
      state: 'met',
      workingDaysLeft: null,
    });
    expect(ackDeadline(incoming({ acknowledgedAt: '2026-01-12', asOf: '2026-03-01' })).note).toBe(
      'Acknowledged on 2026-01-12, 4 working days before it was due.',
    );
    const late = ackDeadline(incoming({ acknowledgedAt: '2026-01-19', asOf: '2026-03-01' }));
    expect(late).toMatchObject({ state: 'late', ackDueAt: '2026-01-16' });
    expect(late.note).toBe('Acknowledged on 2026-01-19, 1 working day after it was due (2026-01-16).');
  });

  it('a first answer or refusal stands for the acknowledgement when none was recorded', () => {
    expect(ackDeadline(incoming({ firstReplyAt: '2026-01-15', asOf: '2026-02-01' }))).toMatchObject({ state: 'met' });
    const late = ackDeadline(incoming({ firstReplyAt: '2026-01-20', asOf: '2026-02-01' }));
    expect(late.state).toBe('late');
    expect(late.note).toMatch(/^Answered without a separate acknowledgement/);
    // The earlier of the two counts.
    expect(ackDeadline(incoming({ acknowledgedAt: '2026-01-20', firstReplyAt: '2026-01-14', asOf: '2026-02-01' })).state).toBe('met');
  });

  it('a request ended unacknowledged: late after the due date, not applicable before', () => {
    expect(ackDeadline(incoming({ endedAt: '2026-01-13', asOf: '2026-03-01' })).state).toBe('not_applicable');
    expect(ackDeadline(incoming({ endedAt: '2026-01-20', asOf: '2026-03-01' })).state).toBe('late');
  });

  it('no fixed deadline under the IOSCO MMoU or no rule', () => {
    for (const rule of ['IOSCO_MMOU', 'NONE'] as const) {
      const d = ackDeadline(incoming({ rule, asOf: '2027-01-01' }));
      expect(d).toMatchObject({ state: 'not_applicable', ackDueAt: null, workingDays: null });
    }
  });
});

// The shipped calendars (resources/calendars), so each case checks the data and the counting
// together. Every expected date below was counted by hand on a wall calendar, day by day.
const calendar = (id: string): HolidayCalendar => {
  const c = shippedHolidayCalendars().byId.get(id);
  if (!c) throw new Error(`no shipped calendar ${id}`);
  return c;
};

describe('working days on a holiday calendar', () => {
  it('skips the calendar’s holidays as well as weekends', () => {
    const de = calendar('de');
    expect(isWorkingDay('2025-04-18', de)).toBe(false); // Good Friday
    expect(isWorkingDay('2025-04-18')).toBe(true); // without a calendar
    expect(isWorkingDay('2025-04-22', de)).toBe(true);
    // Mon 29 Dec 2025 + 5 on TARGET2: Tue 30, Wed 31, (Thu 1 Jan closed), Fri 2, Mon 5, Tue 6.
    expect(addWorkingDays('2025-12-29', 5, calendar('target2'))).toBe('2026-01-06');
    // Thu 17 → Tue 22 April 2025 across Good Friday and Easter Monday: one working day.
    expect(workingDaysBetween('2025-04-17', '2025-04-22', de)).toBe(1);
    expect(workingDaysBetween('2025-04-22', '2025-04-17', de)).toBe(-1);
  });

  it('MiCA, BaFin received Thursday 2025-04-17: Good Friday and Easter Monday skipped, due Monday 2025-04-28', () => {
    // Day 0 Thu 17; Fri 18 Good Friday; Mon 21 Easter Monday; then Tue 22 (1), Wed 23 (2), Thu 24 (3), Fri 25 (4), Mon 28 (5).
    const input = incoming({ receivedAt: '2025-04-17', asOf: '2025-04-22', calendar: calendar('de'), actingAuthority: 'BaFin' });
    const d = ackDeadline(input);
    expect(d).toMatchObject({ ackDueAt: '2025-04-28', state: 'not_due', workingDaysLeft: 4 });
    expect(d.calendar).toMatchObject({
      basis: 'holiday_calendar',
      authority: 'BaFin',
      calendarId: 'de',
      calendarName: 'German nationwide public holidays',
      checkedOn: '2026-12-05',
      years: { from: 2024, to: 2027 },
      yearsWithoutCalendar: [],
      holidaysSkipped: [
        { date: '2025-04-18', name: 'Good Friday (Karfreitag)' },
        { date: '2025-04-21', name: 'Easter Monday (Ostermontag)' },
      ],
    });
    expect(d.calendar.sourceUrls.length).toBeGreaterThan(0);
    expect(d.calendar.note).toBe(
      'Counted on the German nationwide public holidays calendar, for BaFin. ' +
        'Holidays skipped: Good Friday (Karfreitag) (2025-04-18), Easter Monday (Ostermontag) (2025-04-21).',
    );
    // Weekends only, the same request would have been due Thursday 2025-04-24.
    expect(ackDeadline({ ...input, calendar: null }).ackDueAt).toBe('2025-04-24');
    // Due soon from Thursday 24 (Fri 25 and Mon 28 left); met when acknowledged on Tue 22, 4 working days ahead.
    expect(ackDeadline({ ...input, asOf: '2025-04-24' })).toMatchObject({ state: 'due_soon', workingDaysLeft: 2 });
    expect(ackDeadline({ ...input, acknowledgedAt: '2025-04-22', asOf: '2025-05-30' }).note).toBe(
      'Acknowledged on 2025-04-22, 4 working days before it was due.',
    );
    // Acknowledged on Tue 29: one working day late.
    expect(ackDeadline({ ...input, acknowledgedAt: '2025-04-29', asOf: '2025-05-30' }).note).toBe(
      'Acknowledged on 2025-04-29, 1 working day after it was due (2025-04-28).',
    );
  });

  it('EU bodies count on TARGET2 closing days, which say what they stand in for', () => {
    const d = ackDeadline(incoming({ receivedAt: '2025-04-17', calendar: calendar('target2'), actingAuthority: 'ESMA' }));
    expect(d.ackDueAt).toBe('2025-04-28');
    expect(d.calendar.calendarName).toBe('TARGET2 (T2) closing days');
    expect(d.calendar.standsInFor).toMatch(/ESMA and EBA/);
  });

  it('US: an outgoing request to the SEC sent Wednesday 2025-11-26 skips Thanksgiving, due Thursday 2025-12-04', () => {
    // Day 0 Wed 26; Thu 27 Thanksgiving; Fri 28 (1), Mon 1 Dec (2), Tue 2 (3), Wed 3 (4), Thu 4 (5).
    const d = ackDeadline({
      ...incoming(),
      direction: 'outgoing',
      sentAt: '2025-11-26',
      receivedAt: null,
      asOf: '2025-12-01',
      calendar: calendar('us-federal'),
      actingAuthority: 'SEC',
    });
    expect(d.ackDueAt).toBe('2025-12-04');
    expect(d.calendar.holidaysSkipped).toEqual([{ date: '2025-11-27', name: 'Thanksgiving Day' }]);
  });

  it('UK: MAR, the FCA received Friday 2025-08-22, skips the summer bank holiday, due Monday 2025-09-08', () => {
    // Day 0 Fri 22; Mon 25 summer bank holiday; Tue 26 (1) … Fri 29 (4), Mon 1 Sep (5) … Fri 5 (9), Mon 8 (10).
    const d = ackDeadline(
      incoming({
        rule: 'MAR_ITS_2018_292',
        receivedAt: '2025-08-22',
        asOf: '2025-08-26',
        calendar: calendar('gb-eaw'),
        actingAuthority: 'FCA',
      }),
    );
    expect(d.ackDueAt).toBe('2025-09-08');
    expect(d.calendar.holidaysSkipped).toEqual([{ date: '2025-08-25', name: 'Summer bank holiday' }]);
    expect(ackDeadline(incoming({ rule: 'MAR_ITS_2018_292', receivedAt: '2025-08-22' })).ackDueAt).toBe('2025-09-05');
  });

  it('Italy: 4 October is a holiday again from 2026 (Law 151/2025)', () => {
    // CONSOB received Fri 1 Oct 2027; Mon 4 St Francis; Tue 5 (1) … Fri 8 (4), Mon 11 (5).
    const d = ackDeadline(incoming({ receivedAt: '2027-10-01', calendar: calendar('it'), actingAuthority: 'CONSOB' }));
    expect(d.ackDueAt).toBe('2027-10-11');
  });

  it('Japan: administrative organs close from 29 December to 3 January', () => {
    // JFSA received Fri 25 Dec 2026; Mon 28 (1); 29 Dec–3 Jan closed; Mon 4 (2), Tue 5 (3), Wed 6 (4), Thu 7 (5).
    const d = ackDeadline(incoming({ receivedAt: '2026-12-25', calendar: calendar('jp'), actingAuthority: 'JFSA' }));
    expect(d.ackDueAt).toBe('2027-01-07');
    expect(d.calendar.holidaysSkipped.map((h) => h.date)).toEqual(['2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01']);
  });

  it('an authority without a calendar is counted on weekends only, and the deadline says so', () => {
    const d = ackDeadline(incoming({ receivedAt: '2025-04-17', calendar: null, actingAuthority: 'VARA' }));
    expect(d.ackDueAt).toBe('2025-04-24');
    expect(d.calendar).toMatchObject({
      basis: 'weekends_only',
      authority: 'VARA',
      calendarId: null,
      calendarName: null,
      holidaysSkipped: [],
      note: 'Counted without a holiday calendar for VARA: weekends only.',
    });
    expect(countedOnLabel(d.calendar)).toBe('weekends only (no holiday calendar)');
    // Without a calendar or an authority (older callers): still said.
    expect(ackDeadline(incoming()).calendar.note).toBe('Counted without a holiday calendar: weekends only.');
  });

  it('a day outside the calendar’s years counts as “no calendar” for that day, and the deadline is flagged', () => {
    // MAR, FCA received Mon 27 Dec 2027: Tue 28 substitute Boxing Day; Wed 29 (1), Thu 30 (2), Fri 31 (3);
    // 2028 is not covered: Mon 3 Jan (4) though it is in fact a bank holiday, Tue 4 (5) … Fri 7 (8), Mon 10 (9), Tue 11 (10).
    const d = ackDeadline(
      incoming({ rule: 'MAR_ITS_2018_292', receivedAt: '2027-12-27', calendar: calendar('gb-eaw'), actingAuthority: 'FCA' }),
    );
    expect(d.ackDueAt).toBe('2028-01-11');
    expect(d.calendar).toMatchObject({
      basis: 'partly_weekends_only',
      yearsWithoutCalendar: [2028],
      holidaysSkipped: [{ date: '2027-12-28', name: 'Boxing Day (substitute day)' }],
    });
    expect(d.calendar.note).toBe(
      'Counted on the England and Wales bank holidays calendar, for FCA, which covers 2024–2027 only: days in 2028 were counted ' +
        'without it, weekends only. Holidays skipped: Boxing Day (substitute day) (2027-12-28).',
    );
    expect(countedOnLabel(d.calendar)).toBe('England and Wales bank holidays (partly weekends only)');
    // A small calendar of one year: a holiday listed outside it would not count, a weekday outside it is a working day.
    const tiny: HolidayCalendar = {
      id: 'tiny',
      name: 'Tiny',
      sourceUrls: ['https://example.org'],
      checkedOn: '2026-12-05',
      years: { from: 2026, to: 2026 },
      holidays: new Map([['2026-12-31', 'Last day']]),
    };
    expect(isWorkingDay('2026-12-31', tiny)).toBe(false);
    expect(isWorkingDay('2025-12-31', tiny)).toBe(true);
    expect(addWorkingDays('2026-12-30', 1, tiny)).toBe('2027-01-01');
  });

  it('names the calendar even before the clock starts', () => {
    const draft = ackDeadline({
      ...incoming(),
      direction: 'outgoing',
      sentAt: null,
      receivedAt: null,
      calendar: calendar('us-federal'),
      actingAuthority: 'CFTC',
    });
    expect(draft.ackDueAt).toBeNull();
    expect(draft.calendar).toMatchObject({ basis: 'holiday_calendar', calendarId: 'us-federal', holidaysSkipped: [] });
    expect(draft.calendar.note).toBe('Counted on the US federal holidays calendar, for CFTC.');
  });
});

describe('localToday', () => {
  it('is the local calendar date', () => {
    expect(localToday(new Date(2026, 0, 9, 23, 59))).toBe('2026-01-09');
    expect(localToday(new Date(2026, 11, 31, 0, 1))).toBe('2026-12-31');
  });
});
