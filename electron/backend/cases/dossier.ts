import type { CaseItem, ChainSignature, Tlp } from '../../../shared/contract/cases';
import { kindLabels, originLabels, roleLabels, subjectKindLabels } from '../../../shared/domain/caseVocabulary';
import { codeLabel, type CodeKind } from '../../../shared/domain/codeLabels';
import { dimensionName } from '../../../shared/domain/dimensionNames';
import { renderMarkdown } from '../../../shared/domain/markdown';
import { formatMetric, isMetricId, metricDefinitions } from '../../../shared/domain/metrics';
import type { Db } from '../db/connection';
import type { WorkstationIdentity } from '../keys/workstationIdentity';
import { chainHead } from './audit';
import { caseRow, getCase } from './cases.repo';
import { listItems } from './items.repo';
import { caseTimeline } from './timeline';

/**
 * The dossier: a printable, self-contained HTML report of a case. Every value from the case is
 * escaped (notes go through the same Markdown renderer as the app, raw HTML off); the page has
 * its own CSP (no script at all), and the classification banner is fixed at the top and bottom
 * so the browser prints it on every page.
 */
const esc = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const tlpColour: Record<Tlp, string> = {
  CLEAR: '#ffffff',
  GREEN: '#33ff00',
  AMBER: '#ffc000',
  'AMBER+STRICT': '#ffc000',
  RED: '#ff2b2b',
};

