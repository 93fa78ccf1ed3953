import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { isoDateToCsv, isoDecimalToCsv, isoTimestampToCsv } from '../../../../../electron/backend/snapshots/iso20022/mapReports';
import {
  iso20022Limits,
  openIso20022,
  type Iso20022Source,
  type XmlRecord,
} from '../../../../../electron/backend/snapshots/iso20022/readIso20022';
import { writeAuth107, type TradeRow } from '../../../../../electron/backend/snapshots/iso20022/writeAuth107';
import { checkMarginRow } from '../../../../../electron/backend/snapshots/marginRow';
import { checkTradeRow } from '../../../../../electron/backend/snapshots/tradeRow';
import { ContractError } from '../../../../../shared/contract/errors';
import { fixturesDir, tempDir } from '../../../../helpers/tempDir';

const fixture = (name: string) => path.join(fixturesDir, 'iso20022', name);
const context = { regime: 'EMIR', asOfDate: '2026-06-30' } as const;

const A = '529900CNCDEALERA0121';
const B = '213800CNCFUNDBBB0257';
const C = '529900CNCFUNDCCC0507';
const D = '5493003CNCBANKD00638';
const CCP = '635400CNCCCPXYZ00360';
const BTC = '4H95J0R2X';
const NS107 = 'urn:iso:std:iso:20022:tech:xsd:auth.107.001.01';
const NS030 = 'urn:iso:std:iso:20022:tech:xsd:auth.030.001.03';

async function read(file: string, options?: Parameters<typeof openIso20022>[1]): Promise<{ source: Iso20022Source; records: XmlRecord[] }> {
  const source = await openIso20022(file, options);
  const records: XmlRecord[] = [];
  for await (const record of source.records) records.push(record);
  return { source, records };
}

const readAll = async (file: string, options?: Parameters<typeof openIso20022>[1]) => (await read(file, options)).records;

/** Writes an XML file in a temp dir (text as given, so tests can build any structure). */
function xmlFile(content: string | Buffer, name = 'test.xml'): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, content);
  return file;
}

/** A minimal auth.107 document around the given TradData content. */
const auth107 = (tradData: string, ns = NS107) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${ns}">\n<DerivsTradStatRpt>\n<RptHdr><NbRcrds>1</NbRcrds></RptHdr>\n<TradData>\n${tradData}\n</TradData>\n</DerivsTradStatRpt>\n</Document>\n`;

async function rejection(promise: Promise<unknown>): Promise<ContractError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ContractError);
    return error as ContractError;
  }
  throw new Error('expected a ContractError, got none');
}

const errorOf = (file: string) => rejection(readAll(file));

const ruleIds = (issues: { ruleId: string; severity: string }[]) => issues.filter((i) => i.severity === 'ERROR').map((i) => i.ruleId);

