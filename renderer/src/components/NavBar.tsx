import type { View } from '../stores/app.store';
import { useAppStore, useCasesStore } from '../stores/StoresContext';

const items: ReadonlyArray<{ view: View; label: string }> = [
  { view: 'exposure', label: 'Exposure' },
  { view: 'trades', label: 'Trades' },
  { view: 'feeds', label: 'Feeds & snapshots' },
  { view: 'mous', label: 'MoUs' },
  { view: 'requests', label: 'Requests' },
  { view: 'cases', label: 'Cases' },
  { view: 'supervision', label: 'Supervision' },
  { view: 'settings', label: 'Settings' },
];

/** The main navigation: one entry per feature. */
export function NavBar() {
  const view = useAppStore((s) => s.view);
  const newAlerts = useAppStore((s) => s.newAlerts);
  const setView = useAppStore((s) => s.setView);
  const navigateCases = useCasesStore((s) => s.navigate);
  const choose = (target: View) => {
    // From another view, Cases returns to the case last open; on the Cases page it goes to the list.
    if (target === 'cases' && view === 'cases') void navigateCases({ tab: 'items' });
    else setView(target);
  };
  return (
    <nav className="nav" aria-label="Main">
      <div className="brand">Concordat</div>
      <ul>
        {items.map((item) => (
          <li key={item.view}>
            <button
              type="button"
              className={item.view === view ? 'active' : ''}
              aria-current={item.view === view ? 'page' : undefined}
              onClick={() => choose(item.view)}
            >
              {item.label}
              {item.view === 'supervision' && newAlerts > 0 && (
                <span className="badge nav-count" data-testid="alerts-badge" aria-label={`${newAlerts} new alerts`}>
                  {newAlerts > 999 ? '999+' : newAlerts}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
