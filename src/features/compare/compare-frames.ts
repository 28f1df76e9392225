/** Each compared mode's final image and mask, outside React, painted by the compare cells. */
import type { Gray, Mode, Rgba } from '../../../workers/protocol';
import { createFrameChannel, type FrameChannel } from '../../lib/frame-channel';

export const COMPARED_MODES: readonly Mode[] = ['realcustom', 'global', 'text'];

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
