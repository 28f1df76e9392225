/**
 * The pixels of the running job, outside React: the engine session publishes each step's
 * frames here and the live-view canvases paint them on animation frames.
 */
import type { Gray, Rgba } from '../../workers/protocol';
import { createFrameChannel } from '../lib/frame-channel';

export const liveFrames = {
  preview: createFrameChannel<Rgba>(),
  mask: createFrameChannel<Gray>(),
  layerMasks: createFrameChannel<Gray[]>(),
};

export function clearLiveFrames(): void {
  liveFrames.preview.publish(null);
  liveFrames.mask.publish(null);
  liveFrames.layerMasks.publish(null);
}