describe('openIso20022 on auth.107 (trade state)', () => {
  it('maps every report, one record per counterparty-specific block, in the CSV formats', async () => {
    const { source, records } = await read(fixture('auth107-trades.xml'));
    expect(source).toMatchObject({ message: 'auth.107.001.01', kind: 'trades' });
    expect(records.map((r) => [r.line, r.location])).toEqual([
      [12, '/Document/DerivsTradStatRpt/TradData/Stat[1]/CtrPtySpcfcData[1]'],
      [12, '/Document/DerivsTradStatRpt/TradData/Stat[1]/CtrPtySpcfcData[2]'],
      [86, '/Document/DerivsTradStatRpt/TradData/Stat[2]/CtrPtySpcfcData[1]'],
      [127, '/Document/DerivsTradStatRpt/TradData/Stat[3]/CtrPtySpcfcData[1]'],
      [179, '/Document/DerivsTradStatRpt/TradData/Stat[4]/CtrPtySpcfcData[1]'],
      [227, '/Document/DerivsTradStatRpt/TradData/Stat[5]/CtrPtySpcfcData[1]'],
    ]);
    const forward = {
      uti: `${A}FWD0001`,
      upi: 'QZ78BTCFWD00',
      contract_type: 'FORW',
      asset_class: 'OTHR',
      underlier_dti: BTC,
      cleared: 'N',
      platform_mic: 'XXXX',
      execution_ts: '2026-06-01T10:00:00Z', // 12:00:00.123+02:00
      effective_date: '2026-06-01',
      expiration_date: '2026-12-31',
      notional: '1000000',
      notional_ccy: 'USD',
      quantity: '15.5642',
      price: '64250.5',
      price_ccy: 'USD',
      valuation_ccy: 'USD',
      valuation_ts: '2026-06-29T20:00:00Z',
      valuation_method: 'MTMA',
      collateral_portfolio_code: 'PF-A-B',
      action_type: 'NEWT',
      level: 'TCTN',
    };
    // Two-sided: each side as reported by itself, opposite directions and valuation signs.
    expect(records[0]!.values).toEqual({
      ...forward,
      reporting_lei: A,
      other_cpty_id: B,
      other_cpty_is_lei: 'true',
      direction: 'BYER',
      valuation_amount: '12500.50',
      reporting_ts: '2026-06-30T18:00:00Z',
    });
    expect(records[1]!.values).toEqual({
      ...forward,
      reporting_lei: B,
      other_cpty_id: A,
      other_cpty_is_lei: 'true',
      direction: 'SLLR',
      valuation_amount: '-12500.50',
      reporting_ts: '2026-06-30T18:05:30Z', // fraction dropped
    });
    // A natural person: its id is not an LEI, and its country is given.
    expect(records[2]!.values).toEqual({
      uti: `${D}CFD0002`,
      reporting_lei: D,
      other_cpty_id: 'NP-FR-000017',
      other_cpty_is_lei: 'false',
      other_cpty_country: 'FR',
      direction: 'SLLR',
      upi: 'QZ56BTCCFD00',
      contract_type: 'CFDS',
      asset_class: 'OTHR',
      underlier_dti: BTC,
      cleared: 'N',
      platform_mic: 'XXXX',
      execution_ts: '2026-06-03T10:00:00Z',
      effective_date: '2026-06-03',
      notional: '200000',
      notional_ccy: 'USD',
      quantity: '3.125',
      price: '64000',
      price_ccy: 'USD',
      valuation_amount: '850.25',
      valuation_ccy: 'USD',
      valuation_ts: '2026-06-29T23:59:59Z',
      valuation_method: 'MTMO',
      action_type: 'NEWT',
      level: 'TCTN',
      reporting_ts: '2026-06-30T18:00:00Z',
    });
    // A cleared future: CCP, venue MIC, CCP valuation (offset -05:00 converted), position level.
    expect(records[3]!.values).toEqual({
      uti: `${D}FUT0003`,
      reporting_lei: D,
      other_cpty_id: CCP,
      other_cpty_is_lei: 'true',
      direction: 'BYER',
      upi: 'QZ12BTCF0TRN',
      contract_type: 'FUTR',
      asset_class: 'OTHR',
      underlier_dti: BTC,
      cleared: 'Y',
      ccp_lei: CCP,
      platform_mic: 'XCME',
      execution_ts: '2026-06-10T14:30:00Z',
      effective_date: '2026-06-10',
      expiration_date: '2026-09-25',
      notional: '320500',
      notional_ccy: 'USD',
      quantity: '5',
      price: '64100',
      price_ccy: 'USD',
      valuation_amount: '3200',
      valuation_ccy: 'USD',
      valuation_ts: '2026-06-29T21:00:00Z',
      valuation_method: 'CCPV',
      collateral_portfolio_code: 'CME-HOUSE-D',
      action_type: 'NEWT',
      level: 'PSTN',
      reporting_ts: '2026-06-30T18:00:00Z',
    });
    // An option: type, style, strike with its currency, delta.
    expect(records[4]!.values).toEqual({
      uti: `${C}OPT0004`,
      reporting_lei: C,
      other_cpty_id: A,
      other_cpty_is_lei: 'true',
      direction: 'BYER',
      upi: 'QZ34BTCPT0PC',
      contract_type: 'OPTN',
      asset_class: 'OTHR',
      underlier_dti: BTC,
      option_type: 'CALL',
      option_style: 'EURO',
      strike: '70000',
      strike_ccy: 'USD',
      cleared: 'N',
      platform_mic: 'XXXX',
      execution_ts: '2026-06-05T08:15:00Z', // 09:15:00+01:00
      effective_date: '2026-06-05',
      expiration_date: '2026-09-25',
      notional: '650000',
      notional_ccy: 'USD',
      quantity: '10',
      valuation_amount: '15250',
      valuation_ccy: 'USD',
      valuation_ts: '2026-06-29T20:00:00Z',
      valuation_method: 'MTMO',
      delta: '0.4512',
      collateral_portfolio_code: 'PF-C-A',
      action_type: 'NEWT',
      level: 'TCTN',
      reporting_ts: '2026-06-30T18:00:00Z',
    });
    expect(records[5]!.values).toMatchObject({ uti: `${A}FWD0005`, reporting_lei: '529900CNCDEALERA0122', other_cpty_id: B });
  });

  it('passes the existing trade validation, except the report with a bad LEI', async () => {
    const records = await readAll(fixture('auth107-trades.xml'));
    const checked = records.map((r) => checkTradeRow(r.values, context));
    expect(checked.slice(0, 5).map((c) => c.issues)).toEqual([[], [], [], [], []]);
    expect(checked.slice(0, 5).every((c) => c.value !== undefined)).toBe(true);
    expect(checked[5]!.value).toBeUndefined();
    expect(ruleIds(checked[5]!.issues)).toEqual(['CNC_LEI']);
    expect(checked[5]!.issues[0]!.field).toBe('reporting_lei');
  });
});

