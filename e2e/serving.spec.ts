import { statSync } from 'node:fs';
import { expect, test } from './fixtures';
import { TEST_PACK } from './helpers';

/**
 * How the app's own server (`npm start`, vite preview) sends a pack's model files: as stored
 * (binary type, their length for the progress bar, no on-the-fly gzip of float weights), and
 * answering Range requests, which resumed downloads use.
 */
test('model files go out as stored binaries with their length, and Range is answered', async ({ request }) => {
  const path = `public/models/${TEST_PACK}/unet.onnx`;
  const size = statSync(path).size;
  const url = `/models/${TEST_PACK}/unet.onnx`;

  const whole = await request.get(url, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
  expect(whole.status()).toBe(200);
  const headers = whole.headers();
  expect(headers['content-type']).toBe('application/octet-stream');
  expect(headers['content-encoding']).toBeUndefined();
  expect(Number(headers['content-length'])).toBe(size);
  expect((await whole.body()).length).toBe(size);

  const rest = await request.get(url, { headers: { Range: 'bytes=100-' } });
  expect(rest.status()).toBe(206);
  expect(rest.headers()['content-range']).toBe(`bytes 100-${size - 1}/${size}`);
  expect((await rest.body()).length).toBe(size - 100);
});
