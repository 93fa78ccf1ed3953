import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  calendarForJurisdiction,
  holidayCalendarFileSchema,
  loadHolidayCalendars,
  shippedCalendarFiles,
  shippedHolidayCalendars,
  type HolidayCalendarFile,
} from '../../../../electron/backend/cooperation/calendars';
import { buildCalendars, easterSunday } from '../../../../electron/scripts/holidayCalendars';
import shippedRegistry from '../../../../resources/cooperation/registry.json';

const dir = path.resolve(import.meta.dirname, '../../../../resources/calendars');
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const read = (f: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
const parsed = (id: string): HolidayCalendarFile => holidayCalendarFileSchema.parse(read(`${id}.json`));
const datesIn = (id: string, year: number) => parsed(id).holidays.filter((h) => h.date.startsWith(`${year}-`));
const dates = (id: string, year: number) => datesIn(id, year).map((h) => h.date.slice(5));

describe('the calendar files', () => {
  it('every file passes the schema, and is one the backend loads (named by its id)', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const result = holidayCalendarFileSchema.safeParse(read(f));
      expect(result.success, `${f}: ${result.success ? '' : JSON.stringify(result.error.issues[0])}`).toBe(true);
      expect(`${(read(f) as { id: string }).id}.json`).toBe(f);
    }
    // calendars.ts imports each file by name: one missing there would never be used.
    expect(shippedCalendarFiles.map((c) => `${(c as { id: string }).id}.json`).sort()).toEqual(files);
    expect(shippedHolidayCalendars().byId.size).toBe(files.length);
  });

  it('each date is in its calendar’s years, listed once, in order; every covered year has holidays', () => {
    for (const f of files) {
      const c = holidayCalendarFileSchema.parse(read(f));
      expect(c.years.from).toBeLessThanOrEqual(2024);
      expect(c.years.to).toBeGreaterThanOrEqual(2027);
      expect(c.checkedOn).toBe('2026-12-05');
      expect(c.sources.length).toBeGreaterThan(0);
      const list = c.holidays.map((h) => h.date);
      expect(new Set(list).size, `${f}: a date twice`).toBe(list.length);
      expect([...list].sort(), `${f}: out of order`).toEqual(list);
      for (const d of list) expect(Number(d.slice(0, 4)), `${f}: ${d}`).toBeGreaterThanOrEqual(c.years.from);
      for (const d of list) expect(Number(d.slice(0, 4)), `${f}: ${d}`).toBeLessThanOrEqual(c.years.to);
    }
  });

  it('are what the generator’s rules give (electron/scripts/holidayCalendars.ts): regenerate, never hand-edit', () => {
    const generated = buildCalendars();
    expect(generated.map((c) => `${c.id}.json`).sort()).toEqual(files);
    for (const c of generated) expect(read(`${c.id}.json`), c.id).toEqual(c);
  });

  it('the schema refuses a file with a date twice, a date outside its years, no source, or an empty year', () => {
    const good = parsed('target2');
    const issue = (bad: unknown) => {
      const r = holidayCalendarFileSchema.safeParse(bad);
      return r.success ? 'accepted' : r.error.issues.map((i) => i.message).join('; ');
    };
    expect(issue({ ...good, holidays: [good.holidays[0], ...good.holidays] })).toMatch(/listed twice/);
    expect(issue({ ...good, holidays: [...good.holidays, { date: '2028-01-01', name: 'x' }] })).toMatch(/outside the years covered/);
    expect(issue({ ...good, sources: [] })).not.toBe('accepted');
    expect(issue({ ...good, sources: [{ title: 'x', url: 'http://example.org' }] })).not.toBe('accepted');
    expect(issue({ ...good, holidays: good.holidays.filter((h) => !h.date.startsWith('2025-')) })).toMatch(/no holiday listed in 2025/);
    expect(issue({ ...good, holidays: [...good.holidays].reverse() })).toMatch(/out of order/);
    expect(issue({ ...good, holidays: [{ date: '2025-02-30', name: 'x' }] })).toMatch(/not a calendar date/);
    expect(() => loadHolidayCalendars([good, { ...good, id: 'other' }])).toThrow(/Jurisdiction EU has two holiday calendars/);
    expect(() => loadHolidayCalendars([{ ...good, years: { from: 2024 } }])).toThrow(/Holiday calendar "target2" is not valid: years.to/);
  });
});

