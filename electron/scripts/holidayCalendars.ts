// Generates the holiday calendars under resources/calendars/ from the rules their official
// sources state, so the data can be re-derived and reviewed rule by rule instead of trusting
// hand-typed dates. Movable feasts come from Easter (Gregorian computus below); the only dates
// typed in by hand are those no rule yields (Japan's equinox days, which the National
// Astronomical Observatory of Japan fixes each February for the following year).
//
//   npx tsx electron/scripts/holidayCalendars.ts          writes resources/calendars/*.json
//   npx tsx electron/scripts/holidayCalendars.ts --check  fails if a file differs from what the rules give
//
// Self-contained on purpose (electron/scripts may import nothing of ours, architecture.md); the
// backend checks every file against its schema when it loads them
// (electron/backend/cooperation/calendars.ts), and test/unit/backend/cooperation/calendars.test.ts
// checks the files against this generator and against dates read off the official lists.
//
// Each calendar lists the dates its source lists, in the way the source lists them: gov.uk and
// OPM give the weekday a holiday is observed on, the statutes of the other countries give the
// day itself (a holiday on a Saturday or Sunday is harmless there: weekends are not working days
// anyway). What a calendar leaves out is said in its `notIncluded`.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The date the sources were last read (the lists below were checked against them that day). */
export const CHECKED_ON = '2026-12-05';
export const FIRST_YEAR = 2024;
export const LAST_YEAR = 2027;
export const CALENDAR_FORMAT = 'concordat-holiday-calendar';

export interface CalendarFile {
  format: typeof CALENDAR_FORMAT;
  formatVersion: 1;
  id: string;
  name: string;
  /** Registry jurisdiction codes whose authorities count working days on this calendar. */
  jurisdictions: string[];
  /** Whose days off these are, in a sentence. */
  scope: string;
  /** Set when the calendar stands in for one that is not published (the EU bodies' staff calendars). */
  standsInFor: string | null;
  sources: Array<{ title: string; url: string }>;
  checkedOn: string;
  years: { from: number; to: number };
  /** The rule each date comes from, as the sources state it. */
  rules: string[];
  /** What is deliberately left out, and why. */
  notIncluded: string[];
  generatedBy: string;
  holidays: Array<{ date: string; name: string }>;
}

// ------------------------------------------------------------------------------------------------
// Date arithmetic (UTC days; no time zones involved)
// ------------------------------------------------------------------------------------------------

type Day = { y: number; m: number; d: number };
const utc = ({ y, m, d }: Day) => Date.UTC(y, m - 1, d);
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const DAY_MS = 86_400_000;
const date = (y: number, m: number, d: number) => iso(Date.UTC(y, m - 1, d));
const plusDays = (isoDate: string, n: number) => iso(Date.parse(`${isoDate}T00:00:00Z`) + n * DAY_MS);
/** 0 = Sunday … 6 = Saturday. */
const weekdayOf = (isoDate: string) => new Date(`${isoDate}T00:00:00Z`).getUTCDay();

/** The n-th `weekday` (0 = Sunday) of a month; n = -1 is the last one. */
function nthWeekday(y: number, m: number, weekday: number, n: number): string {
  if (n > 0) {
    const first = weekdayOf(date(y, m, 1));
    return date(y, m, 1 + ((weekday - first + 7) % 7) + (n - 1) * 7);
  }
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const last = weekdayOf(date(y, m, lastDay));
  return date(y, m, lastDay - ((last - weekday + 7) % 7));
}

/**
 * Easter Sunday (Gregorian), by the anonymous algorithm published in Nature in 1876 and known
 * as Meeus/Jones/Butcher (J. Meeus, Astronomical Algorithms, ch. 8). Western churches' Easter,
 * which every calendar here uses.
 */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(utc({ y: year, m: month, d: day }));
}

const years = (): number[] => Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => FIRST_YEAR + i);
const inRange = (isoDate: string) => Number(isoDate.slice(0, 4)) >= FIRST_YEAR && Number(isoDate.slice(0, 4)) <= LAST_YEAR;
const MON = 1;
const THU = 4;
const SAT = 6;
const SUN = 0;

type Holiday = { date: string; name: string };
const sorted = (list: Holiday[]): Holiday[] => [...list].sort((a, b) => a.date.localeCompare(b.date) || a.name.localeCompare(b.name));

function calendar(
  c: Omit<CalendarFile, 'format' | 'formatVersion' | 'checkedOn' | 'years' | 'generatedBy' | 'holidays' | 'standsInFor'> & {
    standsInFor?: string;
    holidays: (year: number) => Holiday[];
  },
): CalendarFile {
  return {
    format: CALENDAR_FORMAT,
    formatVersion: 1,
    id: c.id,
    name: c.name,
    jurisdictions: c.jurisdictions,
    scope: c.scope,
    standsInFor: c.standsInFor ?? null,
    sources: c.sources,
    rules: c.rules,
    notIncluded: c.notIncluded,
    checkedOn: CHECKED_ON,
    years: { from: FIRST_YEAR, to: LAST_YEAR },
    generatedBy: 'electron/scripts/holidayCalendars.ts',
    holidays: sorted(
      years()
        .flatMap(c.holidays)
        .filter((h) => inRange(h.date)),
    ),
  };
}

