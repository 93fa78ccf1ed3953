import fs from 'node:fs';
import { ContractError } from '../../../../shared/contract/errors';

/** A trades.csv-shaped row: column name → value; absent = undefined. */
export type TradeRow = Record<string, string | undefined>;

export interface WriteSummary {
  /** `Stat` elements written (a two-sided trade is one report with two CtrPtySpcfcData). */
  reports: number;
  /** Rows written (one per CtrPtySpcfcData). */
  records: number;
  bytes: number;
}

/** Columns that belong to the trade itself rather than to one side: equal on both rows of a two-sided trade. */
const COMMON_COLUMNS = [
  'uti',
  'upi',
  'contract_type',
  'asset_class',
  'underlier_dti',
  'underlier_symbol',
  'option_type',
  'option_style',
  'strike',
  'strike_ccy',
  'cleared',
  'ccp_lei',
  'platform_mic',
  'execution_ts',
  'effective_date',
  'expiration_date',
  'notional',
  'notional_ccy',
  'quantity',
  'price',
  'price_ccy',
  'collateral_portfolio_code',
  'action_type',
  'level',
] as const;

const NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:auth.107.001.01';
/** Room for the record count, written once the rows are counted (spaces are whitespace the schema collapses). */
const COUNT_WIDTH = 12;
const FLUSH_CHARS = 64 * 1024;

/**
 * Writes trades.csv-shaped rows as an auth.107.001.01 DerivativesTradeStateReport, streaming
 * (for tests, benchmarks and the demo). Two consecutive rows with the same UTI and the same
 * trade-level columns become one `Stat` with two CtrPtySpcfcData blocks, as a trade repository
 * reports a two-sided trade. Columns ISO 20022 has no element for (venue_id, perpetual) are not
 * written. The result reads back through openIso20022 into the same values.
 */
export async function writeAuth107(records: Iterable<TradeRow> | AsyncIterable<TradeRow>, file: string): Promise<WriteSummary> {
  const out = fs.createWriteStream(file);
  let failure: Error | undefined;
  out.on('error', (error) => (failure = error));
  const waitFor = (event: 'drain' | 'finish') =>
    new Promise<void>((resolve, reject) => {
      const onEvent = () => {
        out.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        out.off(event, onEvent);
        reject(error);
      };
      out.once(event, onEvent);
      out.once('error', onError);
    });
  let buffer = '';
  let bytes = 0;
  const emit = async (text: string, force = false) => {
    buffer += text;
    if (buffer.length < FLUSH_CHARS && !force) return;
    if (failure) throw failure;
    bytes += Buffer.byteLength(buffer);
    const ok = out.write(buffer);
    buffer = '';
    if (!ok) await waitFor('drain');
  };

  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${NAMESPACE}">\n<DerivsTradStatRpt>\n<RptHdr><NbRcrds>`;
  const countOffset = Buffer.byteLength(head);
  const summary: WriteSummary = { reports: 0, records: 0, bytes: 0 };
  try {
    await emit(`${head}${'0'.padEnd(COUNT_WIDTH)}</NbRcrds></RptHdr>\n<TradData>\n`);
    let pending: TradeRow | undefined;
    for await (const row of records) {
      if (pending !== undefined && sameTrade(pending, row)) {
        await emit(stat([pending, row]));
        summary.reports++;
        summary.records += 2;
        pending = undefined;
        continue;
      }
      if (pending !== undefined) {
        await emit(stat([pending]));
        summary.reports++;
        summary.records++;
      }
      pending = row;
    }
    if (pending !== undefined) {
      await emit(stat([pending]));
      summary.reports++;
      summary.records++;
    }
    await emit('</TradData>\n</DerivsTradStatRpt>\n</Document>\n', true);
    const finished = waitFor('finish');
    out.end();
    await finished;
    if (failure) throw failure;
  } catch (error) {
    out.destroy();
    throw error;
  }
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.write(String(summary.reports).padEnd(COUNT_WIDTH), countOffset, 'utf8');
  } finally {
    await handle.close();
  }
  summary.bytes = bytes;
  return summary;
}

function sameTrade(a: TradeRow, b: TradeRow): boolean {
  return a.uti !== undefined && COMMON_COLUMNS.every((c) => a[c] === b[c]);
}

