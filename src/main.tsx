import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './app/theme.css';
import { installTestHooks } from './engine/test-hooks';

// Only with `?testHooks` in the URL (the e2e tests); a no-op otherwise.
installTestHooks(window.location.search);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
