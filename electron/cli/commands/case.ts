import fs from 'node:fs';
import path from 'node:path';
import { parseCommandArgs, UsageError } from '../args';
import { exitOnBadInput } from '../badInput';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { renderTable } from '../table';
import type { Backend } from '../../backend/backend';
import { ContractError } from '../../../shared/contract/errors';
import type { CaseDetail, CaseHeader, CaseItem, CaseSummary, ItemsPage, RecheckResult, VerifyResult } from '../../../shared/contract/cases';
import { dimensions, type Dimension } from '../../../shared/contract/exposure';
import type { SnapshotSummary } from '../../../shared/contract/snapshots';

const usage = `concordat case <create|list|show|pin-view|add-trades|attach|note|recheck|verify|report> …

  concordat case create --title T [--classification CLEAR|GREEN|AMBER|AMBER+STRICT|RED] [--summary S]
                        [--caveat TEXT] [--lead NAME] [--authority SHORT] [--tag T …]
      Opens a case; prints its number (CASE-2026-0001).
  concordat case list [--status open|suspended|closed|archived] [--all]
  concordat case show NUMBER
      The header, subjects, tasks, item counts and audit head of a case, then its items.
  concordat case pin-view NUMBER --by DIM,… [--where DIM=VALUE …] [--snapshot ID] [--grade B2] [--title T]
      Pins a drill level as shown: the rows, their totals and the SHA-256 of their canonical form.
      DIMs: ${dimensions.join(', ')}.
  concordat case add-trades NUMBER --uti U [--uti U …] [--snapshot ID] [--grade B2]
  concordat case attach NUMBER FILE… [--grade B2] [--from WHO] [--received YYYY-MM-DD]
      Stores each file by its SHA-256 (streamed; any size) and adds it to the case.
  concordat case note NUMBER (--text T | --file F) [--grade B2]
  concordat case recheck NUMBER
      Recomputes every pinned view of the case from the store: "reproduced", or what changed.
  concordat case verify [NUMBER]
      Recomputes the audit chain of a case (or of every case) and names the first broken entry.
  concordat case report NUMBER --out FILE.html
      The printable dossier (classification banner on every printed page), with the chain head signed.

Every command takes --data-dir D and --json. Exit code 0 when all is well, 1 when a verification or
re-check fails, 2 for bad input (an unknown case, an invalid value, a usage error).`;

export const caseCommand: Command = {
  name: 'case',
  summary: 'Case files: create, pin views and trades, attach evidence, notes, verify the audit chain, dossier',
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    try {
      switch (sub) {
        case 'create':
          return await create(rest);
        case 'list':
          return await list(rest);
        case 'show':
          return await show(rest);
        case 'pin-view':
          return await pinView(rest);
        case 'add-trades':
          return await addTrades(rest);
        case 'attach':
          return await attach(rest);
        case 'note':
          return await note(rest);
        case 'recheck':
          return await recheck(rest);
        case 'verify':
          return await verify(rest);
        case 'report':
          return await report(rest);
        default:
          throw new UsageError(sub ? `Unknown case command "${sub}".` : 'Say which case command to run.');
      }
    } catch (error) {
      return exitOnBadInput(error);
    }
  },
};

const call = <T>(backend: Backend, method: string, input: unknown) => backend.call(method, input) as Promise<T>;

function oneCase(positionals: string[]): string {
  const [number, ...extra] = positionals;
  if (!number) throw new UsageError('Name the case (e.g. CASE-2026-0001).');
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}.`);
  return number;
}

/** The latest active snapshot, or the one --snapshot names. */
async function snapshotOf(backend: Backend, option: string | undefined): Promise<number> {
  if (option !== undefined) {
    const id = Number(option);
    if (!Number.isInteger(id) || id <= 0) throw new UsageError(`--snapshot takes a snapshot id, not "${option}".`);
    return id;
  }
  const snapshots = await call<SnapshotSummary[]>(backend, 'snapshots.list', {});
  const latest = [...snapshots].sort((a, b) => b.asOfDate.localeCompare(a.asOfDate) || b.snapshotId - a.snapshotId)[0];
  if (!latest) throw new ContractError('NOT_FOUND', 'There is no snapshot yet: import one first.');
  return latest.snapshotId;
}

const itemLine = (i: CaseItem) => `#${i.itemId} ${i.kind} ${i.grade ?? '--'} ${i.title}`;