function table(headers: string[], rows: unknown[][], cls = ''): string {
  return `<table class="${cls}"><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A trade report's code as words with the code beside it ("Future (FUTR)"): the reader need not know the codes. */
const worded = (kind: CodeKind, value: string | number | null | undefined): string => {
  if (value === null || value === undefined || value === '') return '';
  const code = String(value);
  return codeLabel(kind, code) === code ? code : `${codeLabel(kind, code)} (${code})`;
};

function itemBody(item: CaseItem): string {
  const p = item.payload;
  switch (p.kind) {
    case 'view': {
      const v = p.view;
      const metrics = Object.keys(v.totals).filter(isMetricId);
      const fmt = (m: Record<string, unknown>, id: string) => (isMetricId(id) ? formatMetric(id, (m[id] as number | null) ?? null) : '');
      return `<p>Snapshot ${esc(v.snapshot.snapshotId)} (${esc(v.snapshot.sourceName)}, ${esc(v.snapshot.regime)}, as of ${esc(v.snapshot.asOfDate)}, version ${esc(
        v.snapshot.version,
      )}), content SHA-256 <code>${esc(v.snapshot.contentSha256)}</code>. Path ${esc(v.view.path.map(dimensionName).join(' › '))}; keys ${esc(
        v.labels.join(' › ') || 'none',
      )}; filters ${esc(v.view.filters.map((f) => `${dimensionName(f.dimension)} = ${f.value ?? '(none)'}`).join('; ') || 'none')}.</p>${table(
        ['Row', ...metrics.map((m) => metricDefinitions[m as keyof typeof metricDefinitions].label)],
        [...v.rows.map((r) => [r.label, ...metrics.map((m) => fmt(r.metrics, m))]), ['Total', ...metrics.map((m) => fmt(v.totals, m))]],
        'figures',
      )}<p>Rows SHA-256 (RFC 8785): <code>${esc(v.rowsSha256)}</code>${v.rowCount > v.rows.length ? `; the first ${v.rows.length} of ${v.rowCount} rows` : ''}.</p>`;
    }
    case 'trades':
      return `<p>Snapshot ${esc(p.trades.snapshotId)}, content SHA-256 <code>${esc(p.trades.snapshotSha256)}</code>.</p>${table(
        ['UTI', 'Reporting LEI', 'Other counterparty', 'Direction', 'Contract', 'Notional', 'Currency', 'Action'],
        p.trades.trades.map((t) => [
          t.uti,
          t.reporting_lei,
          t.other_cpty_id,
          worded('direction', t.direction),
          worded('contractType', t.contract_type),
          t.notional,
          t.notional_ccy,
          worded('actionType', t.action_type),
        ]),
      )}${p.trades.missing.length ? `<p>Not in the snapshot: ${esc(p.trades.missing.join(', '))}</p>` : ''}`;
    case 'decision':
      return `<p>Outcome <strong>${esc(p.decision.outcome.replaceAll('_', ' '))}</strong>; bases ${esc(p.decision.bases.map((b) => b.instrument).join(', ') || 'none')}; engine ${esc(
        p.decision.engineVersion,
      )}, registry ${esc(p.decision.registrySha256.slice(0, 16))}….</p><ol>${p.decision.trace.map((t) => `<li>${esc(t.text)}</li>`).join('')}</ol>`;
    case 'request':
      return `<p>${esc(p.summary)}</p>`;
    case 'finding':
      return `<p>${esc(p.severity)} ${esc(p.ruleId)} in ${esc(p.file)}${p.line ? ` line ${esc(p.line)}` : ''}: ${esc(p.message)}</p>`;
    case 'evidence': {
      const e = p.evidence;
      return `<p>${esc(e.originalName)}, ${esc(e.size.toLocaleString('en-US'))} bytes, ${esc(e.mediaType)}; SHA-256 <code>${esc(e.sha256)}</code>${
        e.receivedFrom ? `; received from ${esc(e.receivedFrom)}` : ''
      }${e.receivedOn ? ` on ${esc(e.receivedOn)}` : ''}${e.purged ? `; purged ${esc(e.purged.at.slice(0, 10))}: ${esc(e.purged.reason)}` : ''}.</p>`;
    }
    case 'note':
      return `<div class="note">${renderMarkdown(p.markdown)}</div>`;
  }
}

/** Every item of a case, withdrawn ones too, in the order the case lists them. */
export function allItems(db: Db, caseNumber: string, includeWithdrawn = true): CaseItem[] {
  const items: CaseItem[] = [];
  for (let start = 0; ; start += 1000) {
    const page = listItems(db, { caseNumber, includeWithdrawn, startRow: start, endRow: start + 1000 });
    items.push(...page.rows);
    if (items.length >= page.total || page.rows.length === 0) break;
  }
  return items;
}

/**
 * What a dossier for another authority shows: only the items and subjects sent, the legend and
 * the conditions, and how many items were withheld (never which). Tasks and the timeline stay
 * home: they name withheld items.
 */
export interface DossierScope {
  itemIds: ReadonlySet<number>;
  subjectIds: ReadonlySet<number>;
  recipients: string[];
  legend: string;
  conditions: string[];
  withheldCount: number;
  printedAt: string;
}

export function renderDossier(
  db: Db,
  caseNumber: string,
  signature: ChainSignature | null,
  identity: WorkstationIdentity,
  scope?: DossierScope,
): string {
  const detail = getCase(db, caseNumber);
  if (scope) detail.subjects = detail.subjects.filter((s) => scope.subjectIds.has(s.subjectId));
  const h = detail.header;
  const c = caseRow(db, caseNumber);
  const items = allItems(db, caseNumber).filter((i) => !scope || scope.itemIds.has(i.itemId));
  const head = chainHead(db, c.case_id);
  const banner = `TLP:${h.classification}${h.handlingCaveat ? ` · ${h.handlingCaveat}` : ''} · ${h.caseNumber}${
    scope ? ` · for ${scope.recipients.join(', ')} only` : ''
  }`;
  const bannerStyle = `background:#000;color:${tlpColour[h.classification]}`;
  const generated = scope?.printedAt ?? new Date().toISOString();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(h.caseNumber)} · ${esc(h.title)}</title>
