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
