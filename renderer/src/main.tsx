import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from './api/client';
import { App } from './App';
import { createStores, StoresProvider } from './stores/StoresContext';
import './styles.css';

ModuleRegistry.registerModules([AllCommunityModule]);

const root = createRoot(document.getElementById('root')!);
const api = connect();
if ('error' in api) {
  root.render(
    <p className="error" role="alert">
      {api.error}
    </p>,
  );
} else {
  root.render(
    <StrictMode>
      <StoresProvider stores={createStores(api)}>
        <App />
      </StoresProvider>
    </StrictMode>,
  );
}
