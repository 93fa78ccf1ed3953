import { useEffect, useId, useState, type FormEvent } from 'react';
import { messageOf } from '../../stores/cases.store';
import { useApi } from '../../stores/StoresContext';
import { described, Field } from '../cooperation/parts';

/**
 * The bundle inbox: the folder (often a shared drive) partners drop case bundles into. Concordat verifies what is
 * there and lists it under Cases → Received bundles; it imports nothing by itself.
 */
export function InboxFolderSetting() {
  const api = useApi();
  const id = useId();
  const [current, setCurrent] = useState<{ folder: string; isDefault: boolean }>();
  const [folder, setFolder] = useState('');
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  useEffect(() => {
    api.call('bundles.inboxFolder', {}).then(
      (c) => {
        setCurrent(c);
        setFolder(c.folder);
      },
      (e: unknown) => setError(messageOf(e)),
    );
  }, [api]);
  const save = async (value: string | null) => {
    setError(undefined);
    setStatus(undefined);
    try {
      const saved = await api.call('bundles.setInboxFolder', { folder: value });
      setCurrent(saved);
      setFolder(saved.folder);
      setStatus(saved.isDefault ? 'Back to the default folder.' : 'Saved.');
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(folder.trim());
  };
  return (
    <section aria-labelledby={`${id}-title`} data-testid="inbox-setting">
      <h2 id={`${id}-title`}>Bundle inbox</h2>
      <p className="muted small">
        The folder partners drop case bundles into (a shared drive, a USB stick). Bundles there are verified and listed under Cases →
        Received bundles; nothing is imported without your click.
      </p>
      <form onSubmit={submit} noValidate className="request-form">
        <Field
          id={`${id}-folder`}
          label={`Inbox folder (full path)${current?.isDefault ? ' — the default, in the data folder' : ''}`}
          error={error}
        >
          <input {...described(`${id}-folder`, error)} className="mono" value={folder} onChange={(e) => setFolder(e.target.value)} />
        </Field>
        <div className="actions">
          <button type="submit">Save folder</button>
          {current && !current.isDefault && (
            <button type="button" onClick={() => void save(null)}>
              Use the default
            </button>
          )}
          <span role="status" className="muted small">
            {status}
          </span>
        </div>
      </form>
    </section>
  );
}
