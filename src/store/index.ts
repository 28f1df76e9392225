/**
 * The page's state, in slices. Each slice holds an explicit status union; pixels never live
 * here (see engine/live-frames.ts and features/reference/reference-pixels.ts). A slice is
 * typed on its own state only (`StateCreator<XSlice>`): it cannot reach into another, and
 * the slice files do not import this one back.
 */
import { create } from 'zustand';
import { readEpPreference } from '../lib/url-options';
import { createEngineSlice, type EngineSlice } from './engine-slice';
import { createGallerySlice, type GallerySlice } from './gallery-slice';
import { createInputsSlice, type InputsSlice } from './inputs-slice';
import { createJobSlice, type JobSlice } from './job-slice';
import { createPackSlice, type PackSlice } from './pack-slice';
import { createResultSlice, type ResultSlice } from './result-slice';

export type Store = EngineSlice & PackSlice & JobSlice & InputsSlice & ResultSlice & GallerySlice;

export const useStore = create<Store>()((...a) => ({
  ...createEngineSlice(readEpPreference(window.location.search))(...a),
  ...createPackSlice(...a),
  ...createJobSlice(...a),
  ...createInputsSlice(...a),
  ...createResultSlice(...a),
  ...createGallerySlice(...a),
}));
