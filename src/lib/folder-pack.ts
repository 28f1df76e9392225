/**
 * The files a folder input (`<input type="file" webkitdirectory>`) hands over → a pack source:
 * each file with its path inside the chosen folder (the folder's own name, the first part of
 * `webkitRelativePath`, removed). Reading and checking them is the worker's job.
 */
import type { FolderPack } from '../../workers/protocol';

export function folderPackOf(files: readonly File[]): FolderPack {
  let name = '';
  const entries = files.map((file) => {
    const relative = file.webkitRelativePath || file.name;
    const slash = relative.indexOf('/');
    if (slash < 0) return { path: relative, file };
    name ||= relative.slice(0, slash);
    return { path: relative.slice(slash + 1), file };
  });
  return { kind: 'folder', name: name || 'chosen', files: entries };
}
