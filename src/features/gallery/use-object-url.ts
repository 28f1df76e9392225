/**
 * Object URLs for the gallery's blobs: one per blob for as long as the blob is listed
 * (a card that remounts reuses it); deleting an entry releases its URLs.
 */
const urls = new WeakMap<Blob, string>();

export function objectUrl(blob: Blob | null): string | null {
  if (!blob) return null;
  let url = urls.get(blob);
  if (!url) {
    url = URL.createObjectURL(blob);
    urls.set(blob, url);
  }
  return url;
}

export function releaseObjectUrls(blobs: readonly (Blob | null)[]): void {
  for (const blob of blobs) {
    const url = blob ? urls.get(blob) : undefined;
    if (!url || !blob) continue;
    URL.revokeObjectURL(url);
    urls.delete(blob);
  }
}
