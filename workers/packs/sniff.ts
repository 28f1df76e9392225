/**
 * Content sniffing for files that should be ONNX models or JSON. Static hosts and SPA
 * fallbacks answer a missing file with `200 index.html`; catching that by its first bytes
 * gives a far clearer message than a hash mismatch or a protobuf parse error.
 */

const HTML_START = /^\s*(<!doctype\s+html|<html|<head|<body|<\?xml|<!--)/i;

export function looksLikeHtml(data: string | Uint8Array): boolean {
  const head = typeof data === 'string' ? data.slice(0, 256) : new TextDecoder().decode(data.subarray(0, 256));
  return HTML_START.test(head.replace(/^\uFEFF/, ''));
}

/**
 * An ONNX file is a protobuf ModelProto whose first field is `ir_version` (field 1, varint:
 * tag byte 0x08) in every exporter we know of. Cheap and good enough to reject text, images
 * and error pages before handing bytes to the runtime.
 */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x08 && (bytes[1] ?? 0) > 0 && (bytes[1] ?? 0) < 0x80;
}

/**
 * What to say when a server answers with a web page where a pack file should be (a static
 * host's fallback page, a login or error page): that it is an HTML page, not that the file is
 * "missing" (the server did answer).
 */
export function htmlInsteadOf(file: string, url?: string): string {
  const what = file.toLowerCase().endsWith('.onnx') ? 'the model' : 'the file';
  const where = url === undefined ? '' : ` (${url})`;
  return `the server answered with an HTML page instead of ${what}${where} — a web page, such as a site's fallback page, is served where this file should be`;
}
