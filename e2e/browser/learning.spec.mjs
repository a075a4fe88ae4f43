import { expect, request as playwrightRequest, test } from '@playwright/test';
import { failOnPageErrors, requireLocalSignIn, signInAs, uniqueEmail } from './support.mjs';

failOnPageErrors();

const EXAM = 'SY0-701';
const DOMAIN = '1.0';

/// The keys of every question in one domain, learned the way any learner learns them: guests
/// answer each one in practice and read the key they get back. The domain holds more questions
/// than a Free guest may answer in a day, so each scout answers what its allowance leaves and
/// the next one carries on.
async function learnKeys(baseURL) {
  const keys = new Map();
  for (;;) {
    const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
    expect((await api.post('/api/v1/auth/guest')).status()).toBe(201);
    const billing = await (await api.get('/api/v1/billing')).json();
    const left = billing.allowances.find((a) => a.name === 'practice_answers').remaining;
    expect(left).toBeGreaterThan(0);
    const started = await api.post('/api/v1/sessions', {
      data: { exam: EXAM, mode: 'practice', count: 50, domains: [DOMAIN] },
    });
    expect(started.status()).toBe(201);
    const session = await started.json();
    const unknown = session.items.filter(({ question }) => !keys.has(question.id));
    for (const { question } of unknown.slice(0, left)) {
      const ids = question.choices.map((c) => c.id);
      const answer = question.kind === 'multi' ? ids.slice(0, question.picks) : question.kind === 'single' ? ids.slice(0, 1) : ids;
      const graded = await api.post(`/api/v1/sessions/${session.id}/answers`, {
        data: { question: question.id, answer, elapsed_ms: 1000 },
      });
      expect(graded.status()).toBe(200);
      keys.set(question.id, { question, key: (await graded.json()).solution.key });
    }
    await api.dispose();
    if (unknown.length <= left) return keys;
  }
}

/// Choice ids to the keys that pick them (a → 1, b → 2, …).
const digit = (id) => String(id.charCodeAt(0) - 'a'.charCodeAt(0) + 1);

/// The key (right) or a well-formed answer that is not the key (wrong).
function answerFor({ question, key }, right) {
  if (right) return key;
  const ids = question.choices.map((c) => c.id);
  if (question.kind === 'ordering') return [...key].reverse();
  const wrong = ids.find((id) => !key.includes(id));
  return question.kind === 'single' ? [wrong] : [...key.slice(0, key.length - 1), wrong];
}

/// The id of the question on screen, from its heading.
async function currentQuestion(page) {
  const heading = page.locator('h2.question-number');
  await expect(heading).toBeVisible();
  return (await heading.getAttribute('id')).replace(/^question-/, '');
}

async function pick(page, ids) {
  for (const id of ids) await page.keyboard.press(digit(id));
}