// ------------------------------------------------------------------------------------------------
// The calendars
// ------------------------------------------------------------------------------------------------

/** ECB: TARGET (now T2) closes on these six days besides weekends, "from 2002 until further notice". */
const target2 = calendar({
  id: 'target2',
  name: 'TARGET2 (T2) closing days',
  jurisdictions: ['EU'],
  scope: 'The days the Eurosystem’s TARGET2/T2 payment system is closed, besides Saturdays and Sundays.',
  standsInFor:
    'ESMA and EBA publish no official list of their staff holidays that we could source; TARGET2 closing days are the common ' +
    'EU baseline and stand in for it. The EU institutions’ own holiday lists have more days (e.g. Ascension, Whit Monday, ' +
    '9 May, the days around Christmas), so a deadline counted here can be earlier than the institution’s own count, not later.',
  sources: [
    { title: 'ECB, TARGET2 calendar', url: 'https://www.ecb.europa.eu/paym/target/target2/profuse/calendar/html/index.en.html' },
    {
      title: 'ECB press release of 14 December 2000, Long-term calendar for TARGET closing days',
      url: 'https://www.ecb.europa.eu/press/pr/date/2000/html/pr001214_4.en.html',
    },
  ],
  rules: [
    'Closed on New Year’s Day, Good Friday, Easter Monday, 1 May (Labour Day), Christmas Day and 26 December (ECB, from 2002 until further notice; unchanged for T2, which replaced TARGET2 in March 2023).',
    'Good Friday and Easter Monday follow the Catholic/Protestant Easter (computed: Gregorian Easter).',
  ],
  notIncluded: [
    'The EU institutions’ staff holidays (see standsInFor).',
    'Whether T2 will open on some of these days: the ECB consulted in 2025 on longer operating days; no change in force when checked.',
  ],
  holidays: (y) => {
    const easter = easterSunday(y);
    return [
      { date: date(y, 1, 1), name: 'New Year’s Day' },
      { date: plusDays(easter, -2), name: 'Good Friday' },
      { date: plusDays(easter, 1), name: 'Easter Monday' },
      { date: date(y, 5, 1), name: 'Labour Day' },
      { date: date(y, 12, 25), name: 'Christmas Day' },
      { date: date(y, 12, 26), name: '26 December' },
    ];
  },
});

/** 5 U.S.C. 6103(a) holidays, on the day OPM lists them for a Monday-to-Friday workweek. */
function usFederal(y: number): Holiday[] {
  const fixed = (m: number, d: number, name: string): Holiday[] => {
    const actual = date(y, m, d);
    const w = weekdayOf(actual);
    // 5 U.S.C. 6103(b)(1): a holiday on a Saturday is observed the Friday before; Executive
    // Order 11582 s. 3(a): one on a Sunday, the Monday after.
    if (w === SAT) return [{ date: plusDays(actual, -1), name: `${name} (observed)` }];
    if (w === SUN) return [{ date: plusDays(actual, 1), name: `${name} (observed)` }];
    return [{ date: actual, name }];
  };
  return [
    ...fixed(1, 1, 'New Year’s Day'),
    { date: nthWeekday(y, 1, MON, 3), name: 'Birthday of Martin Luther King, Jr.' },
    { date: nthWeekday(y, 2, MON, 3), name: 'Washington’s Birthday' },
    { date: nthWeekday(y, 5, MON, -1), name: 'Memorial Day' },
    ...fixed(6, 19, 'Juneteenth National Independence Day'),
    ...fixed(7, 4, 'Independence Day'),
    { date: nthWeekday(y, 9, MON, 1), name: 'Labor Day' },
    { date: nthWeekday(y, 10, MON, 2), name: 'Columbus Day' },
    ...fixed(11, 11, 'Veterans Day'),
    { date: nthWeekday(y, 11, THU, 4), name: 'Thanksgiving Day' },
    ...fixed(12, 25, 'Christmas Day'),
  ];
}

