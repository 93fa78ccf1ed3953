import fs from 'node:fs';
import path from 'node:path';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { ContractError } from '../../../../shared/contract/errors';
import {
  actionTypeOfReport,
  blockPaths,
  mapMarginReport,
  mapTradeReport,
  marginPaths,
  presencePaths,
  tradePaths,
  type CsvValues,
  type ValueStore,
} from './mapReports';

/** The ISO 20022 messages a trade repository sends to authorities that Concordat reads. */
export const iso20022Messages = ['auth.107.001.01', 'auth.109.001.01', 'auth.030.001.03'] as const;
export type Iso20022Message = (typeof iso20022Messages)[number];

export interface XmlRecord {
  /** 1-based line where the report element (`Stat`, or auth.030 `Rpt`) starts. */
  line: number;
  /** XPath-like place of the record, e.g. /Document/DerivsTradStatRpt/TradData/Stat[12]/CtrPtySpcfcData[2]. */
  location: string;
  /** CSV column name → value in the CSV format; absent = undefined. */
  values: Record<string, string | undefined>;
}

export interface Iso20022Source {
  message: Iso20022Message;
  kind: 'trades' | 'margins';
  /** Streams the reports; stopping early (break / return()) closes the file. */
  records: AsyncGenerator<XmlRecord>;
}

/** Limits that keep a hostile file from exhausting memory. */
export const iso20022Limits = {
  /** Element nesting (an ISO 20022 message needs about 20, inside a BizData envelope). */
  maxDepth: 64,
  /** Characters of one text node, attribute value, comment, name or DOCTYPE. */
  maxTextChars: 1 << 20,
  /** Attributes on one element. */
  maxAttributes: 32,
  /** CtrPtySpcfcData blocks in one report (the schema allows 2). */
  maxBlocksPerReport: 16,
  /** Characters of mapped field values kept for one report until it ends. */
  maxReportChars: 1 << 20,
  /** Bytes openIso20022 reads at most to find the message's Document element. */
  maxProbeBytes: 16 << 20,
} as const;

const CHUNK_BYTES = 64 * 1024;
const ISO_NS = 'urn:iso:std:iso:20022:tech:xsd:';
/** The business-data envelope (BizData/Hdr/AppHdr + BizData/Pyld/Document) TRs send to authorities. */
const ENVELOPE_NS = `${ISO_NS}head.003.001.01`;
const EXPECTED = 'an ISO 20022 auth.107/auth.109/auth.030 message';

interface MessageSpec {
  kind: 'trades' | 'margins';
  /** The message element under Document. */
  element: string;
  /** auth.030: each TradData/Rpt wraps one report named after its kind (New, Mod, …). */
  wrapped: boolean;
}

const messageSpecs: Record<Iso20022Message, MessageSpec> = {
  'auth.107.001.01': { kind: 'trades', element: 'DerivsTradStatRpt', wrapped: false },
  'auth.109.001.01': { kind: 'margins', element: 'DerivsTradMrgnDataTxStatRpt', wrapped: false },
  'auth.030.001.03': { kind: 'trades', element: 'DerivsTradRpt', wrapped: true },
};

/**
 * Opens an ISO 20022 file sent by a trade repository: reads only as far as the message's
 * Document element (the root, or the payload of a BizData envelope) to tell which message it
 * is, and returns a generator that streams its reports as records keyed by the Concordat CSV
 * column names (trades.csv for auth.107 and auth.030, margins.csv for auth.109).
 *
 * Everything is untrusted: DOCTYPEs (hence entities and external references) are refused, and
 * so are files that are not UTF-8 XML of one of the three messages. Memory stays bounded
 * whatever the file size (see iso20022Limits).
 */
export async function openIso20022(
  file: string,
  options: { signal?: AbortSignal; onBytes?: (bytesRead: number) => void } = {},
): Promise<Iso20022Source> {
  const name = path.basename(file);
  checkSignal(options.signal);
  const message = await probeMessage(file, name, options.signal);
  return { message, kind: messageSpecs[message].kind, records: readRecords(file, name, message, options) };
}