describe('the dates, against the official lists', () => {
  it('Easter (Gregorian) on known dates', () => {
    expect(['2000', '2019', '2024', '2025', '2026', '2027', '2038'].map((y) => easterSunday(Number(y)))).toEqual([
      '2000-04-23',
      '2019-04-21',
      '2024-03-31',
      '2025-04-20',
      '2026-04-05',
      '2027-03-28',
      '2038-04-25',
    ]);
  });

  it('TARGET2: the six closing days (ECB)', () => {
    expect(dates('target2', 2026)).toEqual(['01-01', '04-03', '04-06', '05-01', '12-25', '12-26']);
    expect(dates('target2', 2024)).toEqual(['01-01', '03-29', '04-01', '05-01', '12-25', '12-26']);
  });

  it('US: OPM’s observed days, Juneteenth, and no executive-order closures', () => {
    expect(dates('us-federal', 2026)).toEqual([
      '01-01',
      '01-19',
      '02-16',
      '05-25',
      '06-19',
      '07-03',
      '09-07',
      '10-12',
      '11-11',
      '11-26',
      '12-25',
    ]);
    // 2027: Juneteenth on a Saturday (Fri 18), 4 July on a Sunday (Mon 5), Christmas on a Saturday (Fri 24),
    // and New Year's Day 2028 on a Saturday (Fri 31 December 2027).
    expect(dates('us-federal', 2027)).toEqual([
      '01-01',
      '01-18',
      '02-15',
      '05-31',
      '06-18',
      '07-05',
      '09-06',
      '10-11',
      '11-11',
      '11-25',
      '12-24',
      '12-31',
    ]);
    const all = parsed('us-federal').holidays.map((h) => h.date);
    for (const closure of ['2024-12-24', '2025-01-09', '2025-12-24', '2025-12-26']) expect(all).not.toContain(closure);
  });

  it('England and Wales: gov.uk’s eight bank holidays a year, substitute days at Christmas', () => {
    expect(dates('gb-eaw', 2025)).toEqual(['01-01', '04-18', '04-21', '05-05', '05-26', '08-25', '12-25', '12-26']);
    expect(dates('gb-eaw', 2026)).toEqual(['01-01', '04-03', '04-06', '05-04', '05-25', '08-31', '12-25', '12-28']);
    expect(dates('gb-eaw', 2027)).toEqual(['01-01', '03-26', '03-29', '05-03', '05-31', '08-30', '12-27', '12-28']);
  });

  it('Germany: the nine nationwide days', () => {
    expect(dates('de', 2027)).toEqual(['01-01', '03-26', '03-29', '05-01', '05-06', '05-17', '10-03', '12-25', '12-26']);
  });

  it('France: the eleven days of L3133-1', () => {
    expect(dates('fr', 2025)).toEqual(['01-01', '04-21', '05-01', '05-08', '05-29', '06-09', '07-14', '08-15', '11-01', '11-11', '12-25']);
  });

  it('Italy: 4 October from 2026 only', () => {
    expect(dates('it', 2025)).not.toContain('10-04');
    expect(dates('it', 2026)).toEqual([
      '01-01',
      '01-06',
      '04-06',
      '04-25',
      '05-01',
      '06-02',
      '08-15',
      '10-04',
      '11-01',
      '12-08',
      '12-25',
      '12-26',
    ]);
  });

  it('Netherlands: King’s Day on Saturday 26 April when the 27th is a Sunday (2025)', () => {
    expect(dates('nl', 2025)).toEqual(['01-01', '04-18', '04-21', '04-26', '05-05', '05-29', '06-09', '12-25', '12-26']);
  });

  it('Belgium: ten legal holidays', () => {
    expect(dates('be', 2026)).toEqual(['01-01', '04-06', '05-01', '05-14', '05-25', '07-21', '08-15', '11-01', '11-11', '12-25']);
  });

  it('Ireland: St Brigid’s Day on the first Monday of February (1 February 2027 is one)', () => {
    expect([2024, 2025, 2026, 2027].map((y) => datesIn('ie', y).find((h) => h.name === 'St Brigid’s Day')?.date)).toEqual([
      '2024-02-05',
      '2025-02-03',
      '2026-02-02',
      '2027-02-01',
    ]);
    expect(dates('ie', 2025)).toEqual(['01-01', '02-03', '03-17', '04-21', '05-05', '06-02', '08-04', '10-27', '12-25', '12-26']);
  });

  it('Malta: fourteen holidays, none moved', () => {
    for (const y of [2024, 2025, 2026, 2027]) expect(dates('mt', y)).toHaveLength(14);
    expect(dates('mt', 2026)).toContain('04-03');
  });

  it('Bern: 2 January and 26 December, no Corpus Christi', () => {
    expect(dates('ch-be', 2026)).toEqual(['01-01', '01-02', '04-03', '04-06', '05-14', '05-25', '08-01', '12-25', '12-26']);
  });

  it('Japan: the Cabinet Office’s 2027 list, with the substitute Monday 22 March, and the administrative year end', () => {
    const national = datesIn('jp', 2027)
      .filter((h) => !/administrative organs/.test(h.name))
      .map((h) => h.date.slice(5));
    expect(national).toEqual([
      '01-01',
      '01-11',
      '02-11',
      '02-23',
      '03-21',
      '03-22',
      '04-29',
      '05-03',
      '05-04',
      '05-05',
      '07-19',
      '08-11',
      '09-20',
      '09-23',
      '10-11',
      '11-03',
      '11-23',
    ]);
    expect(datesIn('jp', 2026).find((h) => h.date === '2026-09-22')?.name).toBe('Citizens’ holiday');
    expect(dates('jp', 2026)).toEqual(expect.arrayContaining(['01-02', '01-03', '12-29', '12-30', '12-31']));
  });
});