async function create(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    title: { type: 'string' },
    classification: { type: 'string' },
    summary: { type: 'string' },
    caveat: { type: 'string' },
    lead: { type: 'string' },
    authority: { type: 'string' },
    tag: { type: 'string', multiple: true },
  });
  if (!values.title) throw new UsageError('--title is required.');
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const header = await call<CaseHeader>(backend, 'cases.create', {
      title: values.title,
      ...(values.classification ? { classification: values.classification } : {}),
      ...(values.summary ? { summary: values.summary } : {}),
      ...(values.caveat ? { handlingCaveat: values.caveat } : {}),
      ...(values.lead ? { leadInvestigator: values.lead } : {}),
      ...(values.authority ? { owningAuthority: values.authority } : {}),
      tags: values.tag ?? [],
    });
    out.result(header, () => header.caseNumber);
    return 0;
  });
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { status: { type: 'string' }, all: { type: 'boolean', default: false } });
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const cases = await call<CaseSummary[]>(backend, 'cases.list', {
      ...(values.status ? { status: values.status } : {}),
      includeArchived: values.all,
    });
    out.result(cases, () =>
      cases.length === 0
        ? 'No cases.'
        : renderTable(
            ['Case', 'Status', 'TLP', 'Items', 'Open tasks', 'Title'],
            cases.map((c) => [
              c.caseNumber,
              c.status,
              c.classification,
              String(c.itemCount),
              `${c.openTasks}${c.overdueTasks ? ` (${c.overdueTasks} overdue)` : ''}`,
              c.title,
            ]),
            [false, false, false, true, true, false],
          ),
    );
    return 0;
  });
}

async function show(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {}, true);
  const caseNumber = oneCase(positionals);
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const detail = await call<CaseDetail>(backend, 'cases.get', { caseNumber });
    const items = await call<ItemsPage>(backend, 'cases.items', { caseNumber, includeWithdrawn: true, startRow: 0, endRow: 1000 });
    out.result({ ...detail, items: items.rows }, () => {
      const h = detail.header;
      return [
        `${h.caseNumber}: ${h.title}`,
        `  TLP:${h.classification}${h.handlingCaveat ? ` (${h.handlingCaveat})` : ''} · ${h.status} · opened ${h.openedAt}${h.closedAt ? ` · closed ${h.closedAt}` : ''}`,
        `  lead ${h.leadInvestigator ?? '—'} · owning authority ${h.owningAuthority ?? '—'} · tags ${h.tags.join(', ') || '—'}`,
        h.summary ? `  ${h.summary}` : '',
        `Subjects (${detail.subjects.length}):`,
        ...detail.subjects.map(
          (s) =>
            `  ${s.kind} ${s.role}: ${s.name}${s.lei ? ` ${s.lei}` : ''}${s.address ? ` ${s.address}` : ''}${s.withdrawn ? ' (withdrawn)' : ''}`,
        ),
        `Items (${items.total}):`,
        ...items.rows.map((i) => `  ${itemLine(i)}${i.status === 'withdrawn' ? ' (withdrawn)' : ''}`),
        `Tasks (${detail.tasks.length}):`,
        ...detail.tasks.map((t) => `  [${t.status}${t.overdue ? ', OVERDUE' : ''}] ${t.text}${t.dueDate ? ` due ${t.dueDate}` : ''}`),
        `Audit: ${detail.audit.entries} entries, head ${detail.audit.headHash ?? '—'}`,
      ]
        .filter((l) => l !== '')
        .join('\n');
    });
    return 0;
  });
}