async function probeMessage(file: string, name: string, signal: AbortSignal | undefined): Promise<Iso20022Message> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    throw fileError(file, name, error);
  }
  try {
    const reader = new Iso20022Reader(name, undefined, true);
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let position = 0;
    for (;;) {
      checkSignal(signal);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) {
        reader.end();
        break;
      }
      position += bytesRead;
      if (reader.write(buffer.subarray(0, bytesRead)) && reader.message) return reader.message;
      if (position >= iso20022Limits.maxProbeBytes) {
        throw invalid(
          name,
          `${name} is not ${EXPECTED}: no message Document element in its first ${iso20022Limits.maxProbeBytes >> 20} MB.`,
        );
      }
    }
    if (reader.message) return reader.message;
    throw invalid(name, `${name} is not ${EXPECTED}: its BizData envelope carries no <Document> payload.`);
  } catch (error) {
    throw fileError(file, name, error);
  } finally {
    await handle.close();
  }
}

async function* readRecords(
  file: string,
  name: string,
  message: Iso20022Message,
  options: { signal?: AbortSignal; onBytes?: (bytesRead: number) => void },
): AsyncGenerator<XmlRecord> {
  const reader = new Iso20022Reader(name, message, false);
  const input = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let bytes = 0;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      checkSignal(options.signal);
      bytes += chunk.length;
      reader.write(chunk);
      options.onBytes?.(bytes);
      yield* reader.take();
    }
    reader.end();
    yield* reader.take();
  } catch (error) {
    throw fileError(file, name, error);
  } finally {
    input.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The streaming reader: bytes → UTF-8 text → saxes events → reports → records.
// ---------------------------------------------------------------------------------------------------------------

type Role = 'envelope' | 'payload' | 'document' | 'message' | 'tradData' | 'rpt' | 'report' | 'block' | 'field' | 'skip';

/** The mapped paths as a tree of element names; a node with a key is a field to capture. */
interface PathNode {
  children: Map<string, PathNode>;
  /** The path (the same string object the mapping looks values up by). */
  key?: string;
  /** The element's presence is the value (no text). */
  presence?: boolean;
}

function pathTree(paths: readonly string[], presence: readonly string[] = []): PathNode {
  const root: PathNode = { children: new Map() };
  const add = (path: string, isPresence: boolean) => {
    let node = root;
    for (const name of path.split('/')) {
      let child = node.children.get(name);
      if (child === undefined) node.children.set(name, (child = { children: new Map() }));
      node = child;
    }
    if (isPresence) node.presence = true;
    node.key = path;
  };
  for (const path of paths) add(path, false);
  for (const path of presence) add(path, true);
  return root;
}

const blockTree = pathTree(blockPaths);
const tradeTree = pathTree(tradePaths, presencePaths);
const marginTree = pathTree(marginPaths);

interface Frame {
  role: Role;
  /** Inside a report: where the element is in the tree of mapped paths (undefined: nothing mapped below). */
  node: PathNode | undefined;
  /** TradData: how many children of each name were seen, for the [n] of locations. */
  counts?: Map<string, number>;
}

/** Every element below an ignored one shares this frame: nothing is tracked there. */
const SKIP: Frame = { role: 'skip', node: undefined };

interface Block {
  location: string;
  values: ValueStore;
}

interface Report {
  line: number;
  location: string;
  actionType: string | undefined;
  common: ValueStore;
  blocks: Block[];
  /** The block being read, while inside a CtrPtySpcfcData element. */
  block: ValueStore | undefined;
  retainedChars: number;
}

interface Capture {
  /** Stack index of the element whose text is captured. */
  depth: number;
  store: ValueStore;
  key: string;
  text: string;
  ccy: string | undefined;
}

/** The text buffers saxes keeps while a token is incomplete (checked between chunks). */
interface SaxesBuffers {
  text?: string;
  name?: string;
  entity?: string;
  piTarget?: string;
}

/** Thrown from a handler to stop parsing once the message is known (openIso20022). */
class StopParsing extends Error {}

class Iso20022Reader {
  message: Iso20022Message | undefined;
  private spec: MessageSpec | undefined;
  private namespace = '';
  private locationPrefix = '';
  private readonly parser = new SaxesParser<{ xmlns: true; position: true }>({ xmlns: true, position: true });
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private bytes = 0;
  private sawRoot = false;
  private prologDone = false;
  private prologState: 'between' | 'comment' | 'pi' = 'between';
  private prologCarry = '';
  private prologLine = 1;
  private stopped = false;
  private readonly stack: Frame[] = [];
  private tagLine = 1;
  private attributeCount = 0;
  private attributeChars = 0;
  private report: Report | undefined;
  private rpt: { line: number; location: string; sawReport: boolean } | undefined;
  private capture: Capture | undefined;
  private records: XmlRecord[] = [];

  constructor(
    private readonly name: string,
    private readonly expected: Iso20022Message | undefined,
    private readonly stopAtMessage: boolean,
  ) {
    // Six handlers at most: a seventh turns the parser object into a slow dictionary-mode
    // object in V8 (about 4x slower). The XML declaration and DOCTYPE are checked on the raw
    // text instead (sniffStart, scanProlog).
    const p = this.parser;
    p.on('opentagstart', () => {
      if (this.stack.length >= iso20022Limits.maxDepth) {
        throw invalid(this.name, `${this.name} nests elements more than ${iso20022Limits.maxDepth} deep at line ${p.line}.`, p.line);
      }
      this.tagLine = p.line;
      this.attributeCount = 0;
      this.attributeChars = 0;
    });
    p.on('attribute', (attribute) => {
      this.attributeChars += attribute.name.length + attribute.value.length;
      if (++this.attributeCount > iso20022Limits.maxAttributes) {
        throw invalid(
          this.name,
          `${this.name} has an element with more than ${iso20022Limits.maxAttributes} attributes at line ${p.line}.`,
          p.line,
        );
      }
      if (this.attributeChars > iso20022Limits.maxTextChars) throw tooLong(this.name, p.line);
    });
    p.on('opentag', (tag) => this.open(tag));
    p.on('closetag', () => this.close());
    p.on('text', (text) => this.onText(text));
    p.on('cdata', (text) => this.onText(text));
  }

  /** Feeds the next bytes; true once parsing stopped at the message element (stopAtMessage). */
  write(chunk: Buffer): boolean {
    if (this.bytes === 0) sniffStart(this.name, chunk);
    const offset = this.bytes;
    this.bytes += chunk.length;
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      const at = firstInvalidUtf8(chunk);
      throw invalid(
        this.name,
        `${this.name} is not UTF-8 text: invalid byte sequence ${at >= 0 ? 'at' : 'near'} byte ${offset + Math.max(at, 0)}.`,
      );
    }
    if (!this.prologDone) this.scanProlog(text);
    try {
      this.parser.write(text);
    } catch (error) {
      if (error instanceof StopParsing) {
        this.stopped = true;
        return true;
      }
      throw this.wrap(error);
    }
    const buffers = this.parser as unknown as SaxesBuffers;
    const pending =
      (buffers.text?.length ?? 0) + (buffers.name?.length ?? 0) + (buffers.entity?.length ?? 0) + (buffers.piTarget?.length ?? 0);
    if (pending > iso20022Limits.maxTextChars) throw tooLong(this.name, this.parser.line);
    return this.stopped;
  }

  /** Ends the input: final well-formedness checks. */
  end(): void {
    try {
      this.decoder.decode();
    } catch {
      throw invalid(this.name, `${this.name} is not UTF-8 text: it ends inside a multi-byte character.`);
    }
    if (this.bytes === 0) throw invalid(this.name, `${this.name} is empty: expected ${EXPECTED}.`);
    try {
      this.parser.close();
    } catch (error) {
      if (!this.sawRoot && !(error instanceof ContractError)) {
        throw invalid(this.name, `${this.name} contains no complete XML element: expected ${EXPECTED}.`);
      }
      throw this.wrap(error);
    }
  }

  /** The records completed so far. */
  take(): XmlRecord[] {
    const out = this.records;
    this.records = [];
    return out;
  }

  private open(tag: SaxesTagNS): void {
    const parent = this.stack[this.stack.length - 1];
    let frame: Frame;
    if (parent === undefined) frame = this.openRoot(tag);
    else if (parent.role === 'skip') frame = SKIP;
    else if (parent.role === 'envelope')
      frame = tag.local === 'Pyld' && tag.uri === ENVELOPE_NS ? { role: 'payload', node: undefined } : SKIP;
    else if (parent.role === 'payload') frame = this.message ? SKIP : this.openDocument(tag, true);
    else if (tag.uri !== this.namespace) frame = SKIP;
    else frame = this.openInMessage(parent, tag);
    this.stack.push(frame);
  }

  private openRoot(tag: SaxesTagNS): Frame {
    this.sawRoot = true;
    this.prologDone = true;
    if (tag.local === 'BizData' && tag.uri === ENVELOPE_NS) {
      this.locationPrefix = '/BizData/Pyld';
      return { role: 'envelope', node: undefined };
    }
    return this.openDocument(tag, false);
  }

  private openDocument(tag: SaxesTagNS, inEnvelope: boolean): Frame {
    const message = iso20022Messages.find((m) => tag.uri === `${ISO_NS}${m}`);
    if (tag.local !== 'Document' || message === undefined) {
      const where = tag.uri === '' ? 'in no namespace' : `in namespace ${tag.uri}`;
      const expected =
        tag.local === 'Document' && tag.uri.startsWith(ISO_NS)
          ? ` (expected ${iso20022Messages.map((m) => `${ISO_NS}${m}`).join(', ')})`
          : '';
      throw invalid(
        this.name,
        `${this.name} is not ${EXPECTED}: its ${inEnvelope ? 'BizData payload' : 'root element'} is <${tag.name}> ${where}${expected}.`,
      );
    }
    if (this.expected !== undefined && message !== this.expected) {
      throw invalid(this.name, `${this.name} changed while it was read: it now holds an ${message} message, not ${this.expected}.`);
    }
    this.message = message;
    this.spec = messageSpecs[message];
    this.namespace = tag.uri;
    this.locationPrefix = `${this.locationPrefix}/Document/${this.spec.element}/TradData`;
    if (this.stopAtMessage) throw new StopParsing();
    return { role: 'document', node: undefined };
  }

  private openInMessage(parent: Frame, tag: SaxesTagNS): Frame {
    const spec = this.spec!;
    const local = tag.local;
    switch (parent.role) {
      case 'document':
        if (local !== spec.element) {
          throw invalid(
            this.name,
            `${this.name} is not a valid ${this.message} message: its Document holds <${tag.name}> at line ${this.tagLine}, not <${spec.element}>.`,
            this.tagLine,
          );
        }
        return { role: 'message', node: undefined };
      case 'message':
        return local === 'TradData' ? { role: 'tradData', node: undefined, counts: new Map() } : SKIP;
      case 'tradData': {
        if (local === 'DataSetActn') return SKIP;
        const index = (parent.counts!.get(local) ?? 0) + 1;
        parent.counts!.set(local, index);
        const location = `${this.locationPrefix}/${local}[${index}]`;
        if (spec.wrapped) {
          this.rpt = { line: this.tagLine, location, sawReport: false };
          return { role: 'rpt', node: undefined };
        }
        this.startReport(this.tagLine, location, undefined);
        return { role: 'report', node: spec.kind === 'trades' ? tradeTree : marginTree };
      }
      case 'rpt': {
        const rpt = this.rpt!;
        rpt.sawReport = true;
        this.startReport(rpt.line, `${rpt.location}/${local}`, actionTypeOfReport[local]);
        return { role: 'report', node: tradeTree };
      }
      case 'report':
      case 'block':
      case 'field': {
        const report = this.report!;
        if (parent.role === 'report' && local === 'CtrPtySpcfcData' && spec.kind === 'trades') {
          if (report.blocks.length >= iso20022Limits.maxBlocksPerReport) {
            throw invalid(
              this.name,
              `${this.name} has a report with more than ${iso20022Limits.maxBlocksPerReport} CtrPtySpcfcData blocks at line ${this.tagLine} (ISO 20022 allows 2).`,
              this.tagLine,
            );
          }
          const block: Block = { location: `${report.location}/CtrPtySpcfcData[${report.blocks.length + 1}]`, values: new Map() };
          report.blocks.push(block);
          report.block = block.values;
          return { role: 'block', node: blockTree };
        }
        const node = parent.node?.children.get(local);
        if (node?.key !== undefined) this.collect(report, node, tag);
        return { role: 'field', node };
      }
      default:
        return SKIP;
    }
  }

  private startReport(line: number, location: string, actionType: string | undefined): void {
    this.report = { line, location, actionType, common: new Map(), blocks: [], block: undefined, retainedChars: 0 };
  }

  /** Starts capturing the text of a mapped element; presence-only elements are stored at once. */
  private collect(report: Report, node: PathNode, tag: SaxesTagNS): void {
    const store = report.block ?? report.common;
    const key = node.key!;
    if (store.has(key)) return;
    if (node.presence) store.set(key, { text: '' });
    else if (this.capture === undefined) this.capture = { depth: this.stack.length, store, key, text: '', ccy: tag.attributes.Ccy?.value };
  }

  private onText(text: string): void {
    if (text.length > iso20022Limits.maxTextChars) throw tooLong(this.name, this.parser.line);
    const capture = this.capture;
    if (capture !== undefined && capture.depth === this.stack.length - 1) {
      capture.text += text;
      if (capture.text.length > iso20022Limits.maxTextChars) throw tooLong(this.name, this.parser.line);
    }
  }

  private close(): void {
    const frame = this.stack.pop();
    const capture = this.capture;
    if (capture !== undefined && capture.depth === this.stack.length) {
      this.capture = undefined;
      const text = capture.text.trim();
      capture.store.set(capture.key, capture.ccy === undefined ? { text } : { text, ccy: capture.ccy });
      const report = this.report!;
      report.retainedChars += text.length + (capture.ccy?.length ?? 0);
      if (report.retainedChars > iso20022Limits.maxReportChars) {
        throw invalid(
          this.name,
          `${this.name} has a report holding more than ${iso20022Limits.maxReportChars >> 20} MB of field values (it starts at line ${report.line}).`,
          report.line,
        );
      }
    }
    switch (frame?.role) {
      case 'block':
        this.report!.block = undefined;
        break;
      case 'report':
        this.finishReport();
        break;
      case 'rpt':
        if (!this.rpt!.sawReport) this.records.push({ line: this.rpt!.line, location: this.rpt!.location, values: {} });
        this.rpt = undefined;
        break;
      default:
    }
  }

  /** Every report yields at least one record, even when nothing in it could be mapped. */
  private finishReport(): void {
    const report = this.report!;
    this.report = undefined;
    const record = (location: string, values: CsvValues) => this.records.push({ line: report.line, location, values });
    if (this.spec!.kind === 'margins') record(report.location, mapMarginReport(report.common));
    else if (report.blocks.length === 0) record(report.location, mapTradeReport(report.common, undefined, report.actionType));
    else for (const block of report.blocks) record(block.location, mapTradeReport(report.common, block.values, report.actionType));
  }

  /**
   * Refuses a DOCTYPE in the prolog (before the root element) from the raw text, skipping the
   * XML declaration, processing instructions and comments. Saxes never expands the entities a
   * DOCTYPE declares in any case, and refuses a DOCTYPE after the root element.
   */
  private scanProlog(text: string): void {
    const s = this.prologCarry + text;
    this.prologCarry = '';
    let i = 0;
    const advance = (to: number) => {
      this.prologLine += countNewlines(s, to, i);
      i = to;
    };
    for (;;) {
      if (this.prologState !== 'between') {
        const end = this.prologState === 'comment' ? '-->' : '?>';
        const at = s.indexOf(end, i);
        if (at < 0) {
          advance(Math.max(i, s.length - end.length + 1));
          this.prologCarry = s.slice(i);
          return;
        }
        advance(at + end.length);
        this.prologState = 'between';
        continue;
      }
      let k = i;
      while (k < s.length && (s[k] === ' ' || s[k] === '\n' || s[k] === '\r' || s[k] === '\t')) k++;
      advance(k);
      const next = s.slice(i, i + 9);
      const upper = next.toUpperCase();
      if (next.startsWith('<?')) {
        this.prologState = 'pi';
        advance(i + 2);
      } else if (next.startsWith('<!--')) {
        this.prologState = 'comment';
        advance(i + 4);
      } else if (upper === '<!DOCTYPE') {
        throw doctypeRefused(this.name, this.prologLine);
      } else if (next.length < 9 && (next === '' || '<!--'.startsWith(next) || '<!DOCTYPE'.startsWith(upper))) {
        this.prologCarry = next;
        return;
      } else {
        this.prologDone = true;
        return;
      }
    }
  }

  /** A saxes well-formedness error as one sentence naming the file and the line. */
  private wrap(error: unknown): unknown {
    if (error instanceof ContractError || !(error instanceof Error)) return error;
    const m = /^(\d+):\d+: ([\s\S]*)$/.exec(error.message);
    if (!m) return error;
    const line = Number(m[1]);
    const detail = m[2]!.replace(/\.$/, '');
    if (detail === 'undefined entity') {
      return invalid(
        this.name,
        `${this.name} uses an undefined entity reference at line ${line}: only &amp; &lt; &gt; &quot; &apos; and character references are allowed.`,
        line,
      );
    }
    return invalid(this.name, `${this.name} is not well-formed XML at line ${line}: ${detail}.`, line);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Checks on the raw bytes and the errors they raise.
// ---------------------------------------------------------------------------------------------------------------

/** Refuses, from the first bytes, what cannot be UTF-8 XML: UTF-16/32, archives, binary data, text that is not XML. */
function sniffStart(name: string, head: Buffer): void {
  const [b0, b1, b2, b3] = [head[0], head[1], head[2], head[3]];
  if ((b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) || (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0)) {
    throw invalid(name, `${name} is UTF-32 text; expected UTF-8 XML.`);
  }
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff) || (b0 === 0x3c && b1 === 0) || (b0 === 0 && b1 === 0x3c)) {
    throw invalid(name, `${name} is UTF-16 text; expected UTF-8 XML.`);
  }
  if (b0 === 0x50 && b1 === 0x4b && b2 === 3 && b3 === 4) throw invalid(name, `${name} is a ZIP archive, not XML: unpack it first.`);
  if (b0 === 0x1f && b1 === 0x8b) throw invalid(name, `${name} is a gzip archive, not XML: unpack it first.`);
  const limit = Math.min(head.length, 4096);
  for (let i = 0; i < limit; i++) {
    const c = head[i]!;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) throw invalid(name, `${name} is a binary file, not UTF-8 XML.`);
  }
  const start = b0 === 0xef && b1 === 0xbb && b2 === 0xbf ? 3 : 0;
  const ascii = head.subarray(start, start + 1024).toString('latin1');
  const declared = /^<\?xml\s[^>]*?\bencoding\s*=\s*(["'])(.*?)\1/.exec(ascii)?.[2];
  if (declared !== undefined && !isUtf8Label(declared)) throw wrongEncoding(name, declared);
  const first = ascii.trimStart();
  if (first !== '' && !first.startsWith('<')) {
    const shown = first.slice(0, 24).replace(/[^\x20-\x7e]/g, '?');
    throw invalid(name, `${name} is not XML: it starts with "${shown}" where ${EXPECTED} starts with "<".`);
  }
}

const isUtf8Label = (label: string) => /^utf-?8$/i.test(label.trim());

/** Index of the first byte that cannot start or continue a UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    const trailing = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (trailing < 0) return i;
    for (let k = 1; k <= trailing && i + k < bytes.length; k++) {
      if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    }
    i += trailing + 1;
  }
  return -1;
}

/** Newlines in text[from, to). */
function countNewlines(text: string, to: number, from = 0): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const invalid = (name: string, message: string, line?: number) =>
  new ContractError('INVALID_INPUT', message, line === undefined ? { file: name } : { file: name, line });

const wrongEncoding = (name: string, encoding: string) => invalid(name, `${name} declares the encoding ${encoding}; expected UTF-8.`);

const doctypeRefused = (name: string, line: number) =>
  invalid(
    name,
    `${name} contains a DOCTYPE declaration at line ${line}, which ISO 20022 messages never have: it is refused so that no entity or external reference is ever processed.`,
    line,
  );

const tooLong = (name: string, line: number) =>
  invalid(name, `${name} has a text, name or attribute value longer than ${iso20022Limits.maxTextChars >> 20} MB at line ${line}.`, line);

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ContractError('CANCELLED', 'The import was cancelled.');
}

/** File-system errors as contract errors; contract errors pass through. */
function fileError(file: string, name: string, error: unknown): unknown {
  if (error instanceof ContractError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new ContractError('NOT_FOUND', `${file} does not exist.`, { file });
  if (code === 'EISDIR') return invalid(name, `${name} is a folder, not ${EXPECTED}.`);
  return error;
}
