/**
 * Which execution provider runs the graphs: a pure function of what the device offers and
 * what the user asked for, so the policy is unit-tested and the reason shown in the page's
 * badge is the one the code acted on.
 */
import { EngineError } from '../errors';
import type { AdapterInfo, Capabilities, EpPreference, ExecutionProvider } from '../protocol';

export interface EpChoice {
  ep: ExecutionProvider;
  reason: string;
}

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|\bwarp\b|basic render|software|\bcpu\b/i;

/** SwiftShader, llvmpipe, WARP…: WebGPU emulated on the CPU. */
export function isSoftwareAdapter(info: {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter?: boolean | undefined;
}): boolean {
  return (
    info.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(`${info.vendor} ${info.architecture} ${info.description}`)
  );
}

export function adapterLabel(a: AdapterInfo): string {
  return a.description || [a.vendor, a.architecture].filter(Boolean).join(' ') || a.name || 'unknown adapter';
}

/**
 * @param needsF16 the pack is fp16, which the WebGPU EP only runs with `shader-f16`
 * @throws EngineError WebGpuUnavailable when WebGPU is forced but cannot run the pack
 */
export function chooseEp(caps: Capabilities, pref: EpPreference, needsF16 = false): EpChoice {
  if (pref === 'wasm') return { ep: 'wasm', reason: 'WASM chosen by the user' };
  const gpu = caps.webgpu;
  if (!gpu.available) {
    if (pref === 'webgpu') {
      throw new EngineError('WebGpuUnavailable', `WebGPU was requested but is not available: ${gpu.reason}`);
    }
    return { ep: 'wasm', reason: `WebGPU unavailable (${gpu.reason}): running on WASM` };
  }
  const label = adapterLabel(gpu.adapter);
  const f16Missing = needsF16 && !gpu.adapter.features.includes('shader-f16');
  if (pref === 'webgpu') {
    if (f16Missing) {
      throw new EngineError(
        'WebGpuUnavailable',
        `This fp16 pack needs the shader-f16 feature, which ${label} lacks; use WASM or an fp32 pack.`,
      );
    }
    const slow = gpu.adapter.isSoftware ? ' (a software adapter: expect it to be slower than WASM)' : '';
    return { ep: 'webgpu', reason: `WebGPU chosen by the user on ${label}${slow}` };
  }
  if (f16Missing)
    return { ep: 'wasm', reason: `${label} lacks shader-f16, which this fp16 pack needs: running on WASM` };
  if (gpu.adapter.isSoftware) {
    // Measured on the toy UNet: 3.2 s per eval on SwiftShader vs 125 ms on WASM.
    return { ep: 'wasm', reason: `${label} is a software adapter, slower than WASM: running on WASM` };
  }
  return { ep: 'webgpu', reason: `WebGPU on ${label}` };
}
