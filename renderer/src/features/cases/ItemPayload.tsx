import { useState } from 'react';
import type { CaseItem, PinnedTradesPayload } from '../../../../shared/contract';
import { useAppStore, useCasesStore, useRequestsStore } from '../../stores/StoresContext';
import { DecisionCard } from '../cooperation/DecisionCard';
import { EvidenceView } from './EvidenceView';
import { MarkdownView } from './MarkdownView';
import { NoteEditor } from './NoteEditor';
import { PinnedViewPayloadView } from './PinnedViewPayload';
import { useChange } from './useChange';

/** What an item holds, shown as its kind needs: a table, a decision, a file, a note. */
export function ItemPayload({ item, writable }: { item: CaseItem; writable: boolean }) {
  const p = item.payload;
  switch (p.kind) {
    case 'view':
      return <PinnedViewPayloadView item={item} pinned={p.view} />;
    case 'trades':
      return <PinnedTrades trades={p.trades} />;
    case 'decision':
      return <DecisionCard result={{ category: item.category, decision: p.decision }} />;
    case 'request':
      return <LinkedRequest requestId={p.requestId} ourRef={p.ourRef} summary={p.summary} />;
    case 'finding':
      return (
        <dl className="facts payload" data-testid="finding">
          <dt>Severity</dt>
          <dd>{p.severity}</dd>
          <dt>Rule</dt>
          <dd className="mono">{p.ruleId}</dd>
          <dt>File</dt>
          <dd>{p.file}</dd>
          <dt>Line</dt>
          <dd>{p.line ?? '—'}</dd>
          <dt>Where</dt>
          <dd>{p.location ?? '—'}</dd>
          <dt>Snapshot</dt>
          <dd>{p.snapshotId}</dd>
          <dt>Message</dt>
          <dd>{p.message}</dd>
        </dl>
      );
    case 'evidence':
      return <EvidenceView item={item} evidence={p.evidence} writable={writable} />;
    case 'note':
      return <Note item={item} markdown={p.markdown} writable={writable} />;
  }
}

const tradeColumns: ReadonlyArray<[string, string]> = [
  ['uti', 'UTI'],
  ['reporting_lei', 'Reporting LEI'],
  ['other_cpty_id', 'Other counterparty'],
  ['direction', 'Direction'],
  ['contract_type', 'Contract'],
  ['underlier_symbol', 'Underlier'],
  ['venue_id', 'Venue'],
  ['notional', 'Notional'],
  ['notional_ccy', 'Ccy'],
  ['notional_usd', 'Notional (USD)'],
  ['execution_ts', 'Executed (UTC)'],
  ['action_type', 'Action'],
];

/** Pinned trades: each report as it stood in its snapshot, and the UTIs the snapshot did not have. */
function PinnedTrades({ trades }: { trades: PinnedTradesPayload }) {
  return (
    <div className="payload" data-testid="pinned-trades">
      <p className="small">
        Snapshot {trades.snapshotId}, content SHA-256 <span className="mono">{trades.snapshotSha256}</span>
      </p>
      <div className="table-scroll">
        <table className="files payload-table" aria-label="Pinned trades">
          <thead>
            <tr>
              {tradeColumns.map(([, name]) => (
                <th key={name} scope="col">
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {trades.trades.map((t, i) => (
              <tr key={`${String(t.uti)}-${i}`}>
                {tradeColumns.map(([key]) => (
                  <td key={key} className={key === 'uti' || key.endsWith('lei') || key === 'other_cpty_id' ? 'mono' : undefined}>
                    {t[key] ?? '—'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {trades.missing.length > 0 && (
        <p className="notice small">
          Not in snapshot {trades.snapshotId}: <span className="mono">{trades.missing.join(', ')}</span>
        </p>
      )}
    </div>
  );
}

function LinkedRequest({ requestId, ourRef, summary }: { requestId: number; ourRef: string | null; summary: string }) {
  const open = useRequestsStore((s) => s.open);
  const setView = useAppStore((s) => s.setView);
  return (
    <div className="payload">
      <p>{summary}</p>
      <button
        type="button"
        onClick={() => {
          void open(requestId);
          setView('requests');
        }}
      >
        Open request {ourRef ?? `#${requestId}`} in Requests
      </button>
    </div>
  );
}

/** A note, rendered; "Edit text" puts its Markdown beside a live preview. */
function Note({ item, markdown, writable }: { item: CaseItem; markdown: string; writable: boolean }) {
  const navigate = useCasesStore((s) => s.navigate);
  const updateItem = useCasesStore((s) => s.updateItem);
  const reloadItem = useCasesStore((s) => s.reloadItem);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(markdown);
  const { run, busy, notice } = useChange(reloadItem);
  const save = async () => {
    const saved = await run(() => updateItem({ itemId: item.itemId, version: item.version, markdown: text }));
    if (saved) setEditing(false);
  };
  return (
    <div className="payload note" data-testid="note">
      {editing ? (
        <>
          {notice}
          <NoteEditor value={text} onChange={setText} />
          <div className="actions">
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="button" disabled={busy} onClick={() => void save()}>
              Save note
            </button>
          </div>
        </>
      ) : (
        <>
          <MarkdownView
            markdown={markdown}
            onItem={(itemId) => void navigate({ caseNumber: item.caseNumber, tab: 'items', itemId })}
            onSubject={(subjectId) => {
              void navigate({ caseNumber: item.caseNumber, tab: 'subjects' });
              // Once the Subjects tab is drawn, bring the subject into view and focus it.
              setTimeout(() => {
                const row = document.getElementById(`subject-${subjectId}`);
                row?.scrollIntoView({ block: 'center' });
                row?.focus();
              }, 50);
            }}
          />
          {writable && item.status === 'active' && (
            <button
              type="button"
              onClick={() => {
                setText(markdown);
                setEditing(true);
              }}
            >
              Edit text
            </button>
          )}
        </>
      )}
    </div>
  );
}