describe('openIso20022 on auth.109 (margin state) in a BizData envelope', () => {
  it('maps portfolio and per-trade margins to margins.csv columns', async () => {
    const { source, records } = await read(fixture('auth109-margins.xml'));
    expect(source).toMatchObject({ message: 'auth.109.001.01', kind: 'margins' });
    const prefix = '/BizData/Pyld/Document/DerivsTradMrgnDataTxStatRpt/TradData';
    expect(records.map((r) => [r.line, r.location])).toEqual([
      [24, `${prefix}/Stat[1]`],
      [51, `${prefix}/Stat[2]`],
      [68, `${prefix}/Stat[3]`],
    ]);
    expect(records.map((r) => r.values)).toEqual([
      {
        reporting_lei: A,
        other_cpty_id: B,
        collateral_portfolio_code: 'PF-A-B',
        collateralisation_category: 'FLCL',
        im_posted: '50000', // pre-haircut wins over post-haircut
        im_posted_ccy: 'USD',
        vm_posted: '1000',
        vm_posted_ccy: 'USD',
        im_collected: '19000.5', // only post-haircut given
        im_collected_ccy: 'USD',
        excess_collected: '250',
        excess_collected_ccy: 'USD',
        collateral_ts: '2026-06-30T17:00:00Z',
      },
      {
        reporting_lei: B,
        other_cpty_id: A,
        collateral_portfolio_code: 'PF-B-A',
        collateralisation_category: 'FLCL',
        im_posted: '20000',
        im_posted_ccy: 'EUR',
        collateral_ts: '2026-06-30T17:00:00Z', // 19:00:00+02:00
      },
      {
        reporting_lei: D,
        other_cpty_id: 'NP-FR-000017',
        uti: `${D}CFD0002`,
        collateralisation_category: 'OWC2',
        im_collected: '10000',
        im_collected_ccy: 'USD',
        vm_collected: '0',
        vm_collected_ccy: 'USD',
        collateral_ts: '2026-06-30T17:30:00Z',
      },
    ]);
    for (const record of records) expect(checkMarginRow(record.values, context)).toMatchObject({ issues: [] });
  });
});

describe('openIso20022 on auth.030 (trade activity)', () => {
  it('takes the action type from the kind of report', async () => {
    const { source, records } = await read(fixture('auth030-activity.xml'));
    expect(source).toMatchObject({ message: 'auth.030.001.03', kind: 'trades' });
    const prefix = '/Document/DerivsTradRpt/TradData';
    expect(records.map((r) => [r.line, r.location, r.values.action_type, r.values.notional])).toEqual([
      [11, `${prefix}/Rpt[1]/New/CtrPtySpcfcData[1]`, 'NEWT', '2000000'],
      [44, `${prefix}/Rpt[2]/Mod/CtrPtySpcfcData[1]`, 'MODI', '1500000'],
      [74, `${prefix}/Rpt[3]/Termntn/CtrPtySpcfcData[1]`, 'TERM', '1500000'],
      [99, `${prefix}/Rpt[4]/Err/CtrPtySpcfcData[1]`, 'EROR', '250000'],
    ]);
    expect(records[0]!.values).toEqual({
      uti: `${A}FWD0010`,
      reporting_lei: A,
      other_cpty_id: D,
      other_cpty_is_lei: 'true',
      direction: 'BYER',
      upi: 'QZ78BTCFWD00',
      contract_type: 'FORW',
      asset_class: 'OTHR',
      cleared: 'N',
      platform_mic: 'XXXX',
      execution_ts: '2026-06-15T08:00:00Z',
      effective_date: '2026-06-15',
      expiration_date: '2027-06-15',
      notional: '2000000',
      notional_ccy: 'USD',
      price: '65000',
      price_ccy: 'USD',
      action_type: 'NEWT',
      level: 'TCTN',
      reporting_ts: '2026-06-15T08:05:00Z',
    });
    expect(records[3]!.values).toEqual({
      uti: `${A}FWD0011`,
      reporting_lei: A,
      other_cpty_id: B,
      other_cpty_is_lei: 'true',
      direction: 'SLLR',
      execution_ts: '2026-06-16T11:00:00Z',
      notional: '250000',
      notional_ccy: 'USD',
      action_type: 'EROR',
      level: 'TCTN',
      reporting_ts: '2026-06-26T07:30:00Z',
    });
    // None carries a valuation: the outstanding trade (NEWT, MODI), executed 06-15, 15 days before
    // the as-of date, is flagged; the terminated and the erroneous one need none.
    const issues = records.map((record) => checkTradeRow(record.values, context).issues.map((i) => `${i.severity}:${i.ruleId}`));
    expect(issues).toEqual([['WARN:CNC_VALUATION_MISSING'], ['WARN:CNC_VALUATION_MISSING'], [], []]);
  });

  it('maps every report kind, and still yields a record for a report it cannot map', async () => {
    const kinds = ['New', 'Mod', 'Crrctn', 'Termntn', 'PosCmpnt', 'ValtnUpd', 'Err', 'Rvv', 'PortOut', 'Cmprssn', 'Othr', 'Unknwn'];
    const body = kinds
      .map(
        (k) =>
          `<Rpt><${k}><CmonTradData><TxData><TxId><UnqTxIdr>${A}X${k.toUpperCase()}</UnqTxIdr></TxId></TxData></CmonTradData></${k}></Rpt>`,
      )
      .join('\n');
    const file = xmlFile(
      `<Document xmlns="${NS030}"><DerivsTradRpt><RptHdr><NbRcrds>13</NbRcrds></RptHdr><TradData>\n${body}\n<Rpt/>\n</TradData></DerivsTradRpt></Document>`,
    );
    const records = await readAll(file);
    expect(records.map((r) => r.values.action_type)).toEqual([
      'NEWT',
      'MODI',
      'CORR',
      'TERM',
      'POSC',
      'VALU',
      'EROR',
      'REVI',
      'PRTO',
      'COMP',
      'OTHR',
      undefined,
      undefined,
    ]);
    expect(records[11]).toEqual({
      line: 13,
      location: '/Document/DerivsTradRpt/TradData/Rpt[12]/Unknwn',
      values: { uti: `${A}XUNKNWN` },
    });
    expect(records[12]).toEqual({ line: 14, location: '/Document/DerivsTradRpt/TradData/Rpt[13]', values: {} });
    // Nothing is dropped silently: the unmappable reports are rejected by validation (and kept raw).
    expect(checkTradeRow(records[12]!.values, context).value).toBeUndefined();
  });
});

