// Exports or imports both KV namespaces of a local stack (its wrangler dev state), for
// `cargo xtask backup` / `restore` on this machine. A deployment's KV goes through Cloudflare's
// REST API instead (xtask/src/backup/kv.rs).
// Usage: node xtask/kv-backup.mjs <persist-dir> <environment> export|import <kv.json>
//        node xtask/kv-backup.mjs <persist-dir> <environment> wipe
// (a file, not stdout: the local runtime prints notes of its own on stdout)
// The JSON: {"SESSION_STORE": [{"key", "value" (base64), "expiration"?, "metadata"?}], ...}.
import { readFile, writeFile } from 'node:fs/promises';
import { getPlatformProxy } from 'wrangler';

const NAMESPACES = ['SESSION_STORE', 'CACHE_STORE'];
const [persistTo, environment, action, file] = process.argv.slice(2);
const needsFile = action === 'export' || action === 'import';
if (!persistTo || !environment || !['export', 'import', 'wipe'].includes(action) || (needsFile && !file)) {
  console.error('usage: kv-backup.mjs <persist-dir> <environment> export|import <file> | wipe');
  process.exit(2);
}

const { env, dispose } = await getPlatformProxy({
  environment,
  persist: { path: `${persistTo}/v3` },
  envFiles: [],
  remoteBindings: false,
});
try {
  if (action === 'export') {
    const out = {};
    for (const name of NAMESPACES) {
      const entries = [];
      let cursor;
      do {
        const page = await env[name].list({ cursor });
        for (const { name: key, expiration, metadata } of page.keys) {
          const value = await env[name].get(key, 'arrayBuffer');
          if (value === null) continue; // expired between the list and the read
          const entry = { key, value: Buffer.from(value).toString('base64') };
          if (expiration) entry.expiration = expiration;
          if (metadata !== undefined && metadata !== null) entry.metadata = metadata;
          entries.push(entry);
        }
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
      out[name] = entries;
    }
    await writeFile(file, JSON.stringify(out), { mode: 0o600 });
  } else if (action === 'wipe') {
    for (const name of NAMESPACES) {
      let cursor;
      do {
        const page = await env[name].list({ cursor });
        for (const { name: key } of page.keys) await env[name].delete(key);
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
    }
  } else {
    const backup = JSON.parse(await readFile(file, 'utf8'));
    for (const name of NAMESPACES) {
      for (const { key, value, expiration, metadata } of backup[name] ?? []) {
        const bytes = Buffer.from(value, 'base64');
        const body = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        const options = {};
        if (expiration) options.expiration = expiration;
        if (metadata !== undefined) options.metadata = metadata;
        await env[name].put(key, body, options);
      }
    }
  }
} finally {
  await dispose();
}