const usFederalCalendar = calendar({
  id: 'us-federal',
  name: 'US federal holidays',
  jurisdictions: ['US'],
  scope: 'The legal public holidays of 5 U.S.C. 6103(a) as observed by federal employees working Monday to Friday (OPM).',
  sources: [
    { title: 'OPM, Federal holidays', url: 'https://www.opm.gov/policy-data-oversight/pay-leave/federal-holidays/' },
    { title: '5 U.S.C. 6103, Holidays', url: 'https://www.law.cornell.edu/uscode/text/5/6103' },
    {
      title: 'Executive Order 11582 (1971), observance of holidays',
      url: 'https://www.archives.gov/federal-register/codification/executive-order/11582.html',
    },
  ],
  rules: [
    'New Year’s Day 1 January; Birthday of Martin Luther King, Jr., third Monday in January; Washington’s Birthday, third Monday in February; Memorial Day, last Monday in May; Juneteenth National Independence Day, 19 June; Independence Day, 4 July; Labor Day, first Monday in September; Columbus Day, second Monday in October; Veterans Day, 11 November; Thanksgiving Day, fourth Thursday in November; Christmas Day, 25 December (5 U.S.C. 6103(a)).',
    'A holiday on a Saturday is observed on the Friday before (5 U.S.C. 6103(b)); one on a Sunday, on the Monday after (Executive Order 11582, s. 3(a)). Only the observed day is listed, as OPM lists it.',
    'New Year’s Day 2028 falls on a Saturday: it is observed on Friday 31 December 2027, which is listed in 2027.',
  ],
  notIncluded: [
    'Inauguration Day (5 U.S.C. 6103(c)): a holiday only for federal employees in the Washington, DC area, and the only one in the years covered (20 January 2025) fell on Martin Luther King Jr. Day.',
    'Closures by executive order, which are not legal public holidays: 24 December 2024; 9 January 2025 (national day of mourning for President Carter); 24 and 26 December 2025. Executive agencies such as the SEC and CFTC were closed on those days, so a deadline across them is counted one day earlier than the agency would.',
  ],
  holidays: (y) => [...usFederal(y), ...(y === LAST_YEAR ? usFederal(y + 1).filter((h) => h.date <= date(y, 12, 31)) : [])],
});

/** gov.uk: bank holidays in England and Wales, with substitute days when one falls on a weekend. */
function englandAndWales(y: number): Holiday[] {
  const easter = easterSunday(y);
  const list: Holiday[] = [];
  const newYear = date(y, 1, 1);
  const nyw = weekdayOf(newYear);
  list.push(
    nyw === SAT || nyw === SUN
      ? { date: plusDays(newYear, nyw === SAT ? 2 : 1), name: 'New Year’s Day (substitute day)' }
      : { date: newYear, name: 'New Year’s Day' },
  );
  list.push(
    { date: plusDays(easter, -2), name: 'Good Friday' },
    { date: plusDays(easter, 1), name: 'Easter Monday' },
    { date: nthWeekday(y, 5, MON, 1), name: 'Early May bank holiday' },
    { date: nthWeekday(y, 5, MON, -1), name: 'Spring bank holiday' },
    { date: nthWeekday(y, 8, MON, -1), name: 'Summer bank holiday' },
  );
  // Christmas Day and Boxing Day: a day on a weekend moves to the next weekday not already taken.
  const taken = new Set<string>();
  for (const [d, name] of [
    [25, 'Christmas Day'],
    [26, 'Boxing Day'],
  ] as const) {
    let day = date(y, 12, d);
    const substitute = weekdayOf(day) === SAT || weekdayOf(day) === SUN;
    while (weekdayOf(day) === SAT || weekdayOf(day) === SUN || taken.has(day)) day = plusDays(day, 1);
    taken.add(day);
    list.push({ date: day, name: substitute ? `${name} (substitute day)` : name });
  }
  return list;
}

const gbEaw = calendar({
  id: 'gb-eaw',
  name: 'England and Wales bank holidays',
  jurisdictions: ['GB'],
  scope: 'Bank holidays in England and Wales (the FCA sits in London), as gov.uk lists them, substitute days included.',
  sources: [
    { title: 'GOV.UK, UK bank holidays', url: 'https://www.gov.uk/bank-holidays' },
    { title: 'GOV.UK, UK bank holidays (machine-readable)', url: 'https://www.gov.uk/bank-holidays.json' },
    { title: 'Banking and Financial Dealings Act 1971, Schedule 1', url: 'https://www.legislation.gov.uk/ukpga/1971/80/schedule/1' },
  ],
  rules: [
    'New Year’s Day, Good Friday, Easter Monday, the first Monday in May, the last Monday in May, the last Monday in August, Christmas Day and Boxing Day.',
    'When New Year’s Day, Christmas Day or Boxing Day falls on a Saturday or Sunday, the next weekday not already a bank holiday is the substitute day; only that day is listed, as gov.uk lists it.',
    'No one-off bank holiday was proclaimed for England and Wales in 2024–2027 when checked (the last were 3 June and 19 September 2022 and 8 May 2023).',
  ],
  notIncluded: ['Scotland’s and Northern Ireland’s bank holidays (other days: 2 January, St Andrew’s Day, St Patrick’s Day, 12 July…).'],
  holidays: englandAndWales,
});