describe('structure and namespaces', () => {
  it('yields a record for a report without counterparty blocks and for an unknown report element', async () => {
    const file = xmlFile(
      auth107(`<Stat><CmonTradData><TxData><TxId><UnqTxIdr>${A}T1</UnqTxIdr></TxId></TxData></CmonTradData></Stat>\n<Oops/>`),
    );
    const records = await readAll(file);
    expect(records).toEqual([
      { line: 6, location: '/Document/DerivsTradStatRpt/TradData/Stat[1]', values: { uti: `${A}T1` } },
      { line: 7, location: '/Document/DerivsTradStatRpt/TradData/Oops[1]', values: {} },
    ]);
  });

  it('yields nothing for a no-activity report (DataSetActn NOTX)', async () => {
    expect(await readAll(xmlFile(auth107('<DataSetActn>NOTX</DataSetActn>')))).toEqual([]);
  });

  it('reads prefixed namespaces, CDATA and character references, and ignores foreign-namespace content', async () => {
    const file = xmlFile(
      `<a:Document xmlns:a="${NS107}"><a:DerivsTradStatRpt><a:TradData><a:Stat>` +
        `<a:CtrPtySpcfcData><a:CtrPty><a:RptgCtrPty><a:Id><a:Lgl><a:Id><a:LEI><![CDATA[${A}]]></a:LEI></a:Id></a:Lgl></a:Id></a:RptgCtrPty>` +
        `<a:OthrCtrPty><a:IdTp><a:Ntrl><a:Id><a:Id><a:Id>J&#x2019;s &amp; co &lt;1&gt;</a:Id></a:Id></a:Id></a:Ntrl></a:IdTp></a:OthrCtrPty></a:CtrPty>` +
        `<x:Valtn xmlns:x="urn:other"><x:Tp>MTMA</x:Tp></x:Valtn></a:CtrPtySpcfcData>` +
        `<a:SplmtryData><a:Envlp><LEI xmlns="urn:other">${B}</LEI></a:Envlp></a:SplmtryData>` +
        `</a:Stat></a:TradData></a:DerivsTradStatRpt></a:Document>`,
    );
    const [record] = await readAll(file);
    expect(record!.values).toEqual({ reporting_lei: A, other_cpty_id: 'J’s & co <1>', other_cpty_is_lei: 'false' });
  });

  it('maps a legal entity without an LEI (BIC), and a NtrlPrsn natural person, with their countries', async () => {
    const file = xmlFile(
      auth107(
        `<Stat><CtrPtySpcfcData><CtrPty><OthrCtrPty><IdTp><Lgl><Id><AnyBIC>CNCBGB2LXXX</AnyBIC></Id><Ctry>GB</Ctry></Lgl></IdTp></OthrCtrPty></CtrPty></CtrPtySpcfcData></Stat>`,
      ),
    );
    const [record] = await readAll(file);
    expect(record!.values).toEqual({ other_cpty_id: 'CNCBGB2LXXX', other_cpty_is_lei: 'false', other_cpty_country: 'GB' });
    const alias = xmlFile(
      auth107(
        `<Stat><CtrPtySpcfcData><CtrPty><OthrCtrPty><IdTp><NtrlPrsn><Id><Id><Id>NP-DE-1</Id></Id></Id><Ctry>DE</Ctry></NtrlPrsn></IdTp></OthrCtrPty></CtrPty></CtrPtySpcfcData></Stat>`,
      ),
      'alias.xml',
    );
    const [person] = await readAll(alias);
    expect(person!.values).toEqual({ other_cpty_id: 'NP-DE-1', other_cpty_is_lei: 'false', other_cpty_country: 'DE' });
  });

  it('refuses a Document whose message element is not the one its namespace names', async () => {
    const file = xmlFile(`<Document xmlns="${NS107}">\n<DerivsTradRpt/>\n</Document>`);
    expect((await errorOf(file)).message).toBe(
      'test.xml is not a valid auth.107.001.01 message: its Document holds <DerivsTradRpt> at line 2, not <DerivsTradStatRpt>.',
    );
  });

  it('refuses a BizData envelope whose payload is not one of the three messages, or that has none', async () => {
    const head = 'urn:iso:std:iso:20022:tech:xsd:head.003.001.01';
    const wrong = xmlFile(
      `<BizData xmlns="${head}"><Hdr/><Pyld><Document xmlns="urn:iso:std:iso:20022:tech:xsd:auth.036.001.02"/></Pyld></BizData>`,
    );
    expect((await errorOf(wrong)).message).toBe(
      'test.xml is not an ISO 20022 auth.107/auth.109/auth.030 message: its BizData payload is <Document> in namespace urn:iso:std:iso:20022:tech:xsd:auth.036.001.02 (expected urn:iso:std:iso:20022:tech:xsd:auth.107.001.01, urn:iso:std:iso:20022:tech:xsd:auth.109.001.01, urn:iso:std:iso:20022:tech:xsd:auth.030.001.03).',
    );
    const none = xmlFile(`<BizData xmlns="${head}"><Hdr/><Pyld/></BizData>`);
    expect((await errorOf(none)).message).toBe(
      'test.xml is not an ISO 20022 auth.107/auth.109/auth.030 message: its BizData envelope carries no <Document> payload.',
    );
  });

  it('reads only as far as the root element when opening', async () => {
    // Broken after the root: open succeeds, the records generator meets the error.
    const file = xmlFile(auth107('<Stat></Stat>').replace('<TradData>', '<TradData><Stat></Oops>'));
    const source = await openIso20022(file);
    expect(source.message).toBe('auth.107.001.01');
    const error = await rejection(source.records.next());
    expect(error.message).toBe('test.xml is not well-formed XML at line 5: unexpected close tag.');
  });
});