/** One `Stat` (TradeStateReport) holding the given sides of one trade. */
function stat(sides: TradeRow[]): string {
  const t = sides[0]!;
  const parts = ['<Stat>\n'];
  for (const side of sides) parts.push(counterpartyBlock(side));
  parts.push('<CmonTradData>\n');
  const contract =
    el('CtrctTp', t.contract_type) + el('AsstClss', t.asset_class) + wrap('PdctId', wrap('UnqPdctIdr', el('Id', t.upi))) + underlier(t);
  parts.push(line(wrap('CtrctData', contract)));
  const tx =
    wrap('TxId', el('UnqTxIdr', t.uti)) +
    wrap('CollPrtflCd', wrap('Prtfl', el('Cd', t.collateral_portfolio_code))) +
    el('PltfmIdr', t.platform_mic) +
    wrap('TxPric', wrap('Pric', price(t.price, t.price_ccy))) +
    wrap('NtnlAmt', wrap('FrstLeg', wrap('Amt', signedAmount(t.notional, t.notional_ccy)))) +
    wrap('NtnlQty', wrap('FrstLeg', el('TtlQty', t.quantity))) +
    el('ExctnTmStmp', t.execution_ts) +
    el('FctvDt', t.effective_date) +
    el('XprtnDt', t.expiration_date) +
    clearing(t) +
    wrap('Optn', el('Tp', t.option_type) + el('ExrcStyle', t.option_style) + wrap('StrkPric', price(t.strike, t.strike_ccy)));
  parts.push(line(wrap('TxData', tx)), line(wrap('CtrctMod', el('ActnTp', t.action_type) + el('Lvl', t.level))));
  parts.push('</CmonTradData>\n</Stat>\n');
  return parts.join('');
}

function counterpartyBlock(r: TradeRow): string {
  const reporting = wrap('Id', wrap('Lgl', wrap('Id', el('LEI', r.reporting_lei)))) + wrap('DrctnOrSd', el('CtrPtySd', r.direction));
  const other =
    r.other_cpty_is_lei === 'false'
      ? wrap('Ntrl', wrap('Id', wrap('Id', el('Id', r.other_cpty_id))) + el('Ctry', r.other_cpty_country))
      : wrap('Lgl', wrap('Id', el('LEI', r.other_cpty_id)) + el('Ctry', r.other_cpty_country));
  const valuation =
    wrap('CtrctVal', signedAmount(r.valuation_amount, r.valuation_ccy)) +
    el('TmStmp', r.valuation_ts) +
    el('Tp', r.valuation_method) +
    el('Dlta', r.delta);
  return (
    '<CtrPtySpcfcData>\n' +
    line(wrap('CtrPty', wrap('RptgCtrPty', reporting) + wrap('OthrCtrPty', wrap('IdTp', other)))) +
    line(wrap('Valtn', valuation) + el('RptgTmStmp', r.reporting_ts)) +
    '</CtrPtySpcfcData>\n'
  );
}

function underlier(r: TradeRow): string {
  if (r.underlier_dti !== undefined) return wrap('UndrlygInstrm', wrap('Othr', el('Id', r.underlier_dti) + el('Src', 'DTI')));
  if (r.underlier_symbol !== undefined) return wrap('UndrlygInstrm', wrap('Othr', el('Id', r.underlier_symbol) + el('Src', 'SYMBOL')));
  return '';
}

function clearing(r: TradeRow): string {
  const status =
    r.cleared === 'Y'
      ? wrap('Clrd', r.ccp_lei === undefined ? el('Rsn', 'NORE') : wrap('Dtls', wrap('CCP', el('LEI', r.ccp_lei))))
      : r.cleared === 'I'
        ? wrap('IntndToClear', el('Rsn', 'NORE'))
        : r.cleared === 'N'
          ? wrap('NonClrd', el('Rsn', 'NORE'))
          : '';
  return wrap('TradClr', wrap('ClrSts', status));
}

/** A price or strike: a monetary value when it has a currency, else a decimal number. */
function price(value: string | undefined, ccy: string | undefined): string {
  if (value === undefined) return '';
  return ccy === undefined ? el('Dcml', value) : wrap('MntryVal', signedAmount(value, ccy));
}

/** ISO amounts are unsigned, with the sign in a separate `Sgn` (false = negative). */
function signedAmount(value: string | undefined, ccy: string | undefined): string {
  if (value === undefined) return '';
  const negative = /^-\d/.test(value);
  const attribute = ccy === undefined ? '' : ` Ccy="${escape(ccy)}"`;
  return `<Amt${attribute}>${escape(negative ? value.slice(1) : value)}</Amt>${negative ? '<Sgn>false</Sgn>' : ''}`;
}

const el = (name: string, value: string | undefined) => (value === undefined ? '' : `<${name}>${escape(value)}</${name}>`);
const wrap = (name: string, content: string) => (content === '' ? '' : `<${name}>${content}</${name}>`);
const line = (content: string) => (content === '' ? '' : `${content}\n`);

/** True when the value has a character XML 1.0 cannot carry (C0 controls but tab/LF/CR, U+FFFE/FFFF, lone surrogates). */
function hasNonXmlChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 ? c !== 0x09 && c !== 0x0a && c !== 0x0d : c === 0xfffe || c === 0xffff) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function escape(value: string): string {
  if (hasNonXmlChar(value)) {
    throw new ContractError('INVALID_INPUT', `The value ${JSON.stringify(value.slice(0, 40))} has a character XML cannot carry.`);
  }
  return value.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}
