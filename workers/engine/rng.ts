/**
 * Seeded N(0, 1) noise that is bit-identical on every JS engine and platform.
 *
 * Uniforms come from xoshiro128** (32-bit integer ops only, seeded by splitmix32);
 * normals from Marsaglia's polar method. `Math.log` is implementation-approximated in
 * ECMAScript, so the logarithm is computed here from exact IEEE operations (+, −, ×, ÷ and
 * `Math.sqrt`, which is correctly rounded everywhere); the result is then identical across
 * browsers, Node and CPU architectures, which "same seed, same image" needs.
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** xoshiro128**: returns uint32. */
export function uint32Stream(seed: number): () => number {
  const init = splitmix32(seed);
  const s = new Uint32Array([init(), init(), init(), init()]);
  return () => {
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;
const scratch = new DataView(new ArrayBuffer(8));

/** ln(x) for finite x > 0 from exact operations: x = m·2^e, ln m = 2·atanh((m−1)/(m+1)). */
export function deterministicLog(x: number): number {
  scratch.setFloat64(0, x);
  const hi = scratch.getUint32(0);
  let e = ((hi >>> 20) & 0x7ff) - 1023;
  // Keep the exponent bits of 1.0 so the mantissa reads as m in [1, 2).
  scratch.setUint32(0, (hi & 0x800fffff) | 0x3ff00000);
  let m = scratch.getFloat64(0);
  if (e === -1023) {
    // Subnormal: renormalise (never hit by the polar method, kept for a total function).
    return deterministicLog(x * 2 ** 54) - 54 * LN2;
  }
  if (m > SQRT2) {
    m /= 2;
    e += 1;
  }
  const z = (m - 1) / (m + 1); // |z| ≤ 0.1716, so z² ≤ 0.0295
  const z2 = z * z;
  let term = z;
  let sum = 0;
  for (let k = 1; k < 40; k += 2) {
    sum += term / k;
    term *= z2;
  }
  return 2 * sum + e * LN2;
}

/** Standard normal float32 samples, `count` of them, from `seed` (uint32). */
export function gaussian(seed: number, count: number): Float32Array {
  const next = uint32Stream(seed);
  const uniform = () => (next() + 0.5) / 4294967296; // (0, 1), 32-bit resolution
  const out = new Float32Array(count);
  let i = 0;
  while (i < count) {
    const u = 2 * uniform() - 1;
    const v = 2 * uniform() - 1;
    const s = u * u + v * v;
    if (s >= 1 || s === 0) continue;
    const f = Math.sqrt((-2 * deterministicLog(s)) / s);
    out[i++] = u * f;
    if (i < count) out[i++] = v * f;
  }
  return out;
}
