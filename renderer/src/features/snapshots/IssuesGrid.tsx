import { AgGridReact } from 'ag-grid-react';
import type { ColDef, IDatasource } from 'ag-grid-community';
import { useMemo, useState } from 'react';
import type { RejectedRow, ValidationIssueRow } from '../../../../shared/contract';
import { gridTheme } from '../../components/gridTheme';
import { EmptyState } from '../../components/EmptyState';
import { useApi } from '../../stores/StoresContext';
import type { IssueFilters } from '../../stores/snapshots.store';

const columns: ColDef<ValidationIssueRow>[] = [
  {
    field: 'severity',
    headerName: 'Severity',
    width: 100,
    cellClassRules: { 'flag-error': (p) => p.value === 'ERROR', 'flag-warn': (p) => p.value === 'WARN' },
  },
  { field: 'ruleId', headerName: 'Rule', width: 190 },
  { field: 'file', headerName: 'File', width: 140 },
  { field: 'location', headerName: 'Where', width: 150, tooltipField: 'location' },
  { field: 'field', headerName: 'Field', width: 160 },
  { field: 'message', headerName: 'Message', flex: 1, minWidth: 300, tooltipField: 'message' },
  { field: 'rejected', headerName: 'Row', width: 100, valueFormatter: (p) => (p.value ? 'rejected' : 'loaded') },
];

/** A snapshot's findings, paged from SQLite (infinite row model); a rejected row opens its raw values. */
export function IssuesGrid({ snapshotId, filters }: { snapshotId: number; filters: IssueFilters }) {
  const api = useApi();
  const [total, setTotal] = useState<number | undefined>();
  const [raw, setRaw] = useState<RejectedRow | undefined>();
  const datasource = useMemo<IDatasource>(
    () => ({
      getRows: (params) => {
        api
          .call('snapshots.issues', { snapshotId, ...definedOnly(filters), startRow: params.startRow, endRow: params.endRow })
          .then((page) => {
            setTotal(page.total);
            params.successCallback(page.rows, page.total);
          })
          .catch(() => params.failCallback());
      },
    }),
    [api, snapshotId, filters],
  );
  const openRaw = (row: ValidationIssueRow | undefined) => {
    if (!row?.rejected || row.line === null) return;
    // The location tells apart the reports of one line (a minified XML file, the two sides of one report).
    const where = row.location === null ? {} : { location: row.location };
    void api.call('snapshots.rejectedRow', { snapshotId, file: row.file, line: row.line, ...where }).then(setRaw);
  };
  return (
    <div className="issues">
      <div className="muted small" data-testid="issues-total">
        {total === undefined ? 'Loading findings…' : `${total.toLocaleString('en-US')} findings`} · double-click a rejected row to see what
        the TR sent
      </div>
      {total === 0 && (
        <EmptyState testId="issues-empty">
          <p>
            {Object.values(filters).some((v) => v !== undefined && v !== '')
              ? 'No finding matches these filters: set them back to “all” to see every finding.'
              : 'No findings: every row of this snapshot passed validation.'}
          </p>
        </EmptyState>
      )}
      <div className="grid" data-testid="issues-grid">
        <AgGridReact<ValidationIssueRow>
          theme={gridTheme}
          rowModelType="infinite"
          datasource={datasource}
          cacheBlockSize={100}
          columnDefs={columns}
          onRowDoubleClicked={(e) => openRaw(e.data)}
          enableCellTextSelection
          tooltipShowDelay={300}
        />
      </div>
      {raw && (
        <div className="raw-row" role="dialog" aria-label="Rejected row">
          <header>
            <strong>
              {raw.file} · {raw.location}
            </strong>
            <button type="button" onClick={() => setRaw(undefined)}>
              Close
            </button>
          </header>
          <table>
            <tbody>
              {Object.entries(raw.values).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function definedOnly(filters: IssueFilters) {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== '')) as IssueFilters;
}
