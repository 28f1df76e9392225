/**
 * The page's state, in slices. Each slice holds an explicit status union; pixels never live
 * here (see features/live-view/live-frames.ts).
 */
import { create } from 'zustand';
import { readEpPreference } from '../lib/url-options';
import { createEngineSlice, type EngineSlice } from './engine-slice';
import { createJobSlice, type JobSlice } from './job-slice';
import { createPackSlice, type PackSlice } from './pack-slice';

export type Store = EngineSlice & PackSlice & JobSlice;

export const useStore = create<Store>()((...a) => ({
  ...createEngineSlice(readEpPreference(window.location.search))(...a),
  ...createPackSlice(...a),
  ...createJobSlice(...a),
}));
