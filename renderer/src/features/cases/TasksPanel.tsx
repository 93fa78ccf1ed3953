import { useId, useState, type FormEvent } from 'react';
import type { CaseItem, CaseTask } from '../../../../shared/contract';
import { useCasesStore } from '../../stores/StoresContext';
import { useChange } from './useChange';
import { IsoDateInput } from '../../components/IsoDateInput';

/** A case's tasks, open ones first, overdue ones marked in words and colour; add one, mark one done. */
export function TasksPanel({
  tasks,
  items,
  caseNumber,
  writable,
}: {
  tasks: CaseTask[];
  items: CaseItem[];
  caseNumber: string;
  writable: boolean;
}) {
  const navigate = useCasesStore((s) => s.navigate);
  const open = tasks.filter((t) => t.status === 'open').length;
  const overdue = tasks.filter((t) => t.overdue).length;
  return (
    <div className="tasks-panel">
      <p className="muted small" role="status" data-testid="tasks-count">
        {open} open task{open === 1 ? '' : 's'}
        {overdue > 0 ? `, ${overdue} overdue` : ''}
      </p>
      {tasks.length > 0 && (
        <table className="files tasks-table" aria-label="Tasks" data-testid="tasks">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Assignee</th>
              <th scope="col">Due</th>
              <th scope="col">Linked items</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((t) => (
              <tr key={t.taskId} className={t.overdue ? 'row-overdue' : t.status !== 'open' ? 'withdrawn' : undefined}>
                <td>{t.text}</td>
                <td>{t.assignee ?? '—'}</td>
                <td>
                  {t.dueDate ?? '—'}
                  {t.overdue && <span className="badge badge-gone">overdue</span>}
                </td>
                <td>
                  {t.linkedItems.length === 0
                    ? '—'
                    : t.linkedItems.map((itemId, i) => (
                        <span key={itemId}>
                          {i > 0 && ', '}
                          <button type="button" className="link" onClick={() => void navigate({ caseNumber, tab: 'items', itemId })}>
                            #{itemId}
                          </button>
                        </span>
                      ))}
                </td>
                <td>{writable && t.status === 'open' ? <TaskActions task={t} /> : t.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {writable && <AddTaskForm caseNumber={caseNumber} items={items} />}
    </div>
  );
}

function TaskActions({ task }: { task: CaseTask }) {
  const updateTask = useCasesStore((s) => s.updateTask);
  const reloadCase = useCasesStore((s) => s.reloadCase);
  const { run, busy, notice } = useChange(reloadCase);
  return (
    <span className="task-actions">
      open{' '}
      <button
        type="button"
        disabled={busy}
        aria-label={`Mark “${task.text}” done`}
        onClick={() => void run(() => updateTask({ taskId: task.taskId, version: task.version, status: 'done' }))}
      >
        Mark done
      </button>
      {notice}
    </span>
  );
}

/** "Add task": what to do, who, by when, and the items it is about. */
function AddTaskForm({ caseNumber, items }: { caseNumber: string; items: CaseItem[] }) {
  const addTask = useCasesStore((s) => s.addTask);
  const [text, setText] = useState('');
  const [assignee, setAssignee] = useState('');
  const [dueDate, setDueDate] = useState('');
  const [linked, setLinked] = useState<number[]>([]);
  const [error, setError] = useState<string>();
  const { run, busy, failure, notice } = useChange();
  const id = useId();
  const errors = failure?.fieldErrors ?? {};
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setError('Say what is to be done.');
    setError(undefined);
    const task = await run(
      () =>
        addTask({
          caseNumber,
          text,
          ...(assignee.trim() ? { assignee: assignee.trim() } : {}),
          ...(dueDate ? { dueDate } : {}),
          linkedItems: linked,
        }),
      'Task added.',
    );
    if (task) {
      setText('');
      setAssignee('');
      setDueDate('');
      setLinked([]);
    }
  };
  const textError = error ?? errors.text;
  return (
    <form className="case-panel-form" aria-label="Add task" onSubmit={(e) => void submit(e)} noValidate>
      <h3>Add task</h3>
      {notice}
      <div className="form-grid">
        <div className="form-field">
          <label htmlFor={`${id}-text`}>Task</label>
          <input
            id={`${id}-text`}
            value={text}
            maxLength={1000}
            aria-invalid={textError ? true : undefined}
            aria-describedby={textError ? `${id}-text-error` : undefined}
            onChange={(e) => setText(e.target.value)}
          />
          {textError && (
            <span id={`${id}-text-error`} className="field-error">
              {textError}
            </span>
          )}
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-assignee`}>Assignee (optional)</label>
          <input id={`${id}-assignee`} value={assignee} maxLength={120} onChange={(e) => setAssignee(e.target.value)} />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-due`}>Due date (optional)</label>
          <IsoDateInput id={`${id}-due`} value={dueDate} onChange={(value) => setDueDate(value)} />
          {errors.dueDate && <span className="field-error">{errors.dueDate}</span>}
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-items`}>Linked items (optional)</label>
          <select
            id={`${id}-items`}
            multiple
            size={Math.min(5, Math.max(2, items.length))}
            value={linked.map(String)}
            onChange={(e) => setLinked([...e.target.selectedOptions].map((o) => Number(o.value)))}
          >
            {items.map((i) => (
              <option key={i.itemId} value={i.itemId}>
                #{i.itemId} {i.title.slice(0, 80)}
              </option>
            ))}
          </select>
          {errors.linkedItems && <span className="field-error">{errors.linkedItems}</span>}
        </div>
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          Add task
        </button>
      </div>
    </form>
  );
}
