// The request log is bounded: a long-running sandbox keeps only its newest requests.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call } from './http.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const NS = '/api/v1/namespaces';

/** Sends n GETs, each to a path of its own (…/namespaces/r0, r1, …), one after another. */
async function getMany(url: string, n: number): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const path = `${NS}/r${i}`;
    paths.push(path);
    await call(url, 'GET', path);
  }
  return paths;
}

test('with requestLogLimit, more requests than the limit keep only the newest, in order', async () => {
  sb = await createSandbox({ builtinControllers: false, requestLogLimit: 8 });
  sb.requests.length = 0;
  const log = sb.requests;
  const paths = await getMany(sb.url, 50);
  // Trimmed in chunks: at least the newest 8, at most a quarter more.
  expect(sb.requests.length).toBeGreaterThanOrEqual(8);
  expect(sb.requests.length).toBeLessThanOrEqual(10);
  expect(sb.requests.map((r) => r.path)).toEqual(paths.slice(-sb.requests.length));
  expect(sb.requests.every((r) => r.method === 'GET' && r.status === 404)).toBe(true);
  // Still the same plain array: filter, iteration and `length = 0` keep working.
  expect(sb.requests).toBe(log);
  expect(Array.isArray(sb.requests)).toBe(true);
  expect([...sb.requests].length).toBe(sb.requests.length);
  sb.requests.length = 0;
  await call(sb.url, 'GET', `${NS}/default`);
  expect(sb.requests.filter((r) => r.status === 200).map((r) => r.path)).toEqual([`${NS}/default`]);
});

test('the default limit keeps every request of a short test; Infinity never trims; 0 keeps none', async () => {
  sb = await createSandbox({ builtinControllers: false });
  sb.requests.length = 0;
  expect((await getMany(sb.url, 30)).length).toBe(sb.requests.length);
  await sb.close();
  sb = await createSandbox({ builtinControllers: false, requestLogLimit: Infinity });
  sb.requests.length = 0;
  await getMany(sb.url, 30);
  expect(sb.requests.length).toBe(30);
  await sb.close();
  sb = await createSandbox({ builtinControllers: false, requestLogLimit: 0 });
  await getMany(sb.url, 5);
  expect(sb.requests).toEqual([]);
});
