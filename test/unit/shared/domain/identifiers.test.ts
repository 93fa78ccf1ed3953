// Test vectors from /work/shared/handbook/domain-trade-data.md §2 (identifiers) — positive and negative.
import { describe, expect, it } from 'vitest';
import {
  classifyUti,
  countryIssues,
  currencyIssues,
  dtiCheckChar,
  dtiIssues,
  isDtiFormat,
  isIsoCountry,
  isIsoCurrency,
  isLeiFormat,
  isUpiFormat,
  isValidDti,
  isValidLei,
  isWarnCountry,
  isWithdrawnIsoCurrency,
  leiCheckDigits,
  leiIssues,
  makeLei,
  makeUpi,
  mod3130CheckChar,
  mod97,
  upiCheckChar,
  upiIssues,
  utiGeneratorLei,
  utiIssues,
  utiPrefixFailsMod97,
} from '../../../../shared/domain/identifiers';
import type { IdIssue } from '../../../../shared/domain/identifiers';
import { ISO_3166_ALPHA2, ISO_4217_ACTIVE, ISO_4217_WITHDRAWN } from '../../../../shared/domain/isoCodes';

const levels = (issues: IdIssue[]) => issues.map((i) => i.level);
const rules = (issues: IdIssue[]) => issues.map((i) => i.rule);

describe('LEI (ISO 17442, MOD 97-10)', () => {
  const valid: [string, string][] = [
    ['LCZ7XYGSLJUHFXXNXD88', 'CME Group Inc. (XCME)'],
    ['98450096938F91115592', 'Coinbase Derivatives, LLC (FREX)'],
    ['529900RLNSGA90UPEH54', 'Cboe (XCBF / XCBD)'],
    ['549300S18I523MZORK73', 'Crypto Facilities Ltd (CRYP)'],
    ['SNZ2OJLFK8MNNCLQOF39', 'CME Clearing (per third-party spec)'],
    ['7LTWFZYICNSX8D621K86', 'Deutsche Bank AG (no "00" in positions 5-6)'],
    ['506700GE1G29325QX363', 'GLEIF'],
    ['213800WSGIIZCXF1P572', 'Jaguar Land Rover'],
    ['5493000IBP32UQZ0KL24', 'BBC'],
    ['54930084UKLVMY22DS16', 'G.E. Financing GmbH'],
  ];
  it.each(valid)('%s (%s) is valid', (lei) => {
    expect(isValidLei(lei)).toBe(true);
    expect(mod97(lei)).toBe(1);
    expect(leiIssues(lei)).toEqual([]);
    expect(leiCheckDigits(lei.slice(0, 18))).toBe(lei.slice(18));
    expect(makeLei(lei.slice(0, 18))).toBe(lei);
  });

  it('rejects the Apple LEI with its last digit changed; check digits should be 94', () => {
    expect(isValidLei('HWUPKR0MPOU8FGXBT395')).toBe(false);
    expect(leiCheckDigits('HWUPKR0MPOU8FGXBT3')).toBe('94');
    const issues = leiIssues('HWUPKR0MPOU8FGXBT395');
    expect(rules(issues)).toEqual(['LEI_CHECK']);
    expect(issues[0]?.message).toContain('94');
  });

  it('rejects 7LTWFZYICNSX8D621K87 (last digit changed)', () => {
    expect(isValidLei('7LTWFZYICNSX8D621K87')).toBe(false);
    expect(levels(leiIssues('7LTWFZYICNSX8D621K87'))).toEqual(['ERROR']);
  });

  it('flags the DRR placeholder DUMMY0000000000LEI01 without crashing', () => {
    expect(isLeiFormat('DUMMY0000000000LEI01')).toBe(true);
    expect(isValidLei('DUMMY0000000000LEI01')).toBe(false);
    expect(rules(leiIssues('DUMMY0000000000LEI01'))).toEqual(['LEI_CHECK']);
  });

  it.each(['lcz7xygsljuhfxxnxd88', 'LCZ7XYGSLJUHFXXNXD8', 'LCZ7XYGSLJUHFXXNXD888', 'LCZ7XYGSLJUHFXXNXDA8', '', 'LCZ7XYGSLJUHFXXNX-88'])(
    'rejects malformed %j',
    (s) => {
      expect(isValidLei(s)).toBe(false);
      expect(levels(leiIssues(s))).toEqual(['ERROR']);
    },
  );

  it('matches the handbook reference implementation (parseInt base 36) on random strings', () => {
    const ref = (s: string) => {
      let r = 0;
      for (const ch of s) {
        const v = parseInt(ch, 36);
        r = v < 10 ? (r * 10 + v) % 97 : (r * 100 + v) % 97;
      }
      return r;
    };
    const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    let x = 12345;
    for (let n = 0; n < 500; n++) {
      let s = '';
      for (let i = 0; i < 20; i++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        s += chars[x % 36];
      }
      expect(mod97(s)).toBe(ref(s));
    }
  });

  it('round-trips generated LEIs: makeLei always yields a valid LEI and any single-digit change breaks it', () => {
    const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    let x = 987654321;
    const rnd = () => {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      return x;
    };
    for (let n = 0; n < 2000; n++) {
      let base = '';
      for (let i = 0; i < 18; i++) base += chars[rnd() % 36];
      const lei = makeLei(base);
      expect(lei).toHaveLength(20);
      expect(isValidLei(lei)).toBe(true);
      const last = Number(lei[19]);
      const broken = lei.slice(0, 19) + String((last + 1 + (rnd() % 9)) % 10);
      expect(isValidLei(broken)).toBe(false);
    }
  });

  it('makeLei rejects a bad base', () => {
    expect(() => makeLei('TOO_SHORT')).toThrow(RangeError);
    expect(() => leiCheckDigits('lcz7xygsljuhfxxnxd')).toThrow(RangeError);
  });
});

