import type { View } from '../stores/app.store';
import { useAppStore } from '../stores/StoresContext';

const items: ReadonlyArray<{ view: View; label: string }> = [
  { view: 'exposure', label: 'Exposure' },
  { view: 'trades', label: 'Trades' },
  { view: 'feeds', label: 'Feeds & snapshots' },
  { view: 'mous', label: 'MoUs' },
  { view: 'requests', label: 'Requests' },
  { view: 'cases', label: 'Cases' },
];

/** The main navigation: one entry per feature. */
export function NavBar() {
  const view = useAppStore((s) => s.view);
  const setView = useAppStore((s) => s.setView);
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
              onClick={() => setView(item.view)}
            >
              {item.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
