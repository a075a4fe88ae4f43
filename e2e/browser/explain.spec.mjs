// "Why was my answer wrong?" in the browser: a guest asks on the practice feedback, a second
// guest who made the same mistake asks on the review page and is answered from what the first
// one's explanation left behind — one model call in the OpenRouter stand-in's log for both.
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { failOnPageErrors } from './support.mjs';

failOnPageErrors();

const EXAM = '200-301';

/// How many explanations the OpenRouter stand-in (fakellm) has answered.
async function modelCalls(request, modelURL) {
  const stats = await request.get(`${modelURL}/_fakellm/stats`);
  expect(stats.status()).toBe(200);
  return (await stats.json()).by_rule['explain-mistake'] ?? 0;
}

/// A practice session over the whole domain, started for the page's own (new) guest.
async function wholeDomain(page, baseURL, domain) {
  const headers = { origin: baseURL };
  expect((await page.request.post('/api/v1/auth/guest', { headers })).status()).toBe(201);
  const started = await page.request.post('/api/v1/sessions', {
    headers,
    data: { exam: EXAM, mode: 'practice', count: 50, domains: [domain] },
  });
  expect(started.status()).toBe(201);
  return started.json();
}

/// A well-formed wrong answer to the question `id`, from its key as a scout guest learns it.
async function wrongAnswer(baseURL, domain, id) {
  const scout = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  expect((await scout.post('/api/v1/auth/guest')).status()).toBe(201);
  const started = await scout.post('/api/v1/sessions', {
    data: { exam: EXAM, mode: 'practice', count: 50, domains: [domain] },
  });
  expect(started.status()).toBe(201);
  const session = await started.json();
  const { question } = session.items.find((i) => i.question.id === id);
  const ids = question.choices.map((c) => c.id);
  const guess = question.kind === 'multi' ? ids.slice(0, question.picks) : question.kind === 'single' ? ids.slice(0, 1) : ids;
  const graded = await scout.post(`/api/v1/sessions/${session.id}/answers`, {
    data: { question: id, answer: guess, elapsed_ms: 1000 },
  });
  expect(graded.status()).toBe(200);
  const { key } = (await graded.json()).solution;
  await scout.dispose();
  if (question.kind === 'ordering') return [...key].reverse();
  const distractor = ids.find((c) => !key.includes(c));
  return question.kind === 'single' ? [distractor] : [...key.slice(0, key.length - 1), distractor].sort();
}

const digit = (id) => String(id.charCodeAt(0) - 'a'.charCodeAt(0) + 1);

test('the same mistake asked about twice costs one model call: on the feedback, then kept for the review', async ({ page, browser, baseURL, request }) => {
  test.setTimeout(60_000);
  const modelURL = process.env.PTP_MODEL_URL;
  test.skip(!modelURL, 'counts the calls of the local OpenRouter stand-in');
  const exam = await (await request.get(`/api/v1/exams/${EXAM}`)).json();
  // The smallest domain: its practice sessions draw every question (at most 50), so each guest's
  // session holds the question the first one got.
  const smallest = exam.domains.reduce((a, b) => (b.bank_size < a.bank_size ? b : a));
  expect(smallest.bank_size).toBeLessThanOrEqual(50);
  const domain = smallest.code;
  const before = await modelCalls(request, modelURL);

  // First guest: a wrong answer on the practice page, then the question on its feedback.
  const first = await wholeDomain(page, baseURL, domain);
  const target = first.items[0].question.id;
  const wrong = await wrongAnswer(baseURL, domain, target);
  await page.goto(`/sessions/${first.id}`);
  await expect(page.locator(`[id="question-${target}"]`)).toBeVisible();
  for (const id of wrong) await page.keyboard.press(digit(id));
  await page.keyboard.press('Enter');
  await expect(page.locator('.verdict')).toHaveText(/Incorrect|Partly right/);
  await page.getByRole('button', { name: 'Why was my answer wrong?' }).click();
  const explained = page.getByRole('region', { name: 'Why your answer was wrong' });
  await expect(explained).toContainText('You chose an option');
  await expect(explained).not.toContainText('shared with others');
  await expect(explained).toContainText(/\d+ of \d+ left today/);
  const text = await explained.locator('.ai-text').textContent();
  expect(await modelCalls(request, modelURL)).toBe(before + 1);

  // Second guest, same mistake, finished session: asked on the review page, served as kept.
  const context = await browser.newContext({ baseURL });
  const second = await context.newPage();
  const octet = () => Math.floor(Math.random() * 254) + 1;
  await second.setExtraHTTPHeaders({ 'cf-connecting-ip': `10.${octet()}.${octet()}.${octet()}` });
  const theirs = await wholeDomain(second, baseURL, domain);
  const answered = await second.request.post(`/api/v1/sessions/${theirs.id}/answers`, {
    headers: { origin: baseURL },
    data: { question: target, answer: wrong, elapsed_ms: 5000 },
  });
  expect(answered.status()).toBe(200);
  expect((await second.request.post(`/api/v1/sessions/${theirs.id}/finish`, { headers: { origin: baseURL } })).status()).toBe(200);
  await second.goto(`/sessions/${theirs.id}/review`);
  await expect(second.getByRole('heading', { level: 1 })).toHaveText('Review');
  const item = second.locator('.review-item').filter({ has: second.locator(`[id="question-${target}"]`) });
  await item.getByRole('button', { name: 'Why was my answer wrong?' }).click();
  const kept = item.getByRole('region', { name: 'Why your answer was wrong' });
  await expect(kept).toContainText('shared with others who chose the same');
  expect(await kept.locator('.ai-text').textContent()).toBe(text);
  expect(await modelCalls(request, modelURL), 'one model call in the stand-in for both').toBe(before + 1);
  await context.close();
});
