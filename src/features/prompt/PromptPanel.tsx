import { Panel } from '../../app/Panel';
import './PromptPanel.css';

/** The scene, and which of its words takes the reference's look. */
export function PromptPanel() {
  return (
    <Panel title="Prompt" hint="Describe the scene, then pick the word to customize">
      <textarea className="prompt-input" rows={3} placeholder="a star and a blue ball on grass" aria-label="Prompt" />
      <div className="word-chips" data-testid="word-chips" aria-label="Target word" />
    </Panel>
  );
}