describe('hostile and wrong files', () => {
  const hostile = (name: string) => fixture(path.join('hostile', name));
  it.each([
    [
      'doctype-billion-laughs.xml',
      'doctype-billion-laughs.xml contains a DOCTYPE declaration at line 2, which ISO 20022 messages never have: it is refused so that no entity or external reference is ever processed.',
    ],
    [
      'doctype-xxe.xml',
      'doctype-xxe.xml contains a DOCTYPE declaration at line 2, which ISO 20022 messages never have: it is refused so that no entity or external reference is ever processed.',
    ],
    [
      'wrong-namespace.xml',
      'wrong-namespace.xml is not an ISO 20022 auth.107/auth.109/auth.030 message: its root element is <Document> in namespace urn:iso:std:iso:20022:tech:xsd:auth.108.001.01 (expected urn:iso:std:iso:20022:tech:xsd:auth.107.001.01, urn:iso:std:iso:20022:tech:xsd:auth.109.001.01, urn:iso:std:iso:20022:tech:xsd:auth.030.001.03).',
    ],
    [
      'wrong-root.xml',
      'wrong-root.xml is not an ISO 20022 auth.107/auth.109/auth.030 message: its root element is <Foo> in namespace urn:x.',
    ],
    ['not-well-formed.xml', 'not-well-formed.xml is not well-formed XML at line 17: unexpected close tag.'],
    [
      'undefined-entity.xml',
      'undefined-entity.xml uses an undefined entity reference at line 5: only &amp; &lt; &gt; &quot; &apos; and character references are allowed.',
    ],
    ['binary-junk.xml', 'binary-junk.xml is a binary file, not UTF-8 XML.'],
    ['utf16.xml', 'utf16.xml is UTF-16 text; expected UTF-8 XML.'],
    ['latin1.xml', 'latin1.xml declares the encoding ISO-8859-1; expected UTF-8.'],
    ['empty.xml', 'empty.xml is empty: expected an ISO 20022 auth.107/auth.109/auth.030 message.'],
    [
      'not-xml.xml',
      'not-xml.xml is not XML: it starts with "uti,reporting_lei,other_" where an ISO 20022 auth.107/auth.109/auth.030 message starts with "<".',
    ],
  ])('refuses %s with one sentence', async (name, message) => {
    const error = await errorOf(hostile(name));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(message);
    expect(error.details).toMatchObject({ file: name });
  });

  it('refuses a DOCTYPE after comments and processing instructions, and one after the root element', async () => {
    const prolog = xmlFile(
      `<?xml version="1.0"?>\n<!-- a <b> comment -->\n<?pi <!DOCTYPE no?>\n<!DOCTYPE Document SYSTEM "http://example.invalid/x.dtd">\n<Document xmlns="${NS107}"/>`,
    );
    expect((await errorOf(prolog)).message).toMatch(/^test\.xml contains a DOCTYPE declaration at line 4,/);
    const inside = xmlFile(`<Document xmlns="${NS107}">\n<!DOCTYPE x>\n</Document>`);
    expect((await errorOf(inside)).message).toBe('test.xml is not well-formed XML at line 2: inappropriately located doctype declaration.');
  });

  it('finds a DOCTYPE whose start, or the end of the comment before it, straddles two 64 KB chunks', async () => {
    const chunk = 64 * 1024;
    for (const shift of [-9, -8, -5, -1, 0, 1]) {
      // "<!DOCTYPE" starts `shift` bytes after the chunk boundary.
      const head = '<?xml version="1.0"?>\n<!--';
      const tail = '-->\n';
      const padding = 'x'.repeat(chunk + shift - head.length - tail.length);
      const file = xmlFile(`${head}${padding}${tail}<!DOCTYPE Document [<!ENTITY a "b">]>\n<Document xmlns="${NS107}"/>`);
      expect((await errorOf(file)).message, `shift ${shift}`).toMatch(/^test\.xml contains a DOCTYPE declaration at line 3,/);
    }
    for (const shift of [-3, -2, -1, 0]) {
      // The comment's "-->" starts `shift` bytes after the chunk boundary.
      const head = '<?xml version="1.0"?>\n<!--';
      const padding = 'x'.repeat(chunk + shift - head.length);
      const file = xmlFile(`${head}${padding}-->\n<!DOCTYPE Document>\n<Document xmlns="${NS107}"/>`);
      expect((await errorOf(file)).message, `shift ${shift}`).toMatch(/^test\.xml contains a DOCTYPE declaration at line 3,/);
    }
  });

  it('refuses invalid UTF-8 mid-file and names the byte', async () => {
    const text = auth107(`<Stat><CtrPtySpcfcData><RptgTmStmp>X</RptgTmStmp></CtrPtySpcfcData></Stat>`);
    const at = Buffer.byteLength(text.slice(0, text.indexOf('X')));
    const bytes = Buffer.from(text);
    bytes[at] = 0xff;
    expect((await errorOf(xmlFile(bytes))).message).toBe(`test.xml is not UTF-8 text: invalid byte sequence at byte ${at}.`);
  });

  it('refuses a file cut off inside an element', async () => {
    const file = xmlFile(auth107('<Stat>').slice(0, -40));
    expect((await errorOf(file)).message).toMatch(/^test\.xml is not well-formed XML at line \d+: unclosed tag: /);
  });

  it('refuses a file with no element at all, and a missing file', async () => {
    expect((await errorOf(xmlFile('<?xml version="1.0"?>\n  \n'))).message).toBe(
      'test.xml contains no complete XML element: expected an ISO 20022 auth.107/auth.109/auth.030 message.',
    );
    const missing = await errorOf(path.join(tempDir(), 'nope.xml'));
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('limits element depth, text length, attributes and counterparty blocks', async () => {
    const deep = xmlFile(auth107(`<Stat>${'<X>'.repeat(80)}${'</X>'.repeat(80)}</Stat>`));
    expect((await errorOf(deep)).message).toBe(`test.xml nests elements more than ${iso20022Limits.maxDepth} deep at line 6.`);

    const big = 'A'.repeat(iso20022Limits.maxTextChars + 10);
    const longText = xmlFile(auth107(`<Stat><CtrPtySpcfcData><RptgTmStmp>${big}</RptgTmStmp></CtrPtySpcfcData></Stat>`));
    expect((await errorOf(longText)).message).toMatch(/^test\.xml has a text, name or attribute value longer than 1 MB at line 6\.$/);
    const longComment = xmlFile(auth107(`<!--${big}${big}-->`));
    expect((await errorOf(longComment)).message).toMatch(/longer than 1 MB/);
    const longAttribute = xmlFile(auth107(`<Stat a="${big}"/>`));
    expect((await errorOf(longAttribute)).message).toMatch(/longer than 1 MB/);

    const attributes = Array.from({ length: 40 }, (_, i) => `a${i}="1"`).join(' ');
    const manyAttributes = xmlFile(auth107(`<Stat ${attributes}/>`));
    expect((await errorOf(manyAttributes)).message).toBe(
      `test.xml has an element with more than ${iso20022Limits.maxAttributes} attributes at line 6.`,
    );

    const blocks = xmlFile(auth107(`<Stat>${'<CtrPtySpcfcData/>'.repeat(17)}</Stat>`));
    expect((await errorOf(blocks)).message).toBe(
      'test.xml has a report with more than 16 CtrPtySpcfcData blocks at line 6 (ISO 20022 allows 2).',
    );
  });
});

describe('cancellation and progress', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => tradeRow(i));

  it('throws CANCELLED when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(openIso20022(fixture('auth107-trades.xml'), { signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
  });

  it('stops reading when the signal is aborted mid-file, and reports bytes read', async () => {
    const file = path.join(tempDir(), 'big.xml');
    await writeAuth107(rows(3000), file);
    const size = fs.statSync(file).size;
    const controller = new AbortController();
    const progress: number[] = [];
    const source = await openIso20022(file, { signal: controller.signal, onBytes: (b) => progress.push(b) });
    let read = 0;
    const error = await rejection(
      (async () => {
        for await (const _record of source.records) {
          if (++read === 10) controller.abort();
        }
      })(),
    );
    expect(error.code).toBe('CANCELLED');
    expect(read).toBeLessThan(3000);
    expect(progress[0]).toBeGreaterThan(0);
    expect(progress.at(-1)).toBeLessThan(size);

    // Without cancelling, progress reaches the file size.
    const all: number[] = [];
    await readAll(file, { onBytes: (b) => all.push(b) });
    expect(all.at(-1)).toBe(size);
  });
});

