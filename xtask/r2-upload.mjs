// Puts files into the local R2 bucket behind the Worker's ASSETS binding, all in one local
// runtime session (parallel `wrangler r2 object put --local` calls race on a fresh state dir).
// Usage: node xtask/r2-upload.mjs <persist-dir> <environment>   (reads JSON from stdin:
// [{"key": "...", "file": "...", "contentType": "..."}]). Called by `cargo xtask`.
import { readFile } from 'node:fs/promises';
import { getPlatformProxy } from 'wrangler';

const [persistTo, environment] = process.argv.slice(2);
if (!persistTo || !environment) {
  console.error('usage: r2-upload.mjs <persist-dir> <environment> < files.json');
  process.exit(2);
}
let input = '';
for await (const chunk of process.stdin) input += chunk;
const files = JSON.parse(input);

const { env, dispose } = await getPlatformProxy({
  environment,
  // `wrangler dev --persist-to X` keeps its state in X/v3.
  persist: { path: `${persistTo}/v3` },
  envFiles: [],
  remoteBindings: false,
});
try {
  for (const { key, file, contentType } of files) {
    const bytes = await readFile(file);
    // A plain ArrayBuffer: the runtime proxy cannot take a slice of Node's shared Buffer pool.
    const body = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    await env.ASSETS.put(key, body, { httpMetadata: { contentType } });
  }
} finally {
  await dispose();
}
