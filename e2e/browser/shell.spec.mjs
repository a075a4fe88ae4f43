import { test, expect } from '@playwright/test';
import { failOnPageErrors } from './support.mjs';

failOnPageErrors();

test('the home page renders', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/PingToPass/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pass your IT certification on the first try');
  await expect(page.getByRole('link', { name: 'Browse exams' })).toBeVisible();
});

test('client routes deep-linked by URL render', async ({ page }) => {
  await page.goto('/exams');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Exam catalogue');
  await expect(page.getByRole('link', { name: 'CompTIA Security+' })).toBeVisible();
  await page.goto('/exams/200-301');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cisco Certified Network Associate (CCNA)');
  await expect(page.getByText('Forward only: no going back')).toBeVisible();
  // CCNA mocks have ordering (drag-and-drop) items like the real exam; SAA-C03 has none.
  await expect(page.locator('#mock-kinds')).toHaveCount(0);
  await page.goto('/exams/SAA-C03');
  await expect(page.locator('#mock-kinds')).toHaveText(/no ordering items.*practice only/);
});

test('links navigate without reloading the app', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.getByRole('link', { name: 'Browse exams' }).click();
  await expect(page).toHaveURL(/\/exams$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Exam catalogue');
  expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
});

test('an unknown address shows the not-found page', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await page.getByRole('link', { name: 'Go to the home page' }).click();
  await expect(page).toHaveURL(/\/$/);
});

test('the footer turns green when the API is healthy', async ({ page }) => {
  await page.goto('/');
  const status = page.getByRole('status');
  await expect(status).toHaveAttribute('data-status', 'ok');
  await expect(status).toContainText('All systems operational');
});

test('the app runs under the Content-Security-Policy with no violation', async ({ page }) => {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const response = await page.goto('/');
  const policy = response.headers()['content-security-policy'] ?? '';
  const scripts = policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src '));
  // Production's scripts policy; development only adds local images and drops the https-only rule.
  expect(scripts).toBe("script-src 'self' 'wasm-unsafe-eval' https://js.stripe.com");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(response.headers()['x-frame-options']).toBe('DENY');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pass your IT certification on the first try');
  expect(await page.locator('script:not([src])').count(), 'no inline scripts').toBe(0);
  for (const [link, heading] of [
    ['Browse exams', 'Exam catalogue'],
    ['CompTIA Security+', 'CompTIA Security+'],
  ]) {
    await page.getByRole('link', { name: link }).first().click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(heading);
  }
  await page.goto('/api/docs');
  await expect(page.locator('.opblock-summary-path').first()).toBeVisible();
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
});
