/**
 * Classifier-free guidance as a weighted sum of the UNet's batch rows, so one GPU graph
 * serves every mode: ε = Σ_b w_b · out_b.
 *
 * dual (rows ∅, T, TI): ε = ε∅ + ω_t(ε_T − ε∅) + ω_i(ε_TI − ε_T)
 *                         = (1−ω_t)ε∅ + (ω_t−ω_i)ε_T + ω_i ε_TI
 * single (rows ∅, C):   ε = ε∅ + ω(ε_C − ε∅) = (1−ω)ε∅ + ω ε_C
 */

export function dualWeights(guidanceText: number, guidanceImage: number): [number, number, number] {
  return [1 - guidanceText, guidanceText - guidanceImage, guidanceImage];
}

export function singleWeights(guidance: number): [number, number] {
  return [1 - guidance, guidance];
}
