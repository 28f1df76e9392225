import { describe, expect, it } from 'vitest';
import { folderPackOf } from './folder-pack';

/** A File as a folder input gives it (the browser sets webkitRelativePath; here by hand). */
function picked(relativePath: string): File {
  const file = new File(['x'], relativePath.split('/').pop() ?? relativePath);
  Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
  return file;
}

describe('folderPackOf', () => {
  it('names the folder and keeps each file’s path inside it', () => {
    const files = [picked('test-tiny/pack.json'), picked('test-tiny/examples/ref-star-0.png')];
    const folder = folderPackOf(files);
    expect(folder.kind).toBe('folder');
    expect(folder.name).toBe('test-tiny');
    expect(folder.files.map((f) => f.path)).toEqual(['pack.json', 'examples/ref-star-0.png']);
    expect(folder.files[0]?.file).toBe(files[0]);
  });

  it('takes a file without a folder path by its name', () => {
    expect(folderPackOf([new File(['{}'], 'pack.json')]).files[0]?.path).toBe('pack.json');
  });
});
