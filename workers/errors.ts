/**
 * Typed engine errors and their plain-data form for the worker boundary.
 *
 * Pure TypeScript (no DOM, no runtime imports) so the page bridge, the worker and the Node
 * CLI share it. The page bridge registers `deserializeError` as Comlink's `throw` handler
 * counterpart of the worker's `serializeError`, so a rejected call arrives as an
 * `EngineError` with its `kind` intact instead of a bare string.
 */
import { ENGINE_ERROR_KINDS, type EngineErrorInfo, type EngineErrorKind } from './protocol';

export class EngineError extends Error {
  readonly kind: EngineErrorKind;
  readonly file: string | undefined;
  readonly detail: string | undefined;

  constructor(kind: EngineErrorKind, message: string, opts: { file?: string; detail?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'EngineError';
    this.kind = kind;
    this.file = opts.file;
    this.detail = opts.detail;
  }

  toInfo(): EngineErrorInfo {
    const info: EngineErrorInfo = { kind: this.kind, message: this.message };
    if (this.file !== undefined) info.file = this.file;
    if (this.detail !== undefined) info.detail = this.detail;
    return info;
  }

  static fromInfo(info: EngineErrorInfo): EngineError {
    const opts: { file?: string; detail?: string } = {};
    if (info.file !== undefined) opts.file = info.file;
    if (info.detail !== undefined) opts.detail = info.detail;
    return new EngineError(info.kind, info.message, opts);
  }
}

/** A pack problem, always naming the file (`pack.json` for manifest problems). */
export function packInvalid(file: string, problem: string, detail?: string): EngineError {
  return new EngineError('PackInvalid', `${file}: ${problem}`, detail === undefined ? { file } : { file, detail });
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

// Message fragments seen from onnxruntime-web (WASM and WebGPU EPs), Emscripten and the
// WebGPU API. ORT wraps most failures in a plain Error, so the text is all we have.
const OOM_PATTERNS = [
  /out of memory/i,
  /\boom\b/i,
  /bad_alloc/i,
  /failed to allocate/i,
  /allocation failed/i,
  /could not allocate/i,
  /cannot enlarge memory/i,
  /exceeds the max buffer size|maxBufferSize|maxStorageBufferBindingSize/i,
  /GPUOutOfMemoryError/,
];
const DEVICE_LOST_PATTERNS = [
  /device (was |is |has been )?lost/i,
  /GPUDeviceLostInfo/,
  /instance dropped/i,
  /device.*destroyed/i,
];
const NO_WEBGPU_PATTERNS = [
  /webgpu is not (supported|available)/i,
  /no available backend/i,
  /(failed to get|no) (gpu )?adapter/i,
  /navigator\.gpu/i,
];

/**
 * Maps anything thrown by ORT, WebGPU or our own code to an EngineError. An EngineError
 * passes through unchanged; otherwise the kind is guessed from the message and the original
 * text is kept in `detail` so nothing is lost for bug reports.
 */
export function classifyError(err: unknown, context?: string): EngineError {
  if (err instanceof EngineError) return err;
  const text = describe(err);
  const where = context === undefined ? '' : ` while ${context}`;
  const name = err instanceof Error ? err.name : '';
  if (name === 'AbortError') return new EngineError('Cancelled', 'Cancelled.', { detail: text, cause: err });
  if (OOM_PATTERNS.some((p) => p.test(text)) || name === 'GPUOutOfMemoryError') {
    return new EngineError(
      'OutOfMemory',
      `Out of memory${where}. Close other GPU-heavy tabs, use fewer steps or a smaller pack, or switch to WASM.`,
      { detail: text, cause: err },
    );
  }
  if (DEVICE_LOST_PATTERNS.some((p) => p.test(text))) {
    return new EngineError('DeviceLost', `The GPU device was lost${where}. The engine restarts; run the job again.`, {
      detail: text,
      cause: err,
    });
  }
  if (NO_WEBGPU_PATTERNS.some((p) => p.test(text))) {
    return new EngineError('WebGpuUnavailable', `WebGPU is not available${where}. Switch to WASM.`, {
      detail: text,
      cause: err,
    });
  }
  return new EngineError('Internal', `Unexpected error${where}: ${err instanceof Error ? err.message : text}`, {
    detail: err instanceof Error && err.stack !== undefined ? err.stack : text,
    cause: err,
  });
}

/** Worker side of the boundary: anything thrown → plain data. */
export function serializeError(err: unknown): EngineErrorInfo {
  return classifyError(err).toInfo();
}

/**
 * The Comlink `throw` transfer handler both bridge files register (they own the Comlink
 * import; this builds the handler from Comlink's default `canHandle`), so a rejection
 * crosses the worker boundary as EngineErrorInfo and arrives as an EngineError.
 */
export function engineErrorThrowHandler(canHandle: (value: unknown) => value is unknown) {
  return {
    canHandle,
    serialize: (thrown: unknown): [EngineErrorInfo, []] => [serializeError((thrown as { value: unknown }).value), []],
    deserialize: (info: unknown): never => {
      throw deserializeError(info);
    },
  };
}

/** Page side of the boundary: plain data → EngineError (unknown shapes become Internal). */
export function deserializeError(data: unknown): EngineError {
  if (isEngineErrorInfo(data)) return EngineError.fromInfo(data);
  return new EngineError('Internal', 'The worker failed with an unreadable error.', { detail: describe(data) });
}

export function isEngineErrorInfo(data: unknown): data is EngineErrorInfo {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  return (
    typeof d.kind === 'string' &&
    (ENGINE_ERROR_KINDS as readonly string[]).includes(d.kind) &&
    typeof d.message === 'string' &&
    (d.file === undefined || typeof d.file === 'string') &&
    (d.detail === undefined || typeof d.detail === 'string')
  );
}