test('a guest practises, takes a short mock, reviews it, then signs in and finds the history', async ({ page, request, baseURL }) => {
  test.setTimeout(90_000);
  await requireLocalSignIn(request);
  const keys = await learnKeys(baseURL);

  // Practice: three questions from one domain, by keyboard.
  await page.goto(`/exams/${EXAM}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('CompTIA Security+');
  const practice = page.getByRole('form', { name: 'Practice' });
  await practice.getByLabel('Number of questions').fill('3');
  for (const box of await practice.getByRole('checkbox').all()) {
    const label = (await box.locator('..').textContent()).trim();
    if (!label.startsWith(DOMAIN)) await box.uncheck();
  }
  await practice.getByRole('button', { name: 'Start practice' }).click();
  await expect(page.getByText('Question 1 of 3')).toBeVisible();

  const practised = [];
  for (const [index, right] of [[1, true], [2, false], [3, true]]) {
    await expect(page.getByText(`Question ${index} of 3`)).toBeVisible();
    const id = await currentQuestion(page);
    practised.push(id);
    await pick(page, answerFor(keys.get(id), right));
    await page.keyboard.press('Enter');
    const verdict = page.locator('.verdict');
    await expect(verdict).toHaveText(right ? 'Correct' : /Incorrect|Partly right/);
    // The explanation, rendered from Markdown, says why.
    const explanation = page.locator('.explanation');
    await expect(explanation).toBeVisible();
    expect((await explanation.textContent()).length).toBeGreaterThan(80);
    await expect(explanation.locator('strong').first()).toBeVisible();
    if (index < 3) await page.keyboard.press('n');
  }
  await page.getByRole('button', { name: 'See results' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Practice complete');
  await expect(page.getByText('2 of 3 correct')).toBeVisible();

  // A short mock: answer, flag, move on, come back and change the answer.
  await page.goto(`/exams/${EXAM}`);
  const mockForm = page.getByRole('form', { name: 'Mock exam' });
  await mockForm.getByLabel('Number of questions').fill('3');
  await expect(mockForm.getByText('3 minutes on the clock')).toBeVisible();
  await mockForm.getByRole('button', { name: 'Start mock exam' }).click();
  await expect(page.getByRole('timer')).toHaveText(/^0[23]:\d\d$/);
  const saved = page.locator('.save-status');
  await expect(page.getByText('Question 1 of 3')).toBeVisible();
  // Every choice in turn: the last (single), the first few (multi), or all in order (ordering).
  const choices = await page.locator('.choice').count();
  for (let i = 1; i <= choices; i++) await page.keyboard.press(String(i));
  await expect(saved).toHaveText('Answer saved');
  const before = await page.locator('.choice.picked').allTextContents();
  await page.keyboard.press('f');
  await expect(page.getByRole('button', { name: /Flagged/ })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('n');
  await expect(page.getByText('Question 2 of 3')).toBeVisible();
  const second = await currentQuestion(page);
  const navigator = page.getByRole('navigation', { name: 'Questions' });
  await navigator.getByRole('button', { name: 'Question 1: answered, flagged' }).click();
  await expect(page.getByText('Question 1 of 3')).toBeVisible();
  // Change the answer. Single: the first choice instead of the last. Multi: drop the first
  // pick, add the next choice. Ordering: move the first item to the end.
  const instruction = await page.locator('.instruction').textContent();
  const picks = before.length;
  if (instruction === 'Choose one.') {
    await page.keyboard.press('1');
  } else if (instruction.startsWith('Choose')) {
    await page.keyboard.press('1');
    await page.keyboard.press(String(picks + 1));
  } else {
    await page.keyboard.press('1');
    await page.keyboard.press('1');
  }
  await expect.poll(() => page.locator('.choice.picked').allTextContents()).not.toEqual(before);
  await expect(saved).toHaveText('Answer saved');
  const changed = await page.locator('.choice.picked').allTextContents();
  expect(changed).toHaveLength(picks);

  await page.keyboard.press('n');
  await expect(page.getByText('Question 2 of 3')).toBeVisible();
  expect(await currentQuestion(page)).toBe(second);
  await page.getByRole('button', { name: 'Review and submit now' }).click();
  await expect(page.getByRole('heading', { name: 'Review before submitting' })).toBeVisible();
  await expect(page.getByText('1 of 3 answered · 2 not answered · 1 flagged')).toBeVisible();
  await page.getByRole('button', { name: 'Submit exam' }).click();

  // Results: the scaled score against the pass mark, and the domains.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/You passed|Not a pass this time/);
  await expect(page.getByText('/ 900 · pass mark 750')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'By domain' })).toBeVisible();
  await page.getByRole('link', { name: 'Review every answer' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Review');
  const items = page.locator('.review-item');
  await expect(items).toHaveCount(3);
  await expect(items.first().locator('.choice.picked')).toContainText(changed);
  await expect(items.nth(1).locator('.verdict')).toHaveText('Not answered');
  await expect(items.first().locator('.explanation')).toBeVisible();

  // Signing in keeps all of it.
  await signInAs(page, uniqueEmail('history'), '/progress');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your progress');
  const answered = page.locator('.stats div').filter({ hasText: 'Questions answered' }).locator('dd');
  await expect(answered).toHaveText('4');
  const history = page.getByRole('region', { name: 'History' });
  await expect(history.getByRole('row')).toHaveCount(3);
  await expect(history.getByRole('row').filter({ hasText: 'Mock' })).toContainText(/\d+ · (pass|fail)/);
  await expect(history.getByRole('row').filter({ hasText: 'Practice' })).toContainText('3/3');
  await expect(page.getByRole('img', { name: /Chance of passing about/ })).toBeVisible();
});
