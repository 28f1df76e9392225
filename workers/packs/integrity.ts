/**
 * Byte-size and SHA-256 verification of pack files (WebCrypto: browsers, workers and Node 20
 * all have `crypto.subtle`). Every message names the file and the problem.
 */
import { packInvalid } from '../errors';
import type { FileRef } from './manifest';
import { htmlInsteadOf, looksLikeHtml, looksLikeOnnx } from './sniff';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // subtle.digest wants a BufferSource backed by an ArrayBuffer (not a SharedArrayBuffer).
  const view = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  const digest = await crypto.subtle.digest('SHA-256', view);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Throws PackInvalid unless `bytes` is exactly the file the manifest describes. */
export async function verifyFile(ref: FileRef, bytes: Uint8Array): Promise<void> {
  const isOnnx = ref.file.toLowerCase().endsWith('.onnx');
  if (looksLikeHtml(bytes)) {
    throw packInvalid(ref.file, htmlInsteadOf(ref.file));
  }
  if (bytes.length !== ref.bytes) {
    const what = bytes.length < ref.bytes ? 'truncated' : 'too long';
    throw packInvalid(ref.file, `expected ${ref.bytes} bytes, got ${bytes.length} — the file is ${what} or stale`);
  }
  if (isOnnx && !looksLikeOnnx(bytes)) {
    throw packInvalid(ref.file, 'is not an ONNX model (wrong leading bytes)');
  }
  const actual = await sha256Hex(bytes);
  if (actual !== ref.sha256) {
    throw packInvalid(ref.file, `expected sha256 ${ref.sha256}, got ${actual} — the file is corrupt or stale`);
  }
}
