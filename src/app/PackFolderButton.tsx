import { useId } from 'react';
import { loadFolderPack } from '../engine/recovery';
import { folderPackOf } from '../lib/folder-pack';
import './PackFolderButton.css';

/**
 * Loads a model pack from a folder on this computer (the folder that holds its pack.json).
 * A folder input works in every browser; the files stay on the disk and go to the worker
 * only as File handles, checked there like any pack.
 */
export function PackFolderButton() {
  const id = useId();
  return (
    <>
      <input
        id={id}
        className="visually-hidden pack-folder-input"
        type="file"
        aria-label="Model pack folder"
        data-testid="pack-folder-input"
        // React has no prop for it; the property reflects to the attribute browsers read.
        ref={(input) => {
          if (input) input.webkitdirectory = true;
        }}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length > 0) void loadFolderPack(folderPackOf(files));
        }}
      />
      <label
        className="header-button pack-folder"
        htmlFor={id}
        title="A model pack’s folder on this computer (the one with pack.json); nothing is uploaded"
      >
        Load a folder…
      </label>
    </>
  );
}