describe('UTI (ISO 23897)', () => {
  const LEI = 'LCZ7XYGSLJUHFXXNXD88';

  it('accepts LCZ7XYGSLJUHFXXNXD88BTCF2403000001 as strict', () => {
    const uti = 'LCZ7XYGSLJUHFXXNXD88BTCF2403000001';
    expect(classifyUti(uti)).toBe('strict');
    expect(utiPrefixFailsMod97(uti)).toBe(false);
    expect(utiIssues(uti)).toEqual([]);
    expect(utiGeneratorLei(uti)).toBe(LEI);
  });

  it('accepts LEI + 32×A (52 chars) and rejects LEI + 33×A with an ERROR', () => {
    const ok = LEI + 'A'.repeat(32);
    expect(ok).toHaveLength(52);
    expect(classifyUti(ok)).toBe('strict');
    expect(utiIssues(ok)).toEqual([]);
    const tooLong = LEI + 'A'.repeat(33);
    expect(classifyUti(tooLong)).toBe('invalid');
    expect(levels(utiIssues(tooLong))).toEqual(['ERROR']);
    expect(rules(utiIssues(tooLong))).toEqual(['UTI_LENGTH']);
  });

  it('treats LCZ7XYGSLJUHFXXNXD88BTC-0001 as legacy only: WARN, and an ERROR for NEWT/POSC', () => {
    const uti = 'LCZ7XYGSLJUHFXXNXD88BTC-0001';
    expect(classifyUti(uti)).toBe('legacy');
    expect(levels(utiIssues(uti))).toEqual(['WARN']);
    expect(levels(utiIssues(uti, { actionType: 'MODI' }))).toEqual(['WARN']);
    expect(levels(utiIssues(uti, { actionType: 'NEWT' }))).toContain('ERROR');
    expect(levels(utiIssues(uti, { actionType: 'POSC' }))).toContain('ERROR');
  });

  it.each(['LCZ7XYGSLJUHFXXNXD88BTC-', '-LCZ7XYGSLJUHFXXNXD88BTC', 'lcz7xygsljuhfxxnxd88btcf2403000001', 'LCZ7XYGSLJUHFXXNXD88 BTC', ''])(
    'rejects %j with an ERROR',
    (uti) => {
      expect(classifyUti(uti)).toBe('invalid');
      expect(levels(utiIssues(uti))).toEqual(['ERROR']);
    },
  );

  it('warns when the strict pattern matches but the LEI prefix fails MOD 97 (DTD380513903T7YHJ898ABC; should be 16)', () => {
    const uti = 'DTD380513903T7YHJ898ABC';
    expect(classifyUti(uti)).toBe('strict');
    expect(utiPrefixFailsMod97(uti)).toBe(true);
    const issues = utiIssues(uti);
    expect(levels(issues)).toEqual(['WARN']);
    expect(rules(issues)).toEqual(['UTI_LEI_PREFIX']);
    expect(issues[0]?.message).toContain('16');
  });

  it('treats a short alphanumeric UTI without an LEI prefix as legacy (WARN, no charset ERROR for NEWT)', () => {
    expect(classifyUti('ABC123')).toBe('legacy');
    expect(levels(utiIssues('ABC123', { actionType: 'NEWT' }))).toEqual(['WARN']);
    expect(utiGeneratorLei('ABC123')).toBeNull();
  });
});