function parseWhere(values: string[] | undefined): Array<{ dimension: Dimension; value: string | null }> {
  return (values ?? []).map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError(`--where takes DIM=VALUE, not "${w}".`);
    const dimension = w.slice(0, eq);
    if (!(dimensions as readonly string[]).includes(dimension))
      throw new UsageError(`Unknown dimension "${dimension}". Known: ${dimensions.join(', ')}.`);
    const value = w.slice(eq + 1);
    return { dimension: dimension as Dimension, value: value === '' || value === '(none)' ? null : value };
  });
}

async function pinView(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      by: { type: 'string' },
      where: { type: 'string', multiple: true },
      snapshot: { type: 'string' },
      grade: { type: 'string' },
      title: { type: 'string' },
    },
    true,
  );
  const caseNumber = oneCase(positionals);
  if (!values.by) throw new UsageError('--by DIM,… is required: the drill path.');
  const by = values.by.split(',').map((d) => d.trim());
  for (const d of by)
    if (!(dimensions as readonly string[]).includes(d)) throw new UsageError(`Unknown dimension "${d}". Known: ${dimensions.join(', ')}.`);
  // --where on the path's own dimensions chooses the keys (as in `concordat exposure`); others filter.
  const where = parseWhere(values.where);
  const at: Array<string | null> = [];
  for (const d of by) {
    const w = where.find((x) => x.dimension === d);
    if (!w) break;
    at.push(w.value);
  }
  if (at.length >= by.length) throw new UsageError('--where chooses a key for every dimension of --by: leave the last one open.');
  const filters = where.filter((w) => !by.slice(0, at.length).includes(w.dimension));
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const snapshotId = await snapshotOf(backend, values.snapshot);
    const item = await call<CaseItem>(backend, 'cases.pinView', {
      caseNumber,
      view: { snapshotId, path: by, at, filters },
      ...(values.grade ? { grade: values.grade } : {}),
      ...(values.title ? { title: values.title } : {}),
    });
    out.result(item, () => `${itemLine(item)}\n  rows SHA-256 ${item.payload.kind === 'view' ? item.payload.view.rowsSha256 : ''}`);
    return 0;
  });
}

async function addTrades(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { uti: { type: 'string', multiple: true }, snapshot: { type: 'string' }, grade: { type: 'string' } },
    true,
  );
  const caseNumber = oneCase(positionals);
  if (!values.uti?.length) throw new UsageError('Give at least one --uti.');
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const snapshotId = await snapshotOf(backend, values.snapshot);
    const item = await call<CaseItem>(backend, 'cases.pinTrades', {
      caseNumber,
      snapshotId,
      utis: values.uti,
      ...(values.grade ? { grade: values.grade } : {}),
    });
    const missing = item.payload.kind === 'trades' ? item.payload.trades.missing : [];
    out.result(item, () => `${itemLine(item)}${missing.length ? `\n  not in snapshot ${snapshotId}: ${missing.join(', ')}` : ''}`);
    return 0;
  });
}

async function attach(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { grade: { type: 'string' }, from: { type: 'string' }, received: { type: 'string' } },
    true,
  );
  const [caseNumber, ...files] = positionals;
  if (!caseNumber) throw new UsageError('Name the case (e.g. CASE-2026-0001).');
  if (files.length === 0) throw new UsageError('Give at least one file to attach.');
  for (const f of files) if (!fs.existsSync(f) || !fs.statSync(f).isFile()) throw new UsageError(`${f} is not a file.`);
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const items: CaseItem[] = [];
    for (const file of files) {
      out.progress(`Attaching ${path.basename(file)}`, 0);
      items.push(
        await call<CaseItem>(backend, 'cases.attach', {
          caseNumber,
          source: { path: path.resolve(file) },
          ...(values.grade ? { grade: values.grade } : {}),
          ...(values.from ? { receivedFrom: values.from } : {}),
          ...(values.received ? { receivedOn: values.received } : {}),
        }),
      );
    }
    out.endProgress();
    out.result(items, () =>
      items
        .map((i) =>
          i.payload.kind === 'evidence'
            ? `${itemLine(i)}\n  ${i.payload.evidence.sha256}  ${i.payload.evidence.size.toLocaleString('en-US')} bytes  ${i.payload.evidence.mediaType}`
            : itemLine(i),
        )
        .join('\n'),
    );
    return 0;
  });
}