describe('which calendar an authority counts on', () => {
  /** Every authority of the shipped registry, with the calendar its jurisdiction maps to (null: none, weekends only). */
  const expected: Record<string, string | null> = {
    SEC: 'us-federal',
    CFTC: 'us-federal',
    ESMA: 'target2',
    EBA: 'target2',
    BaFin: 'de',
    'AMF-FR': 'fr',
    CONSOB: 'it',
    AFM: 'nl',
    CySEC: null,
    CBI: 'ie',
    MFSA: 'mt',
    FCA: 'gb-eaw',
    FINMA: 'ch-be',
    MAS: null,
    SFC: null,
    JFSA: 'jp',
    ASIC: null,
    OSC: null,
    'AMF-QC': null,
    VARA: null,
    SCA: null,
    DFSA: null,
    FSRA: null,
    SCB: null,
    CIMA: null,
    'FSA-SC': null,
    'BVI FSC': null,
    BMA: null,
    GFSC: null,
    'FSMA-BE': 'be',
  };

  it('maps every registry authority through its jurisdiction', () => {
    const actual = Object.fromEntries(
      shippedRegistry.authorities.map((a) => [a.short, calendarForJurisdiction(a.jurisdiction)?.id ?? null]),
    );
    expect(actual).toEqual(expected);
  });

  it('every calendar serves at least one jurisdiction of the registry', () => {
    const used = new Set(shippedRegistry.authorities.map((a) => calendarForJurisdiction(a.jurisdiction)?.id));
    for (const id of shippedHolidayCalendars().byId.keys()) expect(used, id).toContain(id);
  });

  it('no calendar for an unknown or missing jurisdiction, and no parent fallback', () => {
    expect(calendarForJurisdiction('XA')).toBeNull();
    expect(calendarForJurisdiction(null)).toBeNull();
    expect(calendarForJurisdiction('CA-ON')).toBeNull();
  });
});
