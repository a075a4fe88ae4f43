// The benchmark's baseline (`cargo xtask bench`): the Rust Worker's cached catalogue read written
// as plainly as JavaScript allows, on the same workerd, so the report can say what the Rust
// build costs and what the design costs.
//
//   /floor        the catalogue's JSON, nothing else (not even a log line);
//   /same         what the Rust Worker does per cached read: the rate limit counted in the
//                 isolate and settled with a Durable Object every 25th request of a client, the
//                 catalogue version from KV remembered for 5 s, a Cache API match, a JSON log line;
//   /per-request  the design before: a Durable Object call with a storage read and write, a KV
//                 read and a Cache API match on every request.
//
// `catalog.json` is written beside this file by the benchmark, from the Rust Worker's answer.
import { DurableObject } from "cloudflare:workers";
import catalog from "./catalog.json";

const BODY = JSON.stringify(catalog);
const LIMIT = 100;
const PERIOD_MS = 60_000;
const SETTLE_EVERY = 25;
const REMEMBER_MS = 5_000;
// Random values may not be made at start-up, only in a handler.
let isolate = null;

const json = (body, status = 200) =>
  new Response(body, { status, headers: { "content-type": "application/json" } });

export class Limiter extends DurableObject {
  constructor(state, env) {
    super(state, env);
    this.state = state;
    this.tally = null;
  }

  async fetch(request) {
    const url = new URL(request.url);
    const now = Date.now();
    if (url.pathname === "/per-request") {
      let window = await this.state.storage.get("window");
      if (!window || now - window.started >= PERIOD_MS) window = { started: now, count: 0 };
      const allowed = window.count < LIMIT;
      if (allowed) window.count += 1;
      await this.state.storage.put("window", window);
      return Response.json({ allowed, remaining: LIMIT - window.count });
    }
    const mine = Number(url.searchParams.get("mine"));
    const started = Number(url.searchParams.get("started") || -1);
    if (!this.tally || now - this.tally.started >= PERIOD_MS) {
      this.tally = { started: started >= 0 && now - started < PERIOD_MS ? started : now, by: {} };
    }
    const isolate = url.searchParams.get("isolate");
    if (started >= this.tally.started) this.tally.by[isolate] = Math.max(this.tally.by[isolate] || 0, mine);
    const total = Object.values(this.tally.by).reduce((a, b) => a + b, 0);
    const allowed = total < LIMIT;
    if (allowed) this.tally.by[isolate] = (this.tally.by[isolate] || 0) + 1;
    return Response.json({
      started: this.tally.started,
      total: total + (allowed ? 1 : 0),
      mine: this.tally.by[isolate] || 0,
      allowed,
    });
  }
}

const known = new Map();

async function limitedLocally(env, client) {
  const now = Date.now();
  let k = known.get(client);
  if (k && now - k.started < PERIOD_MS) {
    if (k.total + k.mine - k.settled >= LIMIT) return false;
    if (k.mine - k.settled + 1 < SETTLE_EVERY) {
      k.mine += 1;
      return true;
    }
  } else {
    // A new window opens here; the counter hears of it at the 25th request.
    known.set(client, { started: now, mine: 1, settled: 0, total: 0 });
    return true;
  }
  const stub = env.LIMITER.get(env.LIMITER.idFromName(client));
  isolate ??= crypto.randomUUID();
  const query = `isolate=${isolate}&mine=${k.mine}&started=${k.started}`;
  const verdict = await (await stub.fetch(`https://limiter/same?${query}`)).json();
  known.set(client, { started: verdict.started, mine: verdict.mine, settled: verdict.mine, total: verdict.total });
  return verdict.allowed;
}

let version = null;

async function catalogVersion(env, remember) {
  const now = Date.now();
  if (remember && version && now - version.at < REMEMBER_MS) return version.value;
  const value = (await env.CACHE_STORE.get("catalog:version")) || "0";
  version = { value, at: now };
  return value;
}

async function cached(request, env, ctx, remember) {
  const key = new Request(`https://cache.local/${await catalogVersion(env, remember)}/api/v1/exams`);
  const hit = await caches.default.match(key);
  if (hit) return hit;
  const response = json(BODY);
  response.headers.set("cache-control", "public, max-age=300");
  ctx.waitUntil(caches.default.put(key, response.clone()));
  return response;
}

// The Rust Worker writes one JSON line per request; so do the designs measured against it.
function logged(request, response, started) {
  console.log(
    JSON.stringify({
      level: "info",
      message: `${request.method} /api/v1/exams ${response.status}`,
      request_id: crypto.randomUUID(),
      method: request.method,
      route: "/api/v1/exams",
      status: response.status,
      duration_ms: Date.now() - started,
      environment: "development",
    }),
  );
  return response;
}

export default {
  async fetch(request, env, ctx) {
    const started = Date.now();
    const response = await answer(request, env, ctx);
    const { pathname } = new URL(request.url);
    return pathname === "/floor" ? response : logged(request, response, started);
  },
};

async function answer(request, env, ctx) {
  const { pathname } = new URL(request.url);
  const client = request.headers.get("cf-connecting-ip") || "unknown";
  if (pathname === "/floor") return json(BODY);
  if (pathname === "/same") {
    if (!(await limitedLocally(env, client))) return json('{"error":"rate_limited"}', 429);
    return cached(request, env, ctx, true);
  }
  if (pathname === "/per-request") {
    const stub = env.LIMITER.get(env.LIMITER.idFromName(client));
    const verdict = await (await stub.fetch("https://limiter/per-request")).json();
    if (!verdict.allowed) return json('{"error":"rate_limited"}', 429);
    return cached(request, env, ctx, false);
  }
  return json('{"error":"not_found"}', 404);
}
