import { expect, test } from '@playwright/test';
import { failOnPageErrors, requireLocalSignIn, signInAs, uniqueEmail } from './support.mjs';

failOnPageErrors();

test.beforeEach(async ({ request }) => {
  await requireLocalSignIn(request);
});

test('a visitor signs in with Google, uses an API key from outside the browser, revokes it', async ({ page, request }) => {
  await page.goto('/exams');
  await expect(page.getByRole('complementary', { name: 'Sign-in invitation' })).toBeVisible();
  // The header's button: the whole OpenID Connect round trip, back to where the visitor was.
  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/exams$/);
  const menu = page.getByRole('button', { name: /Account menu for/ });
  await expect(menu).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Sign-in invitation' })).toHaveCount(0);

  await menu.click();
  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Account');

  const keyName = `E2E ${Date.now()}`;
  await page.getByLabel('Key name').fill(keyName);
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = (await page.getByTestId('api-key-secret').textContent()).trim();
  expect(secret).toMatch(/^ptp_[A-Za-z0-9_-]{32}$/);

  // Outside the browser: no cookies, only the key.
  const me = await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).kind).toBe('member');

  await page.getByRole('button', { name: `Revoke ${keyName}` }).click();
  await expect(page.getByRole('row', { name: new RegExp(keyName) })).toContainText('Revoked');
  const after = await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${secret}` } });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe('unauthorized');

  // Beside "Sign out everywhere": every key at once.
  const second = `${keyName} 2`;
  await page.getByLabel('Key name').fill(second);
  await page.getByRole('button', { name: 'Create key' }).click();
  // The first key's secret stays on screen until the second one is stored and shown.
  await expect(page.getByTestId('api-key-secret')).not.toHaveText(secret);
  const other = (await page.getByTestId('api-key-secret').textContent()).trim();
  await page.getByRole('button', { name: 'Revoke all API keys' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'API key(s) revoked' })).toHaveText('1 API key(s) revoked.');
  await expect(page.getByRole('row', { name: new RegExp(second) })).toContainText('Revoked');
  const gone = await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${other}` } });
  expect(gone.status()).toBe(401);

  await menu.click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
});

test('a profile change is kept across reloads', async ({ page }) => {
  await signInAs(page, uniqueEmail('profile'), '/account');
  await page.getByLabel('Display name').fill('Grace H.');
  await page.getByLabel('Daily goal (questions)').fill('35');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Display name')).toHaveValue('Grace H.');
  await expect(page.getByLabel('Daily goal (questions)')).toHaveValue('35');
  await expect(page.getByRole('button', { name: 'Account menu for Grace H.' })).toBeVisible();
});

test('a member deletes their account after typing the email again', async ({ page }) => {
  const email = uniqueEmail('leaving');
  await signInAs(page, email, '/account');
  const remove = page.getByRole('button', { name: 'Delete my account' });
  await expect(remove).toBeDisabled();
  await page.getByLabel(`Type ${email} to confirm`).fill(email);
  await remove.click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
  const me = await page.request.get('/api/v1/me');
  expect(me.status()).toBe(401);
});

test('the API docs page renders the contract without any CDN', async ({ page }) => {
  const origin = new URL(process.env.BASE_URL).origin;
  const external = [];
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith('data:')) external.push(url);
  });
  await page.goto('/api/docs');
  await expect(page.getByRole('heading', { name: 'PingToPass API', exact: true })).toBeVisible();
  await expect(page.locator('.opblock-summary-path', { hasText: '/api/v1/me/api-keys' }).first()).toBeVisible();
  expect(external).toEqual([]);
});
