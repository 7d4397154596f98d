import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnApp } from '../helpers.mjs';

test('GET /healthz answers ok after a real D1 query', async (t) => {
  const app = await spawnApp(t);
  const res = await app.fetch('/healthz');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok', db: 'ok' });
});

test('a method other than GET on /healthz is a 405 in the error envelope', async (t) => {
  const app = await spawnApp(t);
  const res = await app.fetch('/healthz', { method: 'POST' });
  assert.equal(res.status, 405);
  const body = await res.json();
  assert.equal(body.Errors[0].code, 'MethodNotAllowed');
});

test('unknown paths get a 404 in the DIGIT error envelope, not a bare error', async (t) => {
  const app = await spawnApp(t);
  const res = await app.fetch('/no/such/route');
  assert.equal(res.status, 404);
  assert.match(res.headers.get('content-type'), /application\/json/);
  const body = await res.json();
  assert.equal(body.Errors.length, 1);
  assert.deepEqual(Object.keys(body.Errors[0]).sort(), ['code', 'description', 'message', 'params']);
  assert.equal(body.Errors[0].code, 'NotFound');
});
