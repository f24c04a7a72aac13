// HEALTHCHECK of the mirrorwatch image: exit 0 when GET /healthz answers 2xx within the timeout,
// 1 otherwise. Node itself does the request because the slim base image has no curl or wget.
// MIRRORWATCH_HEALTHCHECK_URL overrides the URL when http.port is not 9467.
import http from 'node:http';

const url = process.env.MIRRORWATCH_HEALTHCHECK_URL || 'http://127.0.0.1:9467/healthz';
const timeoutMs = Number(process.env.MIRRORWATCH_HEALTHCHECK_TIMEOUT_MS || 3000);

function fail(why) {
  console.error(`healthcheck: ${url}: ${why}`);
  process.exit(1);
}

const req = http.get(url, { timeout: timeoutMs }, (res) => {
  res.resume();
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) process.exit(0);
  fail(`HTTP ${status}`);
});
req.on('timeout', () => {
  req.destroy();
  fail(`no answer within ${timeoutMs} ms`);
});
req.on('error', (err) => fail(err.message));
