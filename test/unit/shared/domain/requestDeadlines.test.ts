import { describe, expect, it } from 'vitest';
import { deadlineRuleKeys } from '../../../../shared/contract/requests';
import {
  ackDeadline,
  addWorkingDays,
  deadlineRules,
  isWorkingDay,
  localToday,
  workingDaysBetween,
  type AckDeadlineInput,
} from '../../../../shared/domain/requestDeadlines';

// 2026-01-09 is a Friday; 2026-01-31 a Saturday; 2026-02-28 a Saturday; 2024-02-29 a Thursday.

describe('working days (Monday to Friday, no holidays)', () => {
  it('knows weekends', () => {
    expect(['2026-01-09', '2026-01-12'].map(isWorkingDay)).toEqual([true, true]);
    expect(['2026-01-10', '2026-01-11'].map(isWorkingDay)).toEqual([false, false]);
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
    expect(addWorkingDays('2025-12-29', 5)).toBe('2026-01-05'); // holidays (1 Jan) are not modelled
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

describe('localToday', () => {
  it('is the local calendar date', () => {
    expect(localToday(new Date(2026, 0, 9, 23, 59))).toBe('2026-01-09');
    expect(localToday(new Date(2026, 11, 31, 0, 1))).toBe('2026-12-31');
  });
});
