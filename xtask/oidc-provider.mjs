// The local stand-in for Google: a real OpenID Connect provider (oauth2-mock-server: discovery,
// JWKS, authorization code + PKCE, RS256 id_tokens) on 127.0.0.1, with Google's claims added.
// The signed-in person is chosen by `login_hint` (default learner@example.com), so tests can sign
// in as different people; a hint starting with "unverified" gets email_verified=false.
// Usage: node xtask/oidc-provider.mjs <port>   (started by `cargo xtask dev` and `cargo xtask test`)
import { createHash } from 'node:crypto';
import { Events, OAuth2Server } from 'oauth2-mock-server';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: oidc-provider.mjs <port>');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const DEFAULT_EMAIL = 'learner@example.com';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.issuer.url = issuer;

// Authorization codes are single-use; remember whose each one is until it is exchanged.
const hintByCode = new Map();
server.service.on(Events.BeforeAuthorizeRedirect, (redirect, req) => {
  const code = redirect.url.searchParams.get('code');
  const hint = typeof req.query?.login_hint === 'string' ? req.query.login_hint.trim() : '';
  if (code) hintByCode.set(code, hint || DEFAULT_EMAIL);
});

function person(email) {
  const local = email.split('@')[0];
  const words = local.split(/[._+-]+/).filter(Boolean);
  const name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ') || 'Learner';
  const id = createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 21);
  return {
    sub: id, // Google subjects are opaque, stable, numeric-looking strings
    email,
    email_verified: !local.startsWith('unverified'),
    name,
    picture: `${issuer}/avatar?id=${id}`,
  };
}

server.service.on(Events.BeforeTokenSigning, (token, req) => {
  const code = req.body?.code;
  const email = code ? hintByCode.get(code) : undefined;
  if (!email) return;
  Object.assign(token.payload, person(email));
});
server.service.on(Events.BeforeResponse, (_response, req) => {
  if (req.body?.code) hintByCode.delete(req.body.code);
});

// Google serves avatars from its own host; so does this one (a coloured initial).
server.service.addRoute('GET', '/avatar', (req, res) => {
  const id = String(req.query?.id ?? '');
  const hue = parseInt(id.slice(0, 4), 16) % 360 || 210;
  res.setHeader('Content-Type', 'image/svg+xml');
  res.setHeader('Cache-Control', 'public, max-age=3600');
  res.end(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="32" fill="hsl(${hue} 55% 45%)"/><circle cx="32" cy="25" r="11" fill="#fff"/><path d="M12 54c3-12 12-17 20-17s17 5 20 17" fill="#fff"/></svg>`);
});

await server.start(port, '127.0.0.1');
console.log(`OpenID Connect provider ready at ${issuer}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await server.stop();
    process.exit(0);
  });
}
