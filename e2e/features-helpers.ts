/**
 * Steps of the feature specs, done the way a person does them: the file input, the prompt
 * box, the word chips, the parameter fields, the buttons.
 */
import { expect, type Page } from '@playwright/test';
import { TEST_PACK } from './helpers';

export const STAR_REFERENCE = `public/models/${TEST_PACK}/examples/ref-star-0.png`;

/** Reference through the file input, a prompt, `red star` as the target, few steps. */
export async function setUpJob(page: Page, steps: number): Promise<void> {
  await page.getByLabel('Reference image file').setInputFiles(STAR_REFERENCE);
  await expect(page.getByTestId('reference-area')).toHaveAttribute('data-status', 'ready');
  await page.getByRole('textbox', { name: 'Prompt' }).fill('a red star and a blue ball on grass');
  const chips = page.getByTestId('word-chips');
  await chips.getByRole('button', { name: 'star', exact: true }).click();
  await chips.getByRole('button', { name: 'red', exact: true }).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('target-word')).toHaveText('Target: red star');
  await setNumber(page, 'Steps', steps);
  await setNumber(page, 'Mask reuse', 0); // recompute the mask every step: it changes across steps
}

export async function setNumber(page: Page, label: string, value: number): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(String(value));
  await field.press('Enter');
  await expect(field).toHaveValue(String(value));
}

export interface CanvasStats {
  width: number;
  height: number;
  /** Share of pixels with any colour (RGB sum or alpha above a small threshold). */
  litFraction: number;
  /** Mean brightness of the lit pixels' bounding box vs the whole frame: ≥ 1 = concentrated. */
  bbox: [number, number, number, number] | null;
  variance: number;
  signature: string;
}

/** What a canvas holds now (read in the page). */
export function canvasStats(page: Page, testId: string): Promise<CanvasStats> {
  return page.getByTestId(testId).evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    const { width, height } = canvas;
    const data = canvas.getContext('2d')?.getImageData(0, 0, width, height).data ?? new Uint8ClampedArray();
    let lit = 0;
    let sum = 0;
    let sumSq = 0;
    let box: [number, number, number, number] | null = null;
    for (let i = 0; i < width * height; i++) {
      const [r, g, b, a] = [data[i * 4]!, data[i * 4 + 1]!, data[i * 4 + 2]!, data[i * 4 + 3]!];
      const v = ((r + g + b) / 3) * (a / 255);
      sum += v;
      sumSq += v * v;
      if (a > 24) {
        lit++;
        const x = i % width;
        const y = Math.floor(i / width);
        box = box ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)] : [x, y, x, y];
      }
    }
    const n = Math.max(1, width * height);
    const mean = sum / n;
    let hash = 0;
    for (const byte of data) hash = (hash * 31 + byte) >>> 0;
    return {
      width,
      height,
      litFraction: lit / n,
      bbox: box,
      variance: sumSq / n - mean * mean,
      signature: `${width}x${height}:${hash}`,
    };
  });
}
