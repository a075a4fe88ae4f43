// Our Stripe stand-in signs webhooks exactly as Stripe does, and our Worker's verifier agrees
// with Stripe's own library about what to refuse: every delivery the stand-in made for a real
// checkout passes the official `stripe` package's `webhooks.constructEvent`, and a tampered
// body, an old timestamp and the wrong secret are refused by that library and by our Worker
// (400, nothing stored).
import { createHmac } from 'node:crypto';
import { expect, test } from '@playwright/test';
import Stripe from 'stripe';
import { failOnPageErrors, requireLocalSignIn, signInAs, uniqueEmail } from './support.mjs';

failOnPageErrors();

const stripeURL = process.env.PTP_STRIPE_URL;
const secret = process.env.PTP_STRIPE_WEBHOOK_SECRET;
// The library verifies with no API call: any key will do.
const stripe = new Stripe('sk_test_signature_check');

function signedBy(key, timestamp, payload) {
  const mac = createHmac('sha256', key).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/// Whether Stripe's library accepts `payload` under `header` with our endpoint's secret.
function stripeAccepts(payload, header) {
  try {
    stripe.webhooks.constructEvent(payload, header, secret);
    return true;
  } catch (error) {
    expect(error.type).toBe('StripeSignatureVerificationError');
    return false;
  }
}

test('the stand-in signs like Stripe and our verifier refuses what the official library refuses', async ({ page, request, baseURL }) => {
  test.skip(!stripeURL || !secret, 'needs the local Stripe stand-in');
  await requireLocalSignIn(request);
  const email = uniqueEmail('signatures');
  await signInAs(page, email);
  const me = await (await page.request.get('/api/v1/me')).json();
  const started = await page.request.post('/api/v1/billing/checkout', {
    headers: { origin: baseURL },
    data: { interval: 'monthly' },
  });
  expect(started.status()).toBe(200);
  await page.goto((await started.json()).url);
  await page.getByRole('button', { name: 'Pay' }).click();
  await expect(page).toHaveURL(/\/account\?checkout=success$/);

  const events = (await (await request.get(`${stripeURL}/_stripe/events`)).json()).data;
  const mine = events.filter((event) => {
    const object = JSON.parse(event.body).data.object;
    return object.metadata?.user_id === me.id || object.client_reference_id === me.id;
  });
  expect(mine.map((event) => event.type).sort()).toEqual(['checkout.session.completed', 'customer.subscription.created']);
  for (const event of mine) {
    const verified = stripe.webhooks.constructEvent(event.body, event.signature, secret);
    expect(verified.id).toBe(event.id);
    expect(event.status, `${event.type} was stored by our Worker`).toBe(200);
  }

  const { body } = mine[0];
  const now = Math.floor(Date.now() / 1000);
  const old = (await (await request.post(`${stripeURL}/_stripe/sign`, { data: { payload: body, timestamp: now - 400 } })).json()).header;
  const cases = [
    ['a tampered body', body.replace('"livemode":false', '"livemode":true'), mine[0].signature],
    ['an old timestamp', body, old],
    ['the wrong secret', body, signedBy('whsec_not_this_endpoint', now, body)],
  ];
  for (const [what, payload, header] of cases) {
    expect(payload === body && header === mine[0].signature, what).toBe(false);
    expect(stripeAccepts(payload, header), `Stripe's library refuses ${what}`).toBe(false);
    const delivered = await request.post('/api/v1/stripe/webhook', {
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header },
      data: payload,
    });
    expect(delivered.status(), `our Worker refuses ${what}`).toBe(400);
  }
  // Both accept a fresh signature by the endpoint's secret.
  const fresh = signedBy(secret, now, body);
  expect(stripeAccepts(body, fresh)).toBe(true);
  const replayed = await request.post('/api/v1/stripe/webhook', {
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': fresh },
    data: body,
  });
  expect(replayed.status()).toBe(200);
  expect((await replayed.json()).outcome).toBe('duplicate');
});