/** Notes larger than this are refused before they are read (the contract allows 1,000,000 characters). */
const NOTE_FILE_LIMIT = 4 * 1024 * 1024;

async function note(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { text: { type: 'string' }, file: { type: 'string' }, grade: { type: 'string' } },
    true,
  );
  const caseNumber = oneCase(positionals);
  if ((values.text === undefined) === (values.file === undefined))
    throw new UsageError('Give the note with --text or --file (one of them).');
  let markdown = values.text ?? '';
  if (values.file !== undefined) {
    if (!fs.existsSync(values.file)) throw new UsageError(`${values.file} does not exist.`);
    const size = fs.statSync(values.file).size;
    if (size > NOTE_FILE_LIMIT)
      throw new ContractError(
        'INVALID_INPUT',
        `${values.file} is ${size.toLocaleString('en-US')} bytes: a note has at most 1,000,000 characters. Attach it as a file instead.`,
      );
    markdown = fs.readFileSync(values.file, 'utf8');
  }
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const item = await call<CaseItem>(backend, 'cases.addNote', { caseNumber, markdown, ...(values.grade ? { grade: values.grade } : {}) });
    out.result(item, () => itemLine(item));
    return 0;
  });
}

async function recheck(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {}, true);
  const caseNumber = oneCase(positionals);
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const views = await call<ItemsPage>(backend, 'cases.items', { caseNumber, kind: 'view', startRow: 0, endRow: 1000 });
    const results: RecheckResult[] = [];
    for (const v of views.rows) results.push(await call<RecheckResult>(backend, 'cases.recheck', { itemId: v.itemId }));
    out.result(results, () =>
      results.length === 0
        ? `${caseNumber} has no pinned views.`
        : results.map((r) => `#${r.itemId} ${r.outcome}${r.differences.length ? `\n  ${r.differences.join('\n  ')}` : ''}`).join('\n'),
    );
    return results.every((r) => r.outcome === 'reproduced') ? 0 : 1;
  });
}

async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {}, true);
  if (positionals.length > 1) throw new UsageError(`Unexpected arguments: ${positionals.slice(1).join(' ')}.`);
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const result = await call<VerifyResult>(backend, 'cases.verify', positionals[0] ? { caseNumber: positionals[0] } : {});
    out.result(result, () =>
      result.cases.length === 0
        ? 'No cases.'
        : result.cases
            .map((c) =>
              c.ok
                ? `${c.caseNumber}: chain intact (${c.entries} entries${c.signatures.checked ? `, ${c.signatures.checked} signature${c.signatures.checked === 1 ? '' : 's'} valid` : ''})`
                : `${c.caseNumber}: BROKEN at entry ${c.firstBroken!.seq}: ${c.firstBroken!.problem}`,
            )
            .join('\n'),
    );
    return result.ok ? 0 : 1;
  });
}

async function report(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { out: { type: 'string' } }, true);
  const caseNumber = oneCase(positionals);
  if (!values.out) throw new UsageError('--out FILE.html is required.');
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const { html } = await call<{ fileName: string; html: string }>(backend, 'cases.report', { caseNumber });
    fs.writeFileSync(values.out!, html);
    out.result(
      { file: path.resolve(values.out!), bytes: Buffer.byteLength(html) },
      () => `Dossier of ${caseNumber} written to ${values.out}.`,
    );
    return 0;
  });
}
