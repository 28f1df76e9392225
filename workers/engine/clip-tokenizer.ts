/**
 * CLIP's byte-level BPE tokenizer (OpenAI CLIP `simple_tokenizer.py`, as SD-1.5's text
 * encoder reads it): lowercase, CLIP's split pattern, bytes → printable stand-ins, BPE by
 * merge rank with `</w>` on a word's last symbol, then `bos, tokens (cut to maxLength − 2),
 * eos, pad…` (docs/pack-contract-v2.md `tokenizer`). No ftfy clean-up: prompts are typed text.
 *
 * The page's chips are words (runs of [a-z0-9], src/lib/prompt-words.ts); `analyze` maps
 * each to the BPE positions it covers, so a target word of several BPE tokens marks all.
 */
import type { PromptAnalysis, TokenInfo } from '../protocol';
import { occurrenceAt, occurrences, splitWords, type Encoded, type PromptTokenizer } from './tokenizer';

export interface ClipTokenizerSpec {
  /** vocab.json: token → id. */
  vocab: Readonly<Record<string, number>>;
  /** merges.txt's text (`#version` line first, then `a b` per line, by rank). */
  merges: string;
  maxLength: number;
  bos: number;
  eos: number;
  pad: number;
}

/** CLIP's pattern (specials are never typed by users, so they are left out). */
const PATTERN = /'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu;
/** The page's words (src/lib/prompt-words.ts): runs of ASCII letters and digits. */
const WORD = /[a-z0-9]+/g;

/** GPT-2/CLIP byte → printable character table. */
function byteTable(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const table = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCodePoint(keep.includes(b) ? b : 256 + extra++);
  }
  return table;
}

interface Piece {
  start: number;
  end: number;
  ids: number[];
}

export class ClipTokenizer implements PromptTokenizer {
  private readonly ranks = new Map<string, number>();
  private readonly bytes = byteTable();
  private readonly cache = new Map<string, number[]>();
  private readonly utf8 = new TextEncoder();

  constructor(private readonly spec: ClipTokenizerSpec) {
    const lines = spec.merges.split('\n');
    let rank = 0;
    for (const [i, raw] of lines.entries()) {
      const line = raw.trim();
      if (line === '' || (i === 0 && line.startsWith('#version'))) continue;
      this.ranks.set(line, rank++);
    }
  }

  get maxLength(): number {
    return this.spec.maxLength;
  }

  /** BPE ids of one pre-tokenized piece (lowercase text). */
  pieceIds(piece: string): number[] {
    const cached = this.cache.get(piece);
    if (cached) return cached;
    const chars = Array.from(this.utf8.encode(piece), (b) => this.bytes[b]!);
    let word = chars.map((c, i) => (i === chars.length - 1 ? `${c}</w>` : c));
    while (word.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < word.length; i++) {
        const r = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const [a, b] = [word[best]!, word[best + 1]!];
      const merged: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i + 1 < word.length && word[i] === a && word[i + 1] === b) {
          merged.push(a + b);
          i++;
        } else merged.push(word[i]!);
      }
      word = merged;
    }
    // A symbol missing from the vocabulary cannot occur with a real CLIP vocab (every byte
    // and byte</w> is in it); map it to eos rather than fail.
    const ids = word.map((t) => this.spec.vocab[t] ?? this.spec.eos);
    this.cache.set(piece, ids);
    return ids;
  }

  private pieces(text: string): Piece[] {
    const lower = text.toLowerCase();
    return [...lower.matchAll(PATTERN)].map((m) => ({
      start: m.index,
      end: m.index + m[0].length,
      ids: this.pieceIds(m[0]),
    }));
  }

  encode(text: string): Encoded & { positions: number[][] } {
    const lower = text.toLowerCase();
    const pieces = this.pieces(text);
    const room = this.spec.maxLength - 2;
    // Token positions (after bos) of each piece, and the page's words over them.
    const piecePositions: number[][] = [];
    let next = 1;
    for (const p of pieces) {
      piecePositions.push(p.ids.map((_, i) => next + i));
      next += p.ids.length;
    }
    const all = pieces.flatMap((p) => p.ids);
    const ids = [this.spec.bos, ...all.slice(0, room), this.spec.eos];
    while (ids.length < this.spec.maxLength) ids.push(this.spec.pad);

    const tokens: TokenInfo[] = [];
    const positions: number[][] = [];
    const truncatedWords: string[] = [];
    for (const w of lower.matchAll(WORD)) {
      const start = w.index;
      const end = start + w[0].length;
      const covered = pieces.flatMap((p, i) => (p.start < end && p.end > start ? piecePositions[i]! : []));
      if (covered.length > 0 && covered.every((pos) => pos <= room)) {
        tokens.push({ text: w[0], id: ids[covered[0]!]!, known: true });
        positions.push(covered);
      } else truncatedWords.push(w[0]);
    }
    return { ids, tokens, truncatedWords, positions };
  }

  analyze(prompt: string, targetWord: string, targetIndex?: number): PromptAnalysis {
    const { tokens, truncatedWords, positions } = this.encode(prompt);
    const phrase = splitWords(targetWord);
    const texts = tokens.map((t) => t.text);
    const at = targetIndex === undefined ? null : occurrenceAt(texts, phrase, targetIndex);
    const hits =
      targetIndex === undefined ? occurrences(texts, phrase) : at === null ? [] : phrase.map((_, j) => at + j);
    const targetPositions = [...new Set(hits.flatMap((i) => positions[i]!))].sort((a, b) => a - b);
    const problems: string[] = [];
    const shown = phrase.join(' ');
    if (tokens.length === 0 && truncatedWords.length === 0) problems.push('The prompt is empty.');
    if (shown === '') problems.push('Choose a word of the prompt to customize.');
    else if (targetPositions.length === 0) {
      const inFullPrompt = occurrences(splitWords(prompt), phrase).length > 0;
      problems.push(
        inFullPrompt
          ? `‘${shown}’ is past the ${this.spec.maxLength - 2}-token limit; move it earlier in the prompt.`
          : `‘${shown}’ is not in the prompt.`,
      );
    }
    if (truncatedWords.length > 0)
      problems.push(
        `The prompt is longer than ${this.spec.maxLength - 2} tokens; ignored: ${truncatedWords.join(' ')}.`,
      );
    return { tokens, targetPositions, truncatedWords, problems };
  }
}