const de = calendar({
  id: 'de',
  name: 'German nationwide public holidays',
  jurisdictions: ['DE'],
  scope: 'The nine public holidays of every German Land (BaFin sits in Bonn, North Rhine-Westphalia, and Frankfurt am Main, Hesse).',
  sources: [
    { title: 'Einigungsvertrag, Art. 2(2): 3 October, Day of German Unity', url: 'https://www.gesetze-im-internet.de/einigvtr/art_2.html' },
    {
      title: 'Hessisches Feiertagsgesetz, § 1',
      url: 'https://www.rv.hessenrecht.hessen.de/bshe/document/jlr-FeiertGHE1952rahmen',
    },
    {
      title: 'Feiertagsgesetz NRW, § 2',
      url: 'https://recht.nrw.de/lmi/owa/br_bes_detail?bes_id=3367&aufgehoben=N&det_id=144445&anw_nr=2&menu=1&sg=0',
    },
  ],
  rules: [
    'New Year’s Day, Good Friday (Easter − 2), Easter Monday (Easter + 1), 1 May, Ascension Day (Easter + 39), Whit Monday (Easter + 50), 3 October, 25 and 26 December: public holidays in all sixteen Länder (the Land statutes; 3 October by the Unification Treaty).',
  ],
  notIncluded: [
    'Regional holidays, including those of BaFin’s seats: Corpus Christi (Easter + 60; a holiday in both Hesse and North Rhine-Westphalia) and All Saints’ Day (1 November; North Rhine-Westphalia only). A deadline spanning them is counted one day earlier than BaFin would.',
  ],
  holidays: (y) => {
    const e = easterSunday(y);
    return [
      { date: date(y, 1, 1), name: 'New Year’s Day (Neujahr)' },
      { date: plusDays(e, -2), name: 'Good Friday (Karfreitag)' },
      { date: plusDays(e, 1), name: 'Easter Monday (Ostermontag)' },
      { date: date(y, 5, 1), name: 'Labour Day (Tag der Arbeit)' },
      { date: plusDays(e, 39), name: 'Ascension Day (Christi Himmelfahrt)' },
      { date: plusDays(e, 50), name: 'Whit Monday (Pfingstmontag)' },
      { date: date(y, 10, 3), name: 'Day of German Unity (Tag der Deutschen Einheit)' },
      { date: date(y, 12, 25), name: 'Christmas Day (1. Weihnachtstag)' },
      { date: date(y, 12, 26), name: 'St Stephen’s Day (2. Weihnachtstag)' },
    ];
  },
});

