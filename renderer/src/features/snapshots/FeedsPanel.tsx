import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { FeedStatus } from '../../../../shared/contract';
import { useApi, useAppStore } from '../../stores/StoresContext';

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '—');

/** Feeds with their trust and freshness, a Sync button each (progress in the jobs bar), and "Add feed". */
export function FeedsPanel() {
  const api = useApi();
  const jobs = useAppStore((s) => s.jobs);
  const [feeds, setFeeds] = useState<FeedStatus[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [adding, setAdding] = useState(false);
  const syncing = Object.values(jobs).some((j) => j.kind === 'feeds.sync');

  const refresh = useCallback(() => {
    api.call('feeds.list', {}).then(setFeeds, (e: Error) => setError(e.message));
  }, [api]);
  useEffect(() => {
    refresh();
    return api.on('job.done', (d) => {
      if (d.kind === 'feeds.sync' || d.kind === 'demo.load') refresh();
      if (d.kind === 'feeds.sync' && d.state === 'failed') setError(d.error?.message);
    });
  }, [api, refresh]);

  const sync = async (name: string) => {
    setError(undefined);
    try {
      await api.call('feeds.sync', { name });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section className="feeds" data-testid="feeds-panel">
      <header className="view-header">
        <h2>Feeds</h2>
        <button type="button" onClick={() => setAdding(true)}>
          Add feed…
        </button>
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {feeds.length === 0 ? (
        <p className="muted small">No feed yet.</p>
      ) : (
        <table className="files">
          <thead>
            <tr>
              <th>Feed</th>
              <th>Trust</th>
              <th>Last sync</th>
              <th>Outcome</th>
              <th>Metadata valid until</th>
              <th className="num">Files</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {feeds.map((f) => (
              <tr key={f.name} data-testid={`feed-${f.name}`}>
                <td title={f.url}>
                  {f.name}
                  {f.isDemo ? ' (demo)' : ''}
                </td>
                <td title={`root keys ${f.rootKeyIds.join(', ')}`}>{f.trust === 'pinned' ? 'root pinned' : 'trusted on first use'}</td>
                <td>{when(f.lastSync?.endedAt ?? f.lastSync?.startedAt ?? null)}</td>
                <td className={f.lastSync?.outcome === 'failed' ? 'flag-error' : ''} title={f.lastSync?.message ?? ''}>
                  {f.lastSync?.outcome ?? 'never synced'}
                </td>
                <td className={f.staleSince ? 'flag-warn' : ''}>{f.staleSince ? `stale since ${when(f.staleSince)}` : when(f.expires)}</td>
                <td className="num">{f.targetCount}</td>
                <td>
                  <button type="button" onClick={() => void sync(f.name)} disabled={syncing}>
                    Sync
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {adding && (
        <AddFeedDialog
          onClose={(added) => {
            setAdding(false);
            if (added) refresh();
          }}
        />
      )}
    </section>
  );
}

function AddFeedDialog({ onClose }: { onClose: (added: boolean) => void }) {
  const api = useApi();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [rootJson, setRootJson] = useState('');
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const added = await api.call('feeds.add', {
        name: name.trim(),
        url: url.trim(),
        ...(rootJson.trim() ? { rootJson: rootJson.trim() } : {}),
      });
      setMessage(
        added.trust === 'pinned'
          ? `Added with the root you supplied (keys ${added.rootKeyIds.join(', ')}).`
          : `Added, trusting the feed's first root: compare its keys with the publisher's: ${added.rootKeyIds.join(', ')}.`,
      );
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div className="modal" role="dialog" aria-modal="true" aria-labelledby="add-feed-title">
      <form className="modal-body" onSubmit={(e) => void submit(e)}>
        <h2 id="add-feed-title">Add a feed</h2>
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} />
        </label>
        <label>
          URL <input value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://… or file://…" />
        </label>
        <label>
          Root (root.json, optional)
          <textarea
            value={rootJson}
            onChange={(e) => setRootJson(e.target.value)}
            rows={4}
            placeholder="Paste the publisher's root.json to pin it"
          />
        </label>
        {message && <p role="status">{message}</p>}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={() => onClose(message !== undefined)}>
            {message ? 'Done' : 'Cancel'}
          </button>
          {!message && <button type="submit">Add</button>}
        </div>
      </form>
    </div>
  );
}
