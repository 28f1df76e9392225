import type { StateCreator } from 'zustand';
import type { GalleryEntry } from '../lib/gallery-db';

/** The kept results as listed from IndexedDB (newest first). Blobs, not decoded pixels. */
export type GalleryState =
  { status: 'loading' } | { status: 'done'; entries: GalleryEntry[] } | { status: 'error'; message: string };

export interface GallerySlice {
  gallery: GalleryState;
  /** A problem with the last save/delete, shown once in the gallery. */
  galleryNotice: string | null;
  setGallery(gallery: GalleryState): void;
  setGalleryNotice(notice: string | null): void;
}

export const createGallerySlice: StateCreator<GallerySlice> = (set) => ({
  gallery: { status: 'loading' },
  galleryNotice: null,
  setGallery: (gallery) => set({ gallery }),
  setGalleryNotice: (galleryNotice) => set({ galleryNotice }),
});