describe('UPI (ISO 4914)', () => {
  it('accepts QZRBG6ZTKS42', () => {
    expect(isUpiFormat('QZRBG6ZTKS42')).toBe(true);
    expect(upiCheckChar('QZRBG6ZTKS4')).toBe('2');
    expect(upiIssues('QZRBG6ZTKS42')).toEqual([]);
  });

  it('warns on QZRBG6ZTKS43 (check mismatch)', () => {
    const issues = upiIssues('QZRBG6ZTKS43');
    expect(levels(issues)).toEqual(['WARN']);
    expect(rules(issues)).toEqual(['UPI_CHECK']);
  });

  it('rejects QZRBG6ZTKS4 (11 chars) and lower case with an ERROR', () => {
    expect(levels(upiIssues('QZRBG6ZTKS4'))).toEqual(['ERROR']);
    expect(levels(upiIssues('qzrbg6ztks42'))).toEqual(['ERROR']);
    expect(levels(upiIssues(''))).toEqual(['ERROR']);
  });

  it('warns when the QZ prefix is missing', () => {
    const base = 'ABRBG6ZTKS4'; // 'A' is outside the DTI alphabet → check not computable either
    expect(rules(upiIssues(base + '2'))).toEqual(['UPI_PREFIX', 'UPI_CHECK']);
    const upi = makeUpi('XZRBG6ZTKS4');
    expect(rules(upiIssues(upi))).toEqual(['UPI_PREFIX']);
  });

  it('makeUpi builds valid UPIs and rejects bad bases', () => {
    expect(makeUpi('QZRBG6ZTKS4')).toBe('QZRBG6ZTKS42');
    expect(upiIssues(makeUpi('QZ123456789'))).toEqual([]);
    expect(() => makeUpi('QZRBG6ZTKS')).toThrow(RangeError);
    expect(() => makeUpi('QZABCDEFGHI')).toThrow(RangeError); // vowels are not in the alphabet
  });
});

describe('DTI (ISO 24165, MOD 31,30)', () => {
  const valid: [string, string][] = [
    ['X9J9K872S', 'Ether'],
    ['J9K583ZGG', 'Bitcoin Cash'],
    ['20J63Z4N3', 'Solana'],
    ['85MP572L7', 'BNB'],
    ['JW7SD9THP', 'Arweave'],
    ['ZFP9K2W9F', 'Tether USD (one deployment)'],
  ];
  it.each(valid)('%s (%s) passes format and check', (dti) => {
    expect(isDtiFormat(dti)).toBe(true);
    expect(dtiCheckChar(dti.slice(0, 8))).toBe(dti[8]);
    expect(isValidDti(dti)).toBe(true);
    expect(dtiIssues(dti)).toEqual([]);
  });

  it('accepts Bitcoin 4H95J0R2X via the whitelist although MOD 31,30 computes T', () => {
    expect(dtiCheckChar('4H95J0R2')).toBe('T');
    expect(isDtiFormat('4H95J0R2X')).toBe(true);
    expect(isValidDti('4H95J0R2X')).toBe(true);
    expect(dtiIssues('4H95J0R2X')).toEqual([]);
    // the computed variant is a format-valid, check-valid string as well
    expect(dtiIssues('4H95J0R2T')).toEqual([]);
  });

  it('warns on X9J9K872T (check mismatch)', () => {
    expect(isDtiFormat('X9J9K872T')).toBe(true);
    expect(isValidDti('X9J9K872T')).toBe(false);
    expect(levels(dtiIssues('X9J9K872T'))).toEqual(['WARN']);
    expect(rules(dtiIssues('X9J9K872T'))).toEqual(['DTI_CHECK']);
  });

  it.each([
    ['0H95J0R2X', 'leading 0'],
    ['A9J9K872S', 'vowel'],
    ['X9J9K872', '8 characters'],
    ['x9j9k872s', 'lower case'],
    ['X9J9K872SS', '10 characters'],
    ['', 'empty'],
  ])('rejects %s (%s) with an ERROR', (dti) => {
    expect(isDtiFormat(dti)).toBe(false);
    expect(isValidDti(dti)).toBe(false);
    expect(levels(dtiIssues(dti))).toEqual(['ERROR']);
  });

  it('mod3130CheckChar throws on characters outside the alphabet', () => {
    expect(() => mod3130CheckChar('A')).toThrow(RangeError);
    expect(() => dtiCheckChar('4H95J0R')).toThrow(RangeError);
  });
});

