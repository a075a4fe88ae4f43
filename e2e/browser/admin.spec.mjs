import { expect, test } from '@playwright/test';
import { failOnPageErrors, requireLocalSignIn, signInAs, uniqueEmail } from './support.mjs';

failOnPageErrors();

const DAY_MS = 86_400_000;

test('an admin sees the budget alert once the month passes 80 % of it, and a learner never does', async ({ page, request, browser }) => {
  await requireLocalSignIn(request);
  const control = process.env.PTP_CONTROL_URL;
  const usage = process.env.PTP_USAGE_URL;
  test.skip(!control || !usage, "needs the local stack's control server and usage stand-in");

  // A day of its own, after every day another test closes, so it is the newest the banner reads;
  // 200 M requests that day push its month far past the budget.
  const start = (Math.floor(Date.now() / DAY_MS) + 2 + Math.floor(Math.random() * 20)) * DAY_MS;
  const day = new Date(start).toISOString().slice(0, 10);
  const set = await request.put(`${usage}/_usage/${day}`, { data: { worker_requests: 200_000_000 } });
  expect(set.status()).toBe(200);

  const email = uniqueEmail('budget-admin');
  await signInAs(page, email);
  const granted = await request.post(`${control}/admin/grant?email=${email}`);
  expect(granted.status()).toBe(200);

  const fired = await request.get(`/cdn-cgi/handler/scheduled?cron=0+0+*+*+*&time=${start + DAY_MS}`);
  expect(fired.status()).toBe(200);
  // The queue runs the day's cost task within a second or two.
  await expect
    .poll(async () => {
      const report = await (await page.request.get('/api/v1/admin/costs?days=31')).json();
      return report.days.some((closed) => closed.day === day);
    }, { timeout: 20_000 })
    .toBe(true);

  await page.reload();
  const banner = page.getByRole('alert', { name: 'Running costs' });
  await expect(banner).toContainText(`Budget alert (${day.slice(0, 7)}): Spending is at $`);
  await expect(banner).toContainText('of the $50 budget.');

  const learner = await browser.newPage();
  await signInAs(learner, uniqueEmail('budget-learner'));
  await expect(learner.getByRole('button', { name: /Account menu for/ })).toBeVisible();
  await expect(learner.getByRole('alert', { name: 'Running costs' })).toHaveCount(0);
  await learner.close();
});
