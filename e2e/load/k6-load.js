// The deployment document's load test (section 10.2), run by `cargo xtask load [--url …]`:
// its stages and thresholds, unchanged; `STAGE_SCALE` compresses the stages (`--quick`).
//
// Locally every virtual user is a visitor with an address of its own (`CF-Connecting-IP`, which
// wrangler dev passes through), a new one every 40 iterations so no visitor exceeds the
// 100-a-minute anonymous limit; Cloudflare sets the header itself on a deployment. There every
// virtual user shares the runner's address, so on a preview or staging deployment the suite
// sends that environment's load-test token (`LOAD_TEST_TOKEN`), which the limiter counts against
// a budget of its own; production has none.
import http from 'k6/http';
import { check, sleep } from 'k6';
import exec from 'k6/execution';

const SCALE = Number(__ENV.STAGE_SCALE || 1);
const seconds = (s) => `${Math.max(1, Math.round(s * SCALE))}s`;

export const options = {
  stages: [
    { duration: seconds(120), target: 100 }, // Ramp up
    { duration: seconds(300), target: 100 }, // Stay at 100 users
    { duration: seconds(120), target: 200 }, // Spike to 200
    { duration: seconds(300), target: 200 }, // Stay at 200
    { duration: seconds(120), target: 0 }, // Ramp down
  ],
  thresholds: {
    http_req_duration: ['p(95)<200'], // 95% of requests under 200ms
    http_req_failed: ['rate<0.05'], // Error rate under 5%
  },
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max'],
};

const LOCAL = __ENV.LOCAL === '1';
const TOKEN = __ENV.LOAD_TEST_TOKEN || '';

function address() {
  const vu = exec.vu.idInTest;
  const era = Math.floor(exec.vu.iterationInScenario / 40);
  return `10.${era % 250}.${(vu >> 8) & 255}.${vu & 255}`;
}

export default function () {
  const headers = {};
  if (LOCAL) headers['cf-connecting-ip'] = address();
  if (TOKEN) headers['x-load-test'] = TOKEN;
  const params = { headers };
  const responses = http.batch([
    ['GET', `${__ENV.BASE_URL}/`, null, params],
    ['GET', `${__ENV.BASE_URL}/api/questions?limit=10`, null, params],
    ['GET', `${__ENV.BASE_URL}/api/exams`, null, params],
  ]);

  responses.forEach((response) => {
    check(response, {
      'status is 200': (r) => r.status === 200,
      'response time < 200ms': (r) => r.timings.duration < 200,
    });
  });

  sleep(1);
}
