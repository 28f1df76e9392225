import { useEffect } from 'react';
import { ComparePanel } from '../features/compare/ComparePanel';
import { GalleryPanel } from '../features/gallery/GalleryPanel';
import { LiveView } from '../features/live-view/LiveView';
import { ParamsPanel } from '../features/params/ParamsPanel';
import { PromptPanel } from '../features/prompt/PromptPanel';
import { ReferencePanel } from '../features/reference/ReferencePanel';
import { readPackSource } from '../lib/url-options';
import { ensureEngineStarted } from '../engine/session';
import { GenerateBar } from './GenerateBar';
import { Header } from './Header';
import { StatusBanner } from './StatusBanner';
import { useInitialInputs } from './use-initial-inputs';
import './App.css';

export function App() {
  useEffect(() => {
    void ensureEngineStarted(readPackSource(window.location.search));
  }, []);
  useInitialInputs();

  return (
    <div className="app">
      <Header />
      <StatusBanner />
      <main className="workspace">
        <div className="workspace__inputs">
          <ReferencePanel />
          <PromptPanel />
          <ParamsPanel />
        </div>
        <div className="workspace__stage">
          <GenerateBar />
          <LiveView />
          <ComparePanel />
        </div>
        <div className="workspace__gallery">
          <GalleryPanel />
        </div>
      </main>
    </div>
  );
}