describe('writeAuth107', () => {
  it('writes trades.csv rows that read back into the same values and validate identically', async () => {
    const csvFile = path.join(fixturesDir, 'snapshot-small', 'trades.csv');
    const csvRows = (parse(fs.readFileSync(csvFile), { columns: true }) as Record<string, string>[]).map((row) =>
      representable(Object.fromEntries(Object.entries(row).filter(([, v]) => v !== ''))),
    );
    const file = path.join(tempDir(), 'trades.xml');
    const summary = await writeAuth107(csvRows, file);
    // The first two rows are the two sides of one trade: one Stat, two blocks.
    expect(summary).toMatchObject({ reports: csvRows.length - 1, records: csvRows.length });
    expect(summary.bytes).toBe(fs.statSync(file).size);
    expect(fs.readFileSync(file, 'utf8')).toContain(`<NbRcrds>${csvRows.length - 1}`);

    const records = await readAll(file);
    expect(records.map((r) => r.values)).toEqual(csvRows);
    expect(records.map((r) => r.location.replace(/^.*TradData\//, '')).slice(0, 3)).toEqual([
      'Stat[1]/CtrPtySpcfcData[1]',
      'Stat[1]/CtrPtySpcfcData[2]',
      'Stat[2]/CtrPtySpcfcData[1]',
    ]);
    expect(records.map((r) => checkTradeRow(r.values, context))).toEqual(csvRows.map((row) => checkTradeRow(row, context)));
  });

  it('round-trips every mappable column, escaping XML characters', async () => {
    const rows: TradeRow[] = [
      {
        ...tradeRow(1),
        other_cpty_id: 'Q&A <"Ltd">',
        other_cpty_is_lei: 'false',
        other_cpty_country: 'GB',
        contract_type: 'OPTN',
        option_type: 'PUTO',
        option_style: 'AMER',
        strike: '-0.5',
        cleared: 'Y',
        ccp_lei: CCP,
        underlier_dti: undefined,
        underlier_symbol: 'ETH',
        valuation_amount: '-1234.5678',
        valuation_ccy: 'EUR',
        valuation_ts: '2026-06-29T20:00:00Z',
        valuation_method: 'CCPV',
        delta: '-0.25',
        price: '0.0123',
        quantity: '7',
        collateral_portfolio_code: 'P&1',
      },
    ];
    const file = path.join(tempDir(), 'escape.xml');
    await writeAuth107(rows, file);
    const [record] = await readAll(file);
    expect(record!.values).toEqual(rows[0]);
  });

  it('refuses a value with a character XML cannot carry', async () => {
    const error = await rejection(writeAuth107([{ ...tradeRow(1), other_cpty_id: 'bad\u0001' }], path.join(tempDir(), 'x.xml')));
    expect(error.message).toBe('The value "bad\\u0001" has a character XML cannot carry.');
  });
});

describe('value formats', () => {
  it('normalises ISO DateTime to UTC without fractions, and passes anything else through', () => {
    expect(isoTimestampToCsv('2026-06-01T10:00:00Z')).toBe('2026-06-01T10:00:00Z');
    expect(isoTimestampToCsv('2026-06-01T10:00:00.999999Z')).toBe('2026-06-01T10:00:00Z');
    expect(isoTimestampToCsv('2026-06-01T01:30:00+02:30')).toBe('2026-05-31T23:00:00Z');
    expect(isoTimestampToCsv('2026-12-31T23:30:00-01:00')).toBe('2027-01-01T00:30:00Z');
    expect(isoTimestampToCsv('2026-06-01T10:00:00')).toBe('2026-06-01T10:00:00Z');
    expect(isoTimestampToCsv('2026-06-30T24:00:00Z')).toBe('2026-07-01T00:00:00Z');
    expect(isoTimestampToCsv('2028-02-29T00:00:00Z')).toBe('2028-02-29T00:00:00Z');
    for (const bad of [
      '2026-02-30T10:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-06-01T10:61:00Z',
      '2026-06-01 10:00:00',
      'yesterday',
      '2026-06-01T10:00:00+15:00',
    ]) {
      expect(isoTimestampToCsv(bad)).toBe(bad);
    }
  });

  it('normalises ISO dates and decimals', () => {
    expect(isoDateToCsv('2026-06-01')).toBe('2026-06-01');
    expect(isoDateToCsv('2026-06-01+02:00')).toBe('2026-06-01');
    expect(isoDateToCsv('01/06/2026')).toBe('01/06/2026');
    expect(isoDecimalToCsv('+0012.50')).toBe('12.50');
    expect(isoDecimalToCsv('.5')).toBe('0.5');
    expect(isoDecimalToCsv('5.')).toBe('5');
    expect(isoDecimalToCsv('-3')).toBe('-3');
    expect(isoDecimalToCsv('12.5', 'false')).toBe('-12.5');
    expect(isoDecimalToCsv('12.5', 'true')).toBe('12.5');
    expect(isoDecimalToCsv('1e5')).toBe('1e5');
    expect(isoDecimalToCsv('12.5', 'maybe')).toBe('12.5 Sgn=maybe');
  });
});

describe('streaming a large file', () => {
  it('reads 200,000 reports (~150 MB) in bounded memory', { timeout: 120_000 }, async () => {
    const file = path.join(tempDir(), 'large-auth107.xml');
    const n = 200_000;
    function* generate(): Generator<TradeRow> {
      for (let i = 0; i < n; i++) yield leanRow(i);
    }
    const started = performance.now();
    const written = await writeAuth107(generate(), file);
    const writeSeconds = (performance.now() - started) / 1000;
    expect(written.reports).toBe(n);

    let peakRss = process.memoryUsage().rss;
    let count = 0;
    let last: XmlRecord | undefined;
    const readStarted = performance.now();
    const source = await openIso20022(file);
    for await (const record of source.records) {
      count++;
      last = record;
      if (count % 5_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const readSeconds = (performance.now() - readStarted) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    console.info(
      `large auth.107: ${mb(written.bytes)} MB, ${n} reports; write ${writeSeconds.toFixed(1)} s, read ${readSeconds.toFixed(1)} s; peak RSS ${mb(peakRss)} MB`,
    );
    expect(count).toBe(n);
    expect(last!.location).toBe(`/Document/DerivsTradStatRpt/TradData/Stat[${n}]/CtrPtySpcfcData[1]`);
    expect(last!.values).toEqual(leanRow(n - 1));
    expect(written.bytes).toBeGreaterThan(120 * 1024 * 1024);
    expect(peakRss).toBeLessThan(300 * 1024 * 1024);
  });
});

/** A trades.csv row without what auth.107 has no element for (see writeAuth107). */
function representable(row: TradeRow): TradeRow {
  const { venue_id: _venue, perpetual: _perpetual, ...rest } = row;
  if (rest.other_cpty_is_lei !== 'false') delete rest.other_cpty_country;
  if (rest.cleared !== 'Y') delete rest.ccp_lei;
  if (rest.underlier_dti !== undefined) delete rest.underlier_symbol;
  return rest;
}

/** tradeRow without the optional product, venue and valuation details (about 800 bytes as XML). */
function leanRow(i: number): TradeRow {
  const {
    upi: _upi,
    underlier_dti: _dti,
    asset_class: _class,
    effective_date: _effective,
    valuation_ts: _ts,
    valuation_method: _method,
    platform_mic: _mic,
    collateral_portfolio_code: _portfolio,
    ...row
  } = tradeRow(i);
  return row;
}

/** A valid forward report as a trades.csv row, varied by index. */
function tradeRow(i: number): TradeRow {
  const id = String(i).padStart(8, '0');
  return {
    uti: `${A}FWD${id}`,
    reporting_lei: i % 2 === 0 ? A : B,
    other_cpty_id: i % 2 === 0 ? B : A,
    other_cpty_is_lei: 'true',
    direction: i % 3 === 0 ? 'SLLR' : 'BYER',
    upi: 'QZ78BTCFWD00',
    contract_type: 'FORW',
    asset_class: 'OTHR',
    underlier_dti: BTC,
    cleared: 'N',
    platform_mic: 'XXXX',
    execution_ts: '2026-06-01T10:00:00Z',
    effective_date: '2026-06-01',
    expiration_date: '2026-12-31',
    notional: String(1000 + i),
    notional_ccy: 'USD',
    valuation_amount: `${i % 2 === 0 ? '' : '-'}${i}.25`,
    valuation_ccy: 'USD',
    valuation_ts: '2026-06-29T20:00:00Z',
    valuation_method: 'MTMA',
    collateral_portfolio_code: 'PF-A-B',
    action_type: 'NEWT',
    level: 'TCTN',
    reporting_ts: '2026-06-30T18:00:00Z',
  };
}
