import path from 'node:path';
import { ContractError } from '../../../shared/contract/errors';
import { readCsvRecords, type CsvHeader } from './csvRecords';
import { sniffFile } from './fileSniffer';
import { csvColumns, csvKindOfFileName, requiredColumns, type CsvKind } from './fileKinds';
import { openIso20022 } from './iso20022/readIso20022';

/** One record from any source format, keyed by the Concordat CSV column names. */
export interface SourceRecord {
  line: number;
  /** Where a person finds it: "line 12" in CSV, an XPath in ISO 20022 XML. */
  location?: string;
  values: Record<string, string | undefined>;
  cellCountMismatch?: { expected: number; actual: number };
}

export interface RecordSource {
  file: string;
  fileName: string;
  kind: CsvKind;
  format: 'csv' | 'iso20022';
  messageType?: string;
  records(options: {
    signal?: AbortSignal;
    onBytes?: (bytes: number) => void;
    onHeader?: (h: CsvHeader) => void;
  }): AsyncIterable<SourceRecord>;
}

/**
 * Recognises a file: CSV by its name (trades.csv, x-trades.csv…), ISO 20022 XML by its root
 * element (auth.107/auth.030 → trades, auth.109 → margins). Content is sniffed first, so a
 * binary or mislabelled file fails before any parsing.
 */
export async function openRecordSource(file: string): Promise<RecordSource> {
  const fileName = path.basename(file);
  const format = sniffFile(file);
  if (format === 'csv') {
    const kind = csvKindOfFileName(fileName);
    if (!kind) {
      throw new ContractError(
        'INVALID_INPUT',
        `${fileName} is not a snapshot file: expected one of ${Object.keys(csvColumns)
          .map((k) => `${k}.csv`)
          .join(', ')}, or ISO 20022 XML.`,
        { file: fileName },
      );
    }
    return {
      file,
      fileName,
      kind,
      format: 'csv',
      records: ({ signal, onBytes, onHeader }) =>
        readCsvRecords(
          file,
          { required: requiredColumns[kind], optional: csvColumns[kind], ...(signal ? { signal } : {}), ...(onBytes ? { onBytes } : {}) },
          onHeader,
        ),
    };
  }
  const xml = await openIso20022(file);
  await xml.records.return(undefined); // only the message type was needed here
  return {
    file,
    fileName,
    kind: xml.kind,
    format: 'iso20022',
    messageType: xml.message,
    // The XML reader was opened to learn the message; reopen to stream with the caller's options.
    records: ({ signal, onBytes }) => reopenXml(file, signal, onBytes),
  };
}

async function* reopenXml(file: string, signal?: AbortSignal, onBytes?: (bytes: number) => void): AsyncIterable<SourceRecord> {
  const source = await openIso20022(file, { ...(signal ? { signal } : {}), ...(onBytes ? { onBytes } : {}) });
  yield* source.records;
}
