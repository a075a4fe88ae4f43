// Shared helpers for the browser tests.
import { expect, test } from '@playwright/test';

/// Fails the test on any uncaught exception or console error: a broken wasm load or a
/// Content-Security-Policy violation shows up here. `expected` lists console errors a test
/// causes on purpose (Chromium logs each 4xx answer it is given as one). On the local stack each test is also a
/// visitor of its own address (wrangler dev passes CF-Connecting-IP through; Cloudflare sets it
/// when deployed), so parallel tests never share one address's rate limit.
export function failOnPageErrors({ expected = [] } = {}) {
  test.beforeEach(async ({ page }, testInfo) => {
    if (process.env.PTP_REQUIRE_LOCAL) {
      const octet = () => Math.floor(Math.random() * 254) + 1;
      await page.setExtraHTTPHeaders({ 'cf-connecting-ip': `10.${octet()}.${octet()}.${octet()}` });
    }
    const problems = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !expected.some((pattern) => pattern.test(message.text()))) {
        problems.push(`console: ${message.text()}`);
      }
    });
    testInfo.problems = problems;
  });
  test.afterEach(async ({}, testInfo) => {
    expect(testInfo.problems, 'no errors in the page').toEqual([]);
  });
}

/// Signing in needs the local Google stand-in (`cargo xtask dev`/`test` start it); a deployed
/// site signs in with the real Google, which a test cannot drive. Locally (PTP_REQUIRE_LOCAL) its
/// absence is a failure, not a skip.
export async function requireLocalSignIn(request) {
  const start = await request.get('/api/v1/auth/google/start?return_to=/', { maxRedirects: 0 });
  const location = start.headers()['location'] ?? '';
  const local = start.status() === 302 && location.startsWith('http://127.0.0.1:');
  if (!local && process.env.PTP_REQUIRE_LOCAL) {
    throw new Error(`the local sign-in provider is not answering (start gave ${start.status()} ${location})`);
  }
  test.skip(!local, 'signing in needs the local Google stand-in; deployed sites use the real Google');
}

/// Signs the page in as `email` through the whole OpenID Connect flow, landing on `returnTo`.
export async function signInAs(page, email, returnTo = '/') {
  const query = new URLSearchParams({ return_to: returnTo, login_hint: email });
  await page.goto(`/api/v1/auth/google/start?${query}`);
  await expect(page).toHaveURL(new RegExp(`${returnTo.replace(/[/?]/g, '\\$&')}$`));
}

/// A fresh address per test run, so runs never share an account.
export function uniqueEmail(label) {
  return `${label}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;
}

/// Makes the signed-in member on `page` Pro: a monthly checkout paid on the Stripe stand-in's
/// page with its always-accepted test card, exactly as the billing spec's member does by hand.
export async function payForPro(page, baseURL) {
  const checkout = await page.request.post('/api/v1/billing/checkout', {
    headers: { origin: baseURL },
    data: { interval: 'monthly' },
  });
  expect(checkout.status()).toBe(200);
  const { url } = await checkout.json();
  const paid = await page.request.post(url, { form: { card: '4242 4242 4242 4242' }, maxRedirects: 0 });
  expect(paid.status()).toBe(303);
  const status = await (await page.request.get('/api/v1/billing')).json();
  expect(status.plan).toBe('pro');
}
