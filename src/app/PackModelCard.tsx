import type { PackSummary } from '../../workers/protocol';

/**
 * For a real-model pack (format version 2): which model runs, its licence, and plainly what
 * the customization is — RealCustom's adaptive mask guiding a global IP-Adapter, the paper's
 * training-free variant, not RealCustom's own trained model.
 */
export function PackModelCard({ summary }: { summary: PackSummary }) {
  const model = summary.model;
  if (model === null) return null;
  return (
    <details className="pack-model" data-testid="pack-model">
      <summary>SD 1.5 + IP-Adapter</summary>
      <dl>
        <dt>Model</dt>
        <dd data-testid="pack-model-base">
          Stable Diffusion 1.5 ({model.base}) with {model.adapter}
        </dd>
        <dt>Licence</dt>
        <dd data-testid="pack-model-license">{summary.license}</dd>
        <dt>Customization</dt>
        <dd data-testid="pack-model-guidance">
          RealCustom’s adaptive mask (from the target word’s cross-attention) guides a global IP-Adapter: the paper’s
          training-free variant, not RealCustom’s trained model.
        </dd>
      </dl>
    </details>
  );
}
