import { describe, expect, it } from 'vitest';
import type { Params } from '../../workers/protocol';
import { readSharedSettings, shareUrl } from './share-url';

const defaults: Params = {
  mode: 'realcustom',
  steps: 20,
  guidanceText: 7.5,
  guidanceImage: 12.5,
  gammaScope: 0.25,
  gammaNum: 0.8,
  maskReuseStep: 10,
  globalScale: 0.6,
  seed: 1,
  previewEvery: 1,
  binaryMask: false,
  scoring: true,
};

describe('share URL', () => {
  it('round-trips prompt, phrase and parameters, keeping pack and ep', () => {
    const params: Params = {
      ...defaults,
      mode: 'global',
      steps: 3,
      maskReuseStep: 2,
      gammaScope: 0.4,
      seed: 4_000_000_000,
      globalScale: 1.5,
    };
    const settings = { prompt: 'a red star & a ball?', targetWord: 'red star', params };
    const url = new URL(shareUrl('http://h/app/?pack=toyworld&ep=webgpu#x', settings));
    expect(url.pathname).toBe('/app/');
    expect(url.searchParams.get('pack')).toBe('toyworld');
    expect(url.searchParams.get('ep')).toBe('webgpu');
    expect(url.hash).toBe('');
    expect(readSharedSettings(url.search, defaults)).toEqual({ ...settings, problems: [] });
  });

  it('carries which copy of the word is the target (at=), and ignores a bad one', () => {
    const settings = { prompt: 'a star and a star', targetWord: 'star', targetIndex: 4, params: defaults };
    const url = new URL(shareUrl('http://h/?at=9', settings));
    expect(url.searchParams.get('at')).toBe('4');
    expect(readSharedSettings(url.search, defaults)?.targetIndex).toBe(4);
    expect(new URL(shareUrl('http://h/?at=9', { ...settings, targetIndex: undefined })).searchParams.has('at')).toBe(
      false,
    );
    expect(readSharedSettings('?prompt=a&word=a&at=-1', defaults)?.targetIndex).toBeUndefined();
    expect(readSharedSettings('?prompt=a&word=a&at=x', defaults)?.targetIndex).toBeUndefined();
  });

  it('is null for a link that carries no settings', () => {
    expect(readSharedSettings('?pack=toyworld', defaults)).toBeNull();
    expect(readSharedSettings('', defaults)).toBeNull();
  });

  it('repairs bad values and says so', () => {
    const shared = readSharedSettings('?prompt=a%20star&word=star&steps=abc&gammaScope=7', defaults);
    expect(shared?.params.steps).toBe(20);
    expect(shared?.params.gammaScope).toBe(1);
    expect(shared?.problems).toHaveLength(2);
  });

  it('takes defaults for parameters the link leaves out', () => {
    expect(readSharedSettings('?prompt=a%20ball&word=ball', defaults)).toEqual({
      prompt: 'a ball',
      targetWord: 'ball',
      params: defaults,
      problems: [],
    });
  });
});
