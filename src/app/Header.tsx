import { BackendCheckDialog } from '../features/diagnostics/BackendCheckDialog';
import { BackendBadge } from './BackendBadge';
import { EpToggle } from './EpToggle';
import { PackFolderButton } from './PackFolderButton';
import { PackStatus } from './PackStatus';
import './Header.css';

export function Header() {
  return (
    <header className="header">
      <div className="header__brand">
        <svg className="header__logo" viewBox="0 0 32 32" aria-hidden="true">
          <rect x="2" y="2" width="28" height="28" rx="8" className="header__logo-frame" />
          <path d="M9 21c3-9 11-9 14 0" className="header__logo-arc" />
          <circle cx="16" cy="12.5" r="3.2" className="header__logo-dot" />
        </svg>
        <div>
          <h1 className="header__title">RealCustom Web</h1>
          <p className="header__tagline">Put your subject into any scene — on your GPU, in your browser</p>
        </div>
      </div>
      <div className="header__status">
        <PackStatus />
        <PackFolderButton />
        <BackendBadge />
        <EpToggle />
        <BackendCheckDialog />
      </div>
    </header>
  );
}