<style>
  body { font: 11pt/1.45 system-ui, sans-serif; margin: 2.2cm 1.6cm; color: #111; }
  .banner { position: fixed; left: 0; right: 0; text-align: center; font-weight: 700; padding: 4px; font-size: 10pt; }
  .banner.top { top: 0; } .banner.bottom { bottom: 0; }
  h1 { font-size: 18pt; margin: 0 0 4px; } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 18px; } h3 { font-size: 11pt; margin: 12px 0 4px; }
  table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 4px 0; page-break-inside: auto; }
  th, td { border: 1px solid #bbb; padding: 2px 4px; text-align: left; vertical-align: top; }
  table.figures td:not(:first-child) { text-align: right; font-variant-numeric: tabular-nums; }
  code { font-size: 8.5pt; word-break: break-all; }
  .withdrawn { color: #777; } .meta { color: #444; font-size: 9pt; }
  @page { margin: 2.2cm 1.6cm; }
</style></head>
<body>
<div class="banner top" style="${bannerStyle}">${esc(banner)}</div>
<div class="banner bottom" style="${bannerStyle}">${esc(banner)}</div>
<h1>${esc(h.caseNumber)}: ${esc(h.title)}</h1>
<p class="meta">Status ${esc(h.status)} · opened ${esc(h.openedAt)}${h.closedAt ? ` · closed ${esc(h.closedAt)}` : ''} · lead ${esc(h.leadInvestigator ?? '—')} · owning authority ${esc(
    h.owningAuthority ?? '—',
  )} · tags ${esc(h.tags.join(', ') || '—')} · printed ${esc(generated)}</p>
${
  scope
    ? `<h2>Handling</h2><p><strong>${esc(scope.legend)}</strong></p>${
        scope.conditions.length ? `<ul>${scope.conditions.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>` : ''
      }<p>${esc(scope.withheldCount)} item(s) of this case were withheld under the memoranda of understanding and are not in this bundle.</p>`
    : ''
}<h2>Summary</h2><p>${esc(h.summary) || '—'}</p>${h.closingNote ? `<h2>Closing note</h2><p>${esc(h.closingNote)}</p>` : ''}
<h2>Subjects</h2>${table(
    ['Kind', 'Role', 'Name', 'Identifier', 'Resolved as', 'Status'],
    detail.subjects.map((s) => [
      subjectKindLabels[s.kind] ?? s.kind,
      roleLabels[s.role] ?? s.role,
      s.name,
      s.lei ?? s.address ?? s.identifier ?? '',
      s.resolved
        ? `${s.resolved.legalName ?? ''} (${s.resolved.jurisdiction ?? '?'}), ultimate parent ${s.resolved.ultimateParentName ?? s.resolved.ultimateParentLei ?? '—'}`
        : '',
      s.withdrawn ? `withdrawn: ${s.withdrawn.reason}` : 'active',
    ]),
  )}
<h2>Items</h2>
${items
  .map(
    (i) => `<section class="${i.status === 'withdrawn' ? 'withdrawn' : ''}"><h3>#${i.itemId} ${esc(i.title)}</h3>
<p class="meta">${esc(kindLabels[i.kind] ?? i.kind)} · grade ${esc(i.grade ?? 'not graded')} · event ${esc(i.eventDate ?? '—')} · ${esc(
      i.category.replaceAll('_', ' '),
    )}, ${esc((originLabels[i.origin] ?? i.origin).toLowerCase())}${
      i.originAuthority ? ` from ${esc(i.originAuthority)}` : ''
    } · added ${esc(i.createdAt)} by ${esc(i.createdBy)}${i.withdrawn ? ` · <strong>withdrawn</strong> ${esc(i.withdrawn.at)}: ${esc(i.withdrawn.reason)}` : ''}</p>
${itemBody(i)}</section>`,
  )
  .join('\n')}
${
  scope
    ? ''
    : `<h2>Tasks</h2>${table(
        ['Task', 'Assignee', 'Due', 'Status'],
        detail.tasks.map((t) => [t.text, t.assignee ?? '', t.dueDate ?? '', t.overdue ? 'OVERDUE' : t.status]),
      )}
<h2>Timeline</h2>${table(
        ['When', 'What'],
        caseTimeline(db, caseNumber).map((e) => [e.at, e.title]),
      )}`
}
<h2>Audit chain</h2>
<p>${esc(head?.seq ?? 0)} entries; head hash <code>${esc(head?.hash ?? '—')}</code>.</p>
${
  signature
    ? `<p>Signed at entry ${esc(signature.seq)} on ${esc(signature.signedAt)} by workstation key ${esc(signature.keyId)} (${esc(
        identity.name,
      )}${identity.authority ? `, ${esc(identity.authority)}` : ''}), fingerprint <code>${esc(signature.fingerprint)}</code>, Ed25519 signature <code>${esc(
        signature.signature,
      )}</code>${signature.valid ? '' : ' — <strong>does not verify</strong>'}.</p>`
    : '<p>Not signed.</p>'
}
</body></html>
`;
}
