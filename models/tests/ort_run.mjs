// Runs an ONNX graph with onnxruntime-node (the runtime family we ship) for the parity tests.
// usage: node ort_run.mjs model.onnx io.json outdir
// io.json: {"inputs": {"name": {"dtype": "float32"|"int64", "shape": [..], "file": "x.bin"}}}
// Writes outdir/<output>.bin (float32 little-endian) and outdir/outputs.json (names, shapes).
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';

const [model, ioPath, outDir] = process.argv.slice(2);
const io = JSON.parse(fs.readFileSync(ioPath, 'utf8'));
const base = path.dirname(ioPath);
const feeds = {};
for (const [name, spec] of Object.entries(io.inputs)) {
  const buf = fs.readFileSync(path.join(base, spec.file));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = spec.dtype === 'int64' ? new BigInt64Array(ab) : new Float32Array(ab);
  feeds[name] = new ort.Tensor(spec.dtype, data, spec.shape);
}
const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'all' });
const results = await session.run(feeds);
fs.mkdirSync(outDir, { recursive: true });
const meta = {};
for (const [name, t] of Object.entries(results)) {
  fs.writeFileSync(path.join(outDir, `${name}.bin`), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  meta[name] = { dims: t.dims, type: t.type };
}
meta.__inputNames = session.inputNames;
meta.__outputNames = session.outputNames;
fs.writeFileSync(path.join(outDir, 'outputs.json'), JSON.stringify(meta));
