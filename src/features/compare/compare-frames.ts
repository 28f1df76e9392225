/** Each compared mode's final image and mask, outside React, painted by the compare cells. */
import type { Gray, Mode, Rgba } from '../../../workers/protocol';
import { createFrameChannel, type FrameChannel } from '../../lib/frame-channel';

export const COMPARED_MODES: readonly Mode[] = ['realcustom', 'global', 'text'];

/**
 * The compared modes in the order they run (and are shown): the form's mode last, so the
 * result the live view and the result bar hold afterwards is the one the form describes.
 */
export function compareOrder(available: readonly Mode[], formMode: Mode): Mode[] {
  const modes = COMPARED_MODES.filter((m) => available.includes(m));
  return [...modes.filter((m) => m !== formMode), ...modes.filter((m) => m === formMode)];
}

export interface ComparedResult {
  image: Rgba;
  mask: Gray | null;
}

export const compareFrames: Record<Mode, FrameChannel<ComparedResult>> = {
  realcustom: createFrameChannel(),
  global: createFrameChannel(),
  'masked-global': createFrameChannel(),
  text: createFrameChannel(),
};

export function clearCompareFrames(): void {
  for (const channel of Object.values(compareFrames)) channel.publish(null);
}
