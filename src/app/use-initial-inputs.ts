import { useEffect } from 'react';
import { readSharedSettings } from '../lib/share-url';
import { useStore } from '../store';

/**
 * Once the pack is known: parameters from a shared link (repaired where needed) or the
 * pack's defaults, and the link's prompt and target word.
 */
export function useInitialInputs(): void {
  const defaults = useStore((s) => (s.pack.status === 'done' ? s.pack.summary.defaults : null));

  useEffect(() => {
    if (!defaults) return;
    const { params, setParams, setPromptAndTarget } = useStore.getState();
    if (params) return; // the same pack again (a worker restart): keep what the person chose
    const shared = readSharedSettings(window.location.search, defaults);
    if (!shared) return setParams(defaults);
    setParams(shared.params, shared.problems);
    setPromptAndTarget(shared.prompt, shared.targetWord, shared.targetIndex);
  }, [defaults]);
}