describe('ISO 4217 currencies', () => {
  it.each(['USD', 'EUR', 'XAU', 'GBP', 'JPY', 'CHF', 'SGD', 'XCG', 'XTS'])('accepts %s', (c) => {
    expect(isIsoCurrency(c)).toBe(true);
    expect(currencyIssues(c)).toEqual([]);
  });

  it.each(['BTC', 'XBT', 'USDT', 'usd', 'ETH', 'US', 'USDC', ''])('rejects %j with an ERROR', (c) => {
    expect(isIsoCurrency(c)).toBe(false);
    expect(levels(currencyIssues(c))).toEqual(['ERROR']);
  });

  it('accepts withdrawn codes with a WARN', () => {
    expect(isIsoCurrency('HRK')).toBe(true);
    expect(isWithdrawnIsoCurrency('HRK')).toBe(true);
    expect(isWithdrawnIsoCurrency('EUR')).toBe(false);
    expect(levels(currencyIssues('HRK'))).toEqual(['WARN']);
  });

  it('has a plausible, duplicate-free list of 3-letter codes', () => {
    expect(ISO_4217_ACTIVE.length).toBeGreaterThanOrEqual(175);
    expect(new Set([...ISO_4217_ACTIVE, ...ISO_4217_WITHDRAWN]).size).toBe(ISO_4217_ACTIVE.length + ISO_4217_WITHDRAWN.length);
    for (const c of [...ISO_4217_ACTIVE, ...ISO_4217_WITHDRAWN]) expect(c).toMatch(/^[A-Z]{3}$/);
  });
});

describe('ISO 3166-1 alpha-2 countries', () => {
  it.each(['US', 'GB', 'KY', 'SG', 'HK', 'CH', 'VG', 'BS', 'SC', 'AE'])('accepts %s', (c) => {
    expect(isIsoCountry(c)).toBe(true);
    expect(countryIssues(c)).toEqual([]);
  });

  it.each(['USA', 'ZZ', 'us', 'U', 'XX', 'UK', ''])('rejects %j with an ERROR', (c) => {
    expect(isIsoCountry(c)).toBe(false);
    expect(levels(countryIssues(c))).toEqual(['ERROR']);
  });

  it('accepts XK but marks it as a WARN case', () => {
    expect(isIsoCountry('XK')).toBe(true);
    expect(isWarnCountry('XK')).toBe(true);
    expect(isWarnCountry('US')).toBe(false);
    expect(levels(countryIssues('XK'))).toEqual(['WARN']);
  });

  it('lists exactly the 249 assigned codes, sorted and unique', () => {
    expect(ISO_3166_ALPHA2).toHaveLength(249);
    expect(new Set(ISO_3166_ALPHA2).size).toBe(249);
    expect([...ISO_3166_ALPHA2].sort()).toEqual(ISO_3166_ALPHA2);
    expect(ISO_3166_ALPHA2).not.toContain('XK');
  });
});
