// The exam page shows what candidates say on X: the hourly trend card, its age, and links to
// the posts it cites. Fires the hourly cron itself (locally) for an hour of its own.
import { expect, test } from '@playwright/test';
import { failOnPageErrors } from './support.mjs';

failOnPageErrors();

test('the exam page shows the trend card from X with links to its posts', async ({ page, request }) => {
  test.skip(!process.env.PTP_CONTROL_URL, "fires the local stack's hourly cron");
  const at = Date.now() - 2 * 3600_000;
  const fired = await request.get(`/cdn-cgi/handler/scheduled?cron=0+*+*+*+*&time=${at}`);
  expect(fired.status()).toBe(200);
  // The queue runs the task within a second or two; the card is read back through the API.
  await expect
    .poll(async () => (await (await request.get('/api/v1/exams/SY0-701/trends')).json()).card !== null, { timeout: 20_000 })
    .toBe(true);

  await page.goto('/exams/SY0-701');
  const card = page.getByRole('region', { name: 'What candidates say on X' });
  await expect(card).toContainText('firewall rules');
  await expect(card).toContainText(/From 8 posts of the last 24 hours · updated .* ago/);
  const first = card.getByRole('link', { name: 'post 1' });
  await expect(first).toHaveAttribute('href', 'https://x.com/secplus_sam/status/1865000000000000101');
  await expect(first).toHaveAttribute('rel', /noopener/);

  // Too few posts: no card, and no heading pretending otherwise.
  await page.goto('/exams/200-301');
  await expect(page.getByRole('heading', { name: 'Practice' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'What candidates say on X' })).toHaveCount(0);
});