const fr = calendar({
  id: 'fr',
  name: 'French public holidays',
  jurisdictions: ['FR'],
  scope: 'The eleven legal holidays (fêtes légales) of the French Labour Code (the AMF sits in Paris).',
  sources: [
    { title: 'Code du travail, art. L3133-1', url: 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000033008169' },
    { title: 'Service-Public.fr, Jours fériés', url: 'https://www.service-public.fr/particuliers/vosdroits/F2405' },
  ],
  rules: [
    '1 January, Easter Monday, 1 May, 8 May, Ascension Day (Easter + 39), Whit Monday (Easter + 50), 14 July, Assumption (15 August), All Saints’ Day (1 November), 11 November, Christmas Day (Code du travail, L3133-1).',
  ],
  notIncluded: [
    'Good Friday and 26 December, holidays only in Alsace-Moselle (L3134-13).',
    'Whether Whit Monday is worked as the journée de solidarité: it stays a legal holiday and is listed.',
  ],
  holidays: (y) => {
    const e = easterSunday(y);
    return [
      { date: date(y, 1, 1), name: 'New Year’s Day (Jour de l’an)' },
      { date: plusDays(e, 1), name: 'Easter Monday (Lundi de Pâques)' },
      { date: date(y, 5, 1), name: 'Labour Day (Fête du travail)' },
      { date: date(y, 5, 8), name: 'Victory in Europe Day (8 mai 1945)' },
      { date: plusDays(e, 39), name: 'Ascension Day (Ascension)' },
      { date: plusDays(e, 50), name: 'Whit Monday (Lundi de Pentecôte)' },
      { date: date(y, 7, 14), name: 'National Day (Fête nationale)' },
      { date: date(y, 8, 15), name: 'Assumption (Assomption)' },
      { date: date(y, 11, 1), name: 'All Saints’ Day (Toussaint)' },
      { date: date(y, 11, 11), name: 'Armistice Day (Armistice 1918)' },
      { date: date(y, 12, 25), name: 'Christmas Day (Noël)' },
    ];
  },
});

const it = calendar({
  id: 'it',
  name: 'Italian public holidays',
  jurisdictions: ['IT'],
  scope: 'The national public holidays with civil effect (CONSOB sits in Rome).',
  sources: [
    {
      title: 'Legge 27 maggio 1949, n. 260, art. 1–2 (as amended)',
      url: 'https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:legge:1949-05-27;260',
    },
    { title: 'Legge 5 marzo 1977, n. 54', url: 'https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:legge:1977-03-05;54' },
    {
      title: 'D.P.R. 28 dicembre 1985, n. 792 (Epiphany restored)',
      url: 'https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.del.presidente.della.repubblica:1985-12-28;792',
    },
    {
      title: 'Legge 20 novembre 2000, n. 336 (2 June restored)',
      url: 'https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:legge:2000-11-20;336',
    },
    {
      title: 'Legge 8 ottobre 2025, n. 151 (4 October, from 2026)',
      url: 'https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:legge:2025-10-08;151',
    },
  ],
  rules: [
    '1 January, Epiphany (6 January), Easter Monday, Liberation Day (25 April), Labour Day (1 May), Republic Day (2 June), Assumption (15 August), All Saints’ Day (1 November), Immaculate Conception (8 December), Christmas Day, St Stephen’s Day (26 December).',
    'From 2026: St Francis of Assisi, patron saint of Italy (4 October), added to art. 2 of Law 260/1949 by Law 151/2025 (in force 1 January 2026).',
    'Art. 2 of Law 260/1949 still names St Joseph, Ascension, Corpus Christi and Sts Peter and Paul, but Law 54/1977 took away their civil effect; 4 November is celebrated on the first Sunday of November since that law. None of them is a day off.',
  ],
  notIncluded: [
    'Local patron-saint days, such as Sts Peter and Paul (29 June) in Rome, CONSOB’s seat, and St Ambrose (7 December) in Milan.',
  ],
  holidays: (y) => {
    const e = easterSunday(y);
    return [
      { date: date(y, 1, 1), name: 'New Year’s Day (Capodanno)' },
      { date: date(y, 1, 6), name: 'Epiphany (Epifania)' },
      { date: plusDays(e, 1), name: 'Easter Monday (Lunedì dell’Angelo)' },
      { date: date(y, 4, 25), name: 'Liberation Day (Festa della Liberazione)' },
      { date: date(y, 5, 1), name: 'Labour Day (Festa del lavoro)' },
      { date: date(y, 6, 2), name: 'Republic Day (Festa della Repubblica)' },
      { date: date(y, 8, 15), name: 'Assumption (Ferragosto)' },
      ...(y >= 2026 ? [{ date: date(y, 10, 4), name: 'St Francis of Assisi (San Francesco d’Assisi)' }] : []),
      { date: date(y, 11, 1), name: 'All Saints’ Day (Ognissanti)' },
      { date: date(y, 12, 8), name: 'Immaculate Conception (Immacolata Concezione)' },
      { date: date(y, 12, 25), name: 'Christmas Day (Natale)' },
      { date: date(y, 12, 26), name: 'St Stephen’s Day (Santo Stefano)' },
    ];
  },
});

const nl = calendar({
  id: 'nl',
  name: 'Dutch general holidays (Algemene termijnenwet)',
  jurisdictions: ['NL'],
  scope:
    'The generally recognised holidays that extend statutory time limits in the Netherlands (Algemene termijnenwet, art. 3); the AFM sits in Amsterdam.',
  sources: [
    { title: 'Algemene termijnenwet, art. 3', url: 'https://wetten.overheid.nl/BWBR0002448' },
    { title: 'Rijksoverheid, Koningsdag', url: 'https://www.rijksoverheid.nl/onderwerpen/koningshuis/koningsdag' },
  ],
  rules: [
    'New Year’s Day, Easter Monday, Whit Monday, Christmas Day and the day after, Ascension Day (Easter + 39), the day the King’s birthday is celebrated, and 5 May (art. 3(1)); Good Friday is treated the same (art. 3(2)).',
    'King’s Day is celebrated on 27 April, or on Saturday 26 April when the 27th is a Sunday.',
  ],
  notIncluded: [
    'Days the government equates with holidays by decree under art. 3(3) (for example the Friday after Ascension Day); they are decided every few years and were not sourced.',
    'Whether employers give 5 May off (many only every five years): the Act counts it every year, and so do we.',
  ],
  holidays: (y) => {
    const e = easterSunday(y);
    const kings = date(y, 4, 27);
    return [
      { date: date(y, 1, 1), name: 'New Year’s Day (Nieuwjaarsdag)' },
      { date: plusDays(e, -2), name: 'Good Friday (Goede Vrijdag)' },
      { date: plusDays(e, 1), name: 'Easter Monday (Tweede Paasdag)' },
      { date: weekdayOf(kings) === SUN ? date(y, 4, 26) : kings, name: 'King’s Day (Koningsdag)' },
      { date: date(y, 5, 5), name: 'Liberation Day (Bevrijdingsdag)' },
      { date: plusDays(e, 39), name: 'Ascension Day (Hemelvaartsdag)' },
      { date: plusDays(e, 50), name: 'Whit Monday (Tweede Pinksterdag)' },
      { date: date(y, 12, 25), name: 'Christmas Day (Eerste Kerstdag)' },
      { date: date(y, 12, 26), name: 'Boxing Day (Tweede Kerstdag)' },
    ];
  },
});

const be = calendar({
  id: 'be',
  name: 'Belgian public holidays',
  jurisdictions: ['BE'],
  scope: 'The ten legal public holidays of Belgium (the FSMA sits in Brussels).',
  sources: [
    { title: 'Belgium.be, Jours fériés', url: 'https://www.belgium.be/fr/emploi/conges_et_interruption_de_carriere/jours_feries' },
    {
      title: 'FPS Employment, Regulation public holidays (Act of 4 January 1974; Royal Decree of 18 April 1974)',
      url: 'https://employment.belgium.be/en/regulation-public-holidays',
    },
  ],
  rules: [
    '1 January, Easter Monday, 1 May, Ascension Day (Easter + 39), Whit Monday (Easter + 50), 21 July, Assumption (15 August), All Saints’ Day (1 November), 11 November, Christmas Day.',
  ],
  notIncluded: [
    'Replacement days for holidays on a Sunday or a day not worked: each employer fixes its own.',
    'Extra days some public employers give (e.g. 2 and 15 November, 26 December): not legal holidays.',
  ],
  holidays: (y) => {
    const e = easterSunday(y);
    return [
      { date: date(y, 1, 1), name: 'New Year’s Day' },
      { date: plusDays(e, 1), name: 'Easter Monday' },
      { date: date(y, 5, 1), name: 'Labour Day' },
      { date: plusDays(e, 39), name: 'Ascension Day' },
      { date: plusDays(e, 50), name: 'Whit Monday' },
      { date: date(y, 7, 21), name: 'National Day' },
      { date: date(y, 8, 15), name: 'Assumption' },
      { date: date(y, 11, 1), name: 'All Saints’ Day' },
      { date: date(y, 11, 11), name: 'Armistice Day' },
      { date: date(y, 12, 25), name: 'Christmas Day' },
    ];
  },
});

const ie = calendar({
  id: 'ie',
  name: 'Irish public holidays',
  jurisdictions: ['IE'],
  scope: 'The ten public holidays of the Organisation of Working Time Act 1997, Schedule 2, as amended (the Central Bank sits in Dublin).',
  sources: [
    {
      title: 'Citizens Information, Public holidays in Ireland',
      url: 'https://www.citizensinformation.ie/en/employment/employment-rights-and-conditions/leave-and-holidays/public-holidays-in-ireland/',
    },
    {
      title: 'Organisation of Working Time Act 1997, Schedule 2',
      url: 'https://www.irishstatutebook.ie/eli/1997/act/20/schedule/2/enacted/en/html',
    },
  ],
  rules: [
    'New Year’s Day; St Brigid’s Day, the first Monday in February or 1 February when that is a Friday (from 2023); St Patrick’s Day (17 March); Easter Monday; the first Monday in May, June and August; the last Monday in October; Christmas Day; St Stephen’s Day (26 December).',
    'A public holiday on a weekend is not moved (the employee gets a day in lieu, at the employer’s choice); it is listed on its own date.',
  ],
  notIncluded: [
    'Good Friday, which is not a public holiday (banks close).',
    'Bank-holiday substitute days when a public holiday falls on a weekend.',
  ],
  holidays: (y) => {
    const e = easterSunday(y);
    const feb1 = date(y, 2, 1);
    return [
      { date: date(y, 1, 1), name: 'New Year’s Day' },
      { date: weekdayOf(feb1) === 5 ? feb1 : nthWeekday(y, 2, MON, 1), name: 'St Brigid’s Day' },
      { date: date(y, 3, 17), name: 'St Patrick’s Day' },
      { date: plusDays(e, 1), name: 'Easter Monday' },
      { date: nthWeekday(y, 5, MON, 1), name: 'May public holiday' },
      { date: nthWeekday(y, 6, MON, 1), name: 'June public holiday' },
      { date: nthWeekday(y, 8, MON, 1), name: 'August public holiday' },
      { date: nthWeekday(y, 10, MON, -1), name: 'October public holiday' },
      { date: date(y, 12, 25), name: 'Christmas Day' },
      { date: date(y, 12, 26), name: 'St Stephen’s Day' },
    ];
  },
});

const mt = calendar({
  id: 'mt',
  name: 'Maltese public holidays',
  jurisdictions: ['MT'],
  scope: 'The five national and nine other public holidays of the National Holidays and other Public Holidays Act (Cap. 252).',
  sources: [
    { title: 'National Holidays and other Public Holidays Act (Cap. 252)', url: 'https://legislation.mt/eli/cap/252/eng' },
    { title: 'Gov.mt, Public holidays', url: 'https://www.gov.mt/en/About%20Malta/Pages/Public%20Holidays.aspx' },
  ],
  rules: [
    'National holidays: Freedom Day (31 March), Sette Giugno (7 June), Victory Day (8 September), Independence Day (21 September), Republic Day (13 December).',
    'Public holidays: New Year’s Day, St Paul’s Shipwreck (10 February), St Joseph (19 March), Good Friday (Easter − 2), Workers’ Day (1 May), Sts Peter and Paul (29 June), the Assumption (15 August), the Immaculate Conception (8 December), Christmas Day.',
    'A holiday on a weekend is not moved to a weekday (employees get a day of leave instead).',
  ],
  notIncluded: [],
  holidays: (y) => {
    const e = easterSunday(y);
    return [
      { date: date(y, 1, 1), name: 'New Year’s Day' },
      { date: date(y, 2, 10), name: 'St Paul’s Shipwreck' },
      { date: date(y, 3, 19), name: 'St Joseph' },
      { date: date(y, 3, 31), name: 'Freedom Day' },
      { date: plusDays(e, -2), name: 'Good Friday' },
      { date: date(y, 5, 1), name: 'Workers’ Day' },
      { date: date(y, 6, 7), name: 'Sette Giugno' },
      { date: date(y, 6, 29), name: 'Sts Peter and Paul (L-Imnarja)' },
      { date: date(y, 8, 15), name: 'The Assumption (Santa Marija)' },
      { date: date(y, 9, 8), name: 'Victory Day' },
      { date: date(y, 9, 21), name: 'Independence Day' },
      { date: date(y, 12, 8), name: 'The Immaculate Conception' },
      { date: date(y, 12, 13), name: 'Republic Day' },
      { date: date(y, 12, 25), name: 'Christmas Day' },
    ];
  },
});

const chBe = calendar({
  id: 'ch-be',
  name: 'Canton of Bern public holidays',
  jurisdictions: ['CH'],
  scope:
    'The public holidays of the Canton of Bern, where FINMA sits, that can fall on a weekday (Gesetz über die Ruhe an öffentlichen Feiertagen, art. 2); Switzerland has no nationwide list besides 1 August.',
  sources: [
    {
      title: 'Kanton Bern, Gesetz über die Ruhe an öffentlichen Feiertagen (BSG 555.1), Art. 2',
      url: 'https://www.belex.sites.be.ch/app/de/texts_of_law/555.1',
    },
    { title: 'Bundesverfassung, Art. 110(3): 1 August', url: 'https://www.fedlex.admin.ch/eli/cc/1999/404/de#art_110' },
  ],
  rules: [
    'High feast days: Good Friday, Easter, Ascension Day (Easter + 39), Whitsun, the Federal Day of Thanksgiving and Christmas; other public holidays: New Year’s Day, 2 January, Easter Monday, Whit Monday, the Federal holiday (1 August) and 26 December (BSG 555.1, art. 2). The Sundays among them are not listed.',
  ],
  notIncluded: ['Days FINMA may close on besides (e.g. 24 or 31 December afternoons): not sourced.', 'Holidays of other cantons.'],
  holidays: (y) => {
    const e = easterSunday(y);
    return [
      { date: date(y, 1, 1), name: 'New Year’s Day (Neujahrstag)' },
      { date: date(y, 1, 2), name: '2 January (Berchtoldstag)' },
      { date: plusDays(e, -2), name: 'Good Friday (Karfreitag)' },
      { date: plusDays(e, 1), name: 'Easter Monday (Ostermontag)' },
      { date: plusDays(e, 39), name: 'Ascension Day (Auffahrt)' },
      { date: plusDays(e, 50), name: 'Whit Monday (Pfingstmontag)' },
      { date: date(y, 8, 1), name: 'Swiss National Day (Bundesfeiertag)' },
      { date: date(y, 12, 25), name: 'Christmas Day (Weihnachten)' },
      { date: date(y, 12, 26), name: 'St Stephen’s Day (Stephanstag)' },
    ];
  },
});

/**
 * Japan: the equinox days are the astronomical equinoxes, which the National Astronomical
 * Observatory publishes in its 暦要項 each February for the following year (2027's on 2 February
 * 2026, announced with the 2027 holidays by the Cabinet Office).
 */
const japaneseEquinoxes: Readonly<Record<number, { vernal: string; autumnal: string }>> = {
  2024: { vernal: '2024-03-20', autumnal: '2024-09-22' },
  2025: { vernal: '2025-03-20', autumnal: '2025-09-23' },
  2026: { vernal: '2026-03-20', autumnal: '2026-09-23' },
  2027: { vernal: '2027-03-21', autumnal: '2027-09-23' },
};

function japan(y: number): Holiday[] {
  const eq = japaneseEquinoxes[y];
  if (!eq) throw new Error(`no equinox dates for ${y}: add them from the NAOJ 暦要項`);
  // Act on National Holidays (Act No. 178 of 1948), art. 2.
  const national: Holiday[] = [
    { date: date(y, 1, 1), name: 'New Year’s Day' },
    { date: nthWeekday(y, 1, MON, 2), name: 'Coming of Age Day' },
    { date: date(y, 2, 11), name: 'National Foundation Day' },
    { date: date(y, 2, 23), name: 'The Emperor’s Birthday' },
    { date: eq.vernal, name: 'Vernal Equinox Day' },
    { date: date(y, 4, 29), name: 'Showa Day' },
    { date: date(y, 5, 3), name: 'Constitution Memorial Day' },
    { date: date(y, 5, 4), name: 'Greenery Day' },
    { date: date(y, 5, 5), name: 'Children’s Day' },
    { date: nthWeekday(y, 7, MON, 3), name: 'Marine Day' },
    { date: date(y, 8, 11), name: 'Mountain Day' },
    { date: nthWeekday(y, 9, MON, 3), name: 'Respect for the Aged Day' },
    { date: eq.autumnal, name: 'Autumnal Equinox Day' },
    { date: nthWeekday(y, 10, MON, 2), name: 'Sports Day' },
    { date: date(y, 11, 3), name: 'Culture Day' },
    { date: date(y, 11, 23), name: 'Labor Thanksgiving Day' },
  ];
  const isNational = new Set(national.map((h) => h.date));
  const extra: Holiday[] = [];
  // Art. 3(2): a national holiday on a Sunday makes the nearest following day that is not a
  // national holiday a holiday (substitute holiday).
  for (const h of national) {
    if (weekdayOf(h.date) !== SUN) continue;
    let day = plusDays(h.date, 1);
    while (isNational.has(day)) day = plusDays(day, 1);
    extra.push({ date: day, name: `Substitute holiday (for ${h.name})` });
  }
  // Art. 3(3): a day between two national holidays is a holiday ("citizens' holiday").
  for (const h of national) {
    const between = plusDays(h.date, 1);
    if (!isNational.has(between) && isNational.has(plusDays(h.date, 2)) && weekdayOf(between) !== SUN)
      extra.push({ date: between, name: 'Citizens’ holiday' });
  }
  // Act on Holidays of Administrative Organs (Act No. 91 of 1988), art. 1(1)(iii): 29 December to 3 January.
  const yearEnd: Holiday[] = [
    { date: date(y, 1, 2), name: 'New Year holiday of administrative organs' },
    { date: date(y, 1, 3), name: 'New Year holiday of administrative organs' },
    { date: date(y, 12, 29), name: 'Year-end holiday of administrative organs' },
    { date: date(y, 12, 30), name: 'Year-end holiday of administrative organs' },
    { date: date(y, 12, 31), name: 'Year-end holiday of administrative organs' },
  ];
  const listed = new Set([...national, ...extra].map((h) => h.date));
  return [...national, ...extra, ...yearEnd.filter((h) => !listed.has(h.date))];
}

const jp = calendar({
  id: 'jp',
  name: 'Japanese holidays of administrative organs',
  jurisdictions: ['JP'],
  scope:
    'The days Japan’s administrative organs, the Financial Services Agency among them, are closed besides weekends: the national holidays with their substitute days, and 29 December to 3 January.',
  sources: [
    { title: 'Cabinet Office, 国民の祝日について (national holidays)', url: 'https://www8.cao.go.jp/chosei/shukujitsu/gaiyou.html' },
    { title: 'Cabinet Office, national holidays 1955–2027 (CSV)', url: 'https://www8.cao.go.jp/chosei/shukujitsu/syukujitsu.csv' },
    { title: '行政機関の休日に関する法律 (Act No. 91 of 1988), art. 1', url: 'https://laws.e-gov.go.jp/law/363AC0000000091' },
  ],
  rules: [
    'National holidays (Act No. 178 of 1948, art. 2): 1 January; Coming of Age Day, second Monday in January; National Foundation Day, 11 February; the Emperor’s Birthday, 23 February; Vernal Equinox Day; Showa Day, 29 April; Constitution Memorial Day, 3 May; Greenery Day, 4 May; Children’s Day, 5 May; Marine Day, third Monday in July; Mountain Day, 11 August; Respect for the Aged Day, third Monday in September; Autumnal Equinox Day; Sports Day, second Monday in October; Culture Day, 3 November; Labor Thanksgiving Day, 23 November.',
    'Equinox days as the National Astronomical Observatory of Japan published them (暦要項): 20 March and 22 September 2024; 20 March and 23 September 2025; 20 March and 23 September 2026; 21 March and 23 September 2027.',
    'A national holiday on a Sunday makes the next day that is not a national holiday a holiday (art. 3(2)); a day between two national holidays is a holiday (art. 3(3)).',
    'Administrative organs are also closed from 29 December to 3 January (Act No. 91 of 1988, art. 1(1)(iii)).',
  ],
  notIncluded: [],
  holidays: japan,
});

/** Every calendar, in a stable order. */
export function buildCalendars(): CalendarFile[] {
  return [target2, usFederalCalendar, gbEaw, de, fr, it, nl, be, ie, mt, chBe, jp];
}

// ------------------------------------------------------------------------------------------------
// Writing
// ------------------------------------------------------------------------------------------------

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources', 'calendars');

async function format(file: string, value: unknown): Promise<string> {
  // Formatted as the repository's Prettier would, so `prettier --check` passes on the output.
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(value), { ...options, filepath: file });
}

async function main(check: boolean): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  const stale: string[] = [];
  const expected = new Set<string>();
  for (const cal of buildCalendars()) {
    const file = path.join(outDir, `${cal.id}.json`);
    expected.add(path.basename(file));
    const text = await format(file, cal);
    if (check) {
      if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) stale.push(path.basename(file));
    } else {
      fs.writeFileSync(file, text);
    }
  }
  const unknown = fs.readdirSync(outDir).filter((f) => f.endsWith('.json') && !expected.has(f));
  if (unknown.length > 0) stale.push(...unknown.map((f) => `${f} (not generated here)`));
  if (check && stale.length > 0) {
    console.error(`Holiday calendars differ from their rules: ${stale.join(', ')}. Run npx tsx electron/scripts/holidayCalendars.ts.`);
    process.exit(1);
  }
  if (!check) console.log(`Wrote ${expected.size} holiday calendars to ${path.relative(process.cwd(), outDir) || outDir}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.includes('--check'));
}
