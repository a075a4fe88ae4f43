// The paid plan end to end: a free member uses up the day's practice answers and is shown the
// upgrade prompt (402), upgrades through Stripe Checkout (our stand-in's page), practises on
// without a limit, cancels in the billing portal, and is back on Free when the period ends.
import { expect, test } from '@playwright/test';
import { failOnPageErrors, requireLocalSignIn, signInAs, uniqueEmail } from './support.mjs';

// Chromium logs the refused answer (402) as a console error; that refusal is the point here.
failOnPageErrors({ expected: [/status of 402/] });

const EXAM = '200-301';
const stripeURL = process.env.PTP_STRIPE_URL;

/// A well-formed answer to any question (not necessarily right).
function someAnswer(question) {
  const ids = question.choices.map((c) => c.id);
  if (question.kind === 'multi') return ids.slice(0, question.picks);
  return question.kind === 'single' ? ids.slice(0, 1) : ids;
}

/// Answers through the API until `left` practice answers of today remain.
async function spendAllowance(page, baseURL, left) {
  const status = await (await page.request.get('/api/v1/billing')).json();
  const { remaining } = status.allowances.find((a) => a.name === 'practice_answers');
  const headers = { origin: baseURL };
  const started = await page.request.post('/api/v1/sessions', {
    headers,
    data: { exam: EXAM, mode: 'practice', count: 50 },
  });
  expect(started.status()).toBe(201);
  const session = await started.json();
  for (const { question } of session.items.slice(0, remaining - left)) {
    const graded = await page.request.post(`/api/v1/sessions/${session.id}/answers`, {
      headers,
      data: { question: question.id, answer: someAnswer(question), elapsed_ms: 1000 },
    });
    expect(graded.status()).toBe(200);
  }
}

/// Picks every choice in turn (a valid answer of any kind) and submits.
async function answerOnScreen(page) {
  const choices = await page.locator('.choice').count();
  for (let i = 1; i <= choices; i++) await page.keyboard.press(String(i));
  await page.keyboard.press('Enter');
}

/// The customer Stripe made for this member, from the stand-in's deliveries.
async function customerOf(request, userId) {
  const events = (await (await request.get(`${stripeURL}/_stripe/events`)).json()).data;
  for (const event of events) {
    const object = JSON.parse(event.body).data.object;
    if (object.metadata?.user_id === userId && object.customer) return object.customer;
  }
  throw new Error(`no delivered event names ${userId}'s customer`);
}

test('a free member hits the allowance, upgrades, practises on, cancels and is Free at the period end', async ({ page, request, baseURL }) => {
  test.setTimeout(120_000);
  test.skip(!stripeURL, 'pays through the local Stripe stand-in');
  await requireLocalSignIn(request);
  await signInAs(page, uniqueEmail('upgrades'));
  const me = await (await page.request.get('/api/v1/me')).json();
  await spendAllowance(page, baseURL, 1);

  await page.goto(`/exams/${EXAM}`);
  await expect(page.getByTestId('allowance-practice_answers')).toHaveText('1 practice answer left today');
  const practice = page.getByRole('form', { name: 'Practice' });
  await practice.getByLabel('Number of questions').fill('5');
  await practice.getByRole('button', { name: 'Start practice' }).click();
  await expect(page.getByText('Question 1 of 5')).toBeVisible();
  const sessionURL = page.url();
  await answerOnScreen(page);
  await expect(page.locator('.verdict')).toBeVisible();
  await page.keyboard.press('n');
  await expect(page.getByText('Question 2 of 5')).toBeVisible();
  await answerOnScreen(page);
  const prompt = page.getByTestId('upgrade-prompt');
  await expect(prompt).toContainText(/You've used today's \d+ practice answers on the Free plan/);
  await expect(page.locator('.verdict')).toHaveCount(0);

  await prompt.getByRole('link', { name: 'Upgrade to Pro' }).click();
  await expect(page).toHaveURL(/\/pricing$/);
  await expect(page.getByTestId('pro-price')).toHaveText('$15.00 / month');
  await page.getByRole('button', { name: 'Upgrade to Pro' }).click();
  await expect(page).toHaveURL(new RegExp(`^${stripeURL}/checkout/`));
  await expect(page.getByText('$15.00')).toBeVisible();
  await page.getByRole('button', { name: 'Pay' }).click();
  await expect(page).toHaveURL(/\/account\?checkout=success$/);
  await expect(page.getByTestId('checkout-confirmation')).toHaveText(/Welcome to Pro/);
  const plan = page.getByTestId('plan');
  await expect(plan).toContainText('Your plan: Pro');
  await expect(plan).toContainText(/Renews on /);
  await expect(page.getByTestId('allowance-practice_answers')).toHaveText('Practice answers: unlimited');

  // Unlimited now: the refused question and the next ones are graded.
  await page.goto(sessionURL);
  await expect(page.getByText('Question 2 of 5')).toBeVisible();
  for (const index of [2, 3, 4]) {
    await expect(page.getByText(`Question ${index} of 5`)).toBeVisible();
    await answerOnScreen(page);
    await expect(page.locator('.verdict')).toBeVisible();
    await page.keyboard.press('n');
  }

  await page.goto('/account');
  await page.getByRole('button', { name: 'Manage billing' }).click();
  await expect(page.getByRole('heading', { name: 'Manage your PingToPass billing' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel plan' }).click();
  await expect(page.getByText(/Ends on /)).toBeVisible();
  await page.getByRole('link', { name: 'Return to PingToPass' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('plan')).toContainText(/Pro until .+, then Free\./);

  const ended = await request.post(`${stripeURL}/_stripe/advance`, {
    data: { customer: await customerOf(request, me.id) },
  });
  expect(ended.status()).toBe(200);
  expect((await ended.json()).events.map((e) => [e.type, e.status])).toEqual([['customer.subscription.deleted', 200]]);
  await page.reload();
  await expect(page.getByTestId('plan')).toContainText('Your plan: Free');
  await expect(page.getByTestId('allowance-practice_answers')).toHaveText(/Practice answers today: 0 of \d+ left/);
});
