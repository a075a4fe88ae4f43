import { expect, test } from '@playwright/test';
import { failOnPageErrors, requireLocalSignIn, signInAs, uniqueEmail } from './support.mjs';

// The refused apply is never sent (its button stays disabled); nothing else fails on purpose.
failOnPageErrors();

const EXAM = '200-301';

function question(id, choices) {
  return {
    id,
    domain: '5.0',
    kind: 'single',
    stem: `Which protocol should replace Telnet for device management? (${id})`,
    choices: choices.map((text, index) => ({ id: 'abcd'[index], text })),
    key: ['b'],
    explanation: '**A** is clear text. **B** encrypts the session. **C** is clear text. **D** is clear text.',
    references: ['Cisco IOS XE Security Configuration Guide: Secure Shell'],
  };
}

test('an admin exports a bank, checks a file with a refused question, then imports a good one into review', async ({ page, request }) => {
  test.setTimeout(90_000);
  await requireLocalSignIn(request);
  const control = process.env.PTP_CONTROL_URL;
  test.skip(!control, "granting admin needs the local stack's control server");
  const adminEmail = uniqueEmail('bank-admin');
  await signInAs(page, adminEmail);
  expect((await request.post(`${control}/admin/grant?email=${adminEmail}`)).status()).toBe(200);

  await page.goto('/admin/bank');
  await page.getByLabel('Exam').selectOption(EXAM);
  const download = page.getByRole('link', { name: 'Download the bank' });
  await expect(download).toHaveAttribute('href', `/api/v1/admin/export?exam=${EXAM}&format=toml`);
  const exported = await page.request.get(`/api/v1/admin/export?exam=${EXAM}&format=toml`);
  expect(exported.status()).toBe(200);
  expect(await exported.text()).toContain('[[questions]]');

  const id = `200-301-5.0-console${Date.now()}`;
  const refused = { questions: [question(id, ['Telnet', 'SSH', 'ssh', 'rlogin'])] };
  await page.getByLabel('Question file').setInputFiles({
    name: 'refused.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(refused)),
  });
  await page.getByRole('button', { name: 'Check the file' }).click();
  const report = page.getByRole('region', { name: 'Import report' });
  await expect(report.getByRole('status')).toContainText('0 new (into review), 0 changed, 0 unchanged, 1 refused, of 1 questions');
  await expect(report).toContainText('choices: B and C are the same choice');
  await expect(page.getByRole('button', { name: 'Import', exact: true })).toBeDisabled();

  const good = { questions: [question(id, ['Telnet', 'SSH', 'HTTP', 'rlogin'])] };
  await page.getByLabel('Question file').setInputFiles({
    name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)),
  });
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(report.getByRole('status')).toContainText('Would import: 1 new (into review)');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(report.getByRole('status')).toContainText('Imported: 1 new (into review)');

  await page.goto(`/admin/questions/${id}`);
  await expect(page.locator('.question-meta')).toContainText('In review');

  // The statistics table answers for the exam (rows once the rollup has 20 first attempts).
  await page.goto('/admin/stats');
  await page.getByLabel('Exam').selectOption(EXAM);
  await expect(page.locator('table.stats').or(page.getByText('No statistics yet'))).toBeVisible();
});
