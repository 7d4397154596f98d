// GET /openapi.json against the real Worker: the document lists exactly the routes the Worker serves, and
// every answer the tests provoke (success and each kind of failure) has a status the document gives for
// that path and method, and a body that its schema accepts (ajv, JSON Schema 2020-12, with the document's
// components). Requests that succeed are checked against the documented request schema too.
//
// One Worker (fresh D1, seeded with tenant pb.demo under pb and SYSTEM admin `admin`) serves the tests of
// the suite in order; the last test checks that every documented status was seen.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { createHmac } from 'node:crypto';
import { spawnApp, enrol, ROOT } from '../helpers.mjs';
import { devVars } from './upload_support.mjs';

const SOURCE = JSON.parse(readFileSync(join(ROOT, 'crates', 'api', 'src', 'openapi.json'), 'utf8'));

/** The routes crates/api/src/lib.rs serves (the first test also checks this list against lib.rs's paths). */
const ROUTES = [
  'GET /healthz',
  'GET /openapi.json',
  'POST /user/oauth/token',
  'POST /user/_logout',
  'POST /user/_details',
  'POST /user/users/_createnovalidate',
  'POST /user/users/v110/_create',
  'POST /user/users/_create',
  'POST /user/_search',
  'POST /user/users/_updatenovalidate',
  'POST /user/profile/_update',
  'POST /user/password/_update',
  'GET /v1/tenants',
  'GET /v1/tenant/{tenantId}/upload-config',
  'PUT /v1/tenant/{tenantId}/upload-config',
  'POST /v1/user/upload',
  'GET /v1/upload/status/{processId}',
  'GET /v1/uploads',
  'GET /v1/offices',
  'POST /v1/user/{uuid}/reissue',
  'GET /v1/people',
  'GET /v1/people/{uuid}',
  'PATCH /v1/people/{uuid}',
  'POST /v1/people/_reissue',
  'POST /v1/people/_deactivate',
  'POST /v1/people/_activate',
  'POST /v1/people/_unlock',
  'GET /v1/onboarding/funnel',
  'GET /v1/audit',
  'POST /v1/sms/dlr/msg91/{secret}',
  'POST /v1/sms/dlr/twilio',
  'GET /l/{code}',
  'POST /user-otp/v1/_send',
  'POST /user/password/nologin/_update',
  'POST /user/citizen/_create',
];
/** Sample values for the documented paths' parameters (the checks below call every documented path). */
const SAMPLE = { tenantId: 'pb.demo', processId: '00000000-0000-4000-8000-000000000000', uuid: '00000000-0000-4000-8000-000000000000',
  secret: 'not-the-secret', code: 'AbCdEfGhJk' };
const concrete = (path) => path.replace(/\{(\w+)\}/g, (_, k) => SAMPLE[k]);
/** The routes that take no token (codes by SMS): an empty body is a 400, not a 401. */
const OPEN_ROUTES = ['/user-otp/v1/_send', '/user/password/nologin/_update', '/user/citizen/_create'];
/** The routes whose body must be JSON (415 otherwise). */
const JSON_ROUTES = ROUTES.filter((r) => r.startsWith('POST /user') && !/oauth\/token|_logout|_details/.test(r))
  .map((r) => r.slice(5));
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** Statuses that only a broken server answers (D1 missing or failing); documented, never provoked. */
const UNPROVOKED = new Set(['500', '503']);

/** The documented path (a template such as /v1/upload/status/{processId}) that a concrete path matches. */
function templateOf(doc, path) {
  if (doc.paths[path]) return path;
  return Object.keys(doc.paths).find((t) => t.includes('{') &&
    new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')}$`).test(path));
}

const ADMIN_PASSWORD = 'openapi-Admin-Pass-1';
const TWILIO_TOKEN = 'openapi-twilio-token';
const TENANT = 'pb.demo';
const OVER_1_MIB = 'x'.repeat((1 << 20) + 1);

function operations(doc) {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) if (item[method]) ops.push({ path, method, op: item[method] });
  }
  return ops;
}

const escape = (s) => s.replaceAll('~', '~0').replaceAll('/', '~1');

/** Validators for the document's schemas, found by JSON pointer into the document itself. */
function schemaChecker(doc) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  // The document's top-level OpenAPI fields are not JSON Schema keywords: declare them so strict mode
  // accepts the document as the root that every `#/components/...` reference resolves against.
  ajv.addVocabulary(['openapi', 'info', 'tags', 'security', 'paths', 'components']);
  ajv.addSchema(doc, 'openapi.json');
  const compiled = new Map();
  const validator = (pointer) => {
    if (!compiled.has(pointer)) {
      const v = ajv.getSchema(`openapi.json#${pointer}`);
      assert.ok(v, `no schema at ${pointer}`);
      compiled.set(pointer, v);
    }
    return compiled.get(pointer);
  };
  /** The pointer of a response's JSON schema, following a `$ref` to components.responses. */
  const responsePointer = (pointer) => {
    let at = pointer;
    let response = at.split('/').slice(1).reduce((o, k) => o?.[k.replaceAll('~1', '/').replaceAll('~0', '~')], doc);
    if (response?.$ref) {
      assert.match(response.$ref, /^#\/components\/responses\/\w+$/);
      at = response.$ref.slice(1);
      response = doc.components.responses[response.$ref.split('/').pop()];
    }
    assert.ok(response?.description, `${at} has a description`);
    if (/\/responses\/3\d\d$/.test(at)) return null; // a redirect has no body
    assert.ok(response.content?.['application/json']?.schema, `${at} documents an application/json schema`);
    return `${at}/content/application~1json/schema`;
  };
  return { validator, responsePointer };
}

function check(validate, value, what) {
  if (!validate(value)) {
    assert.fail(`${what} does not match its schema:\n${JSON.stringify(validate.errors, null, 2)}\n` +
      `body: ${JSON.stringify(value).slice(0, 2000)}`);
  }
}

describe('GET /openapi.json against the real Worker', () => {
  let app, doc, schemas, admin;
  /** `METHOD path status` of every answer checked, for the coverage test at the end. */
  const seen = new Set();

  /** The schema pointer for a real answer: its path and method must be documented with its status,
   *  or else be the document's 405 (path documented, method not) or 404 (path not documented). */
  function answerPointer(method, concretePath, status) {
    const m = method.toLowerCase();
    const path = templateOf(doc, concretePath) ?? concretePath;
    const item = doc.paths[path];
    if (!item) {
      assert.equal(status, 404, `${method} ${path} is not documented, so it must answer 404`);
      return schemas.responsePointer('/components/responses/NotFound');
    }
    if (!item[m]) {
      assert.equal(status, 405, `${method} ${path}: the path is documented without ${method}, so it must answer 405`);
      return schemas.responsePointer('/components/responses/MethodNotAllowed');
    }
    const responses = item[m].responses;
    assert.ok(Object.hasOwn(responses, String(status)),
      `${method} ${path} answered ${status}, which the document does not give (it gives ${Object.keys(responses)})`);
    return schemas.responsePointer(`/paths/${escape(path)}/${m}/responses/${status}`);
  }

  /**
   * Sends a request and checks the answer: the expected status, JSON, and the schema the document gives.
   * `json` or `form` make the body (and content type); `token` goes in the Authorization header.
   * A 200 answer also checks the request against the documented request body schema.
   */
  async function call(method, url, expected, { json, form, body, token, headers = {} } = {}) {
    const h = { ...headers };
    let sent = body;
    if (json !== undefined) { h['content-type'] ??= 'application/json'; sent = JSON.stringify(json); }
    if (form !== undefined) { h['content-type'] ??= 'application/x-www-form-urlencoded'; sent = new URLSearchParams(form).toString(); }
    if (token) h.authorization = `Bearer ${token}`;
    const init = { method, headers: h, body: sent, redirect: 'manual' };
    if (sent instanceof ReadableStream) init.duplex = 'half';
    const res = await app.fetch(url, init);
    const text = await res.text();
    const path = templateOf(doc, url.split('?')[0]) ?? url.split('?')[0];
    const where = `${method} ${url.length > 80 ? `${url.slice(0, 80)}…` : url}`;
    assert.notEqual(res.status, 500, `${where} answered 500: ${text}`);
    assert.equal(res.status, expected, `${where} answered ${res.status}, expected ${expected}: ${text.slice(0, 500)}`);
    const redirect = res.status >= 300 && res.status < 400;
    if (!redirect) assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${where} answers JSON`);
    const answer = method === 'HEAD' || redirect ? null : JSON.parse(text);
    const pointer = answerPointer(method, url.split('?')[0], res.status);
    if (method !== 'HEAD' && !redirect) check(schemas.validator(pointer), answer, `${where} → ${res.status}`);
    seen.add(`${method} ${path} ${res.status}`);
    if (res.status === 200 && (json !== undefined || form !== undefined)) {
      const type = form !== undefined ? 'application/x-www-form-urlencoded' : 'application/json';
      const requestBody = doc.paths[path][method.toLowerCase()].requestBody;
      assert.ok(requestBody?.content?.[type], `${where}: the document gives no ${type} request body`);
      const reqPointer = `/paths/${escape(path)}/${method.toLowerCase()}/requestBody/content/${escape(type)}/schema`;
      check(schemas.validator(reqPointer), form ?? json, `the request of ${where}`);
    }
    return answer;
  }

  const post = (url, expected, opts) => call('POST', url, expected, opts);

  async function login(username, password, extra = {}) {
    const r = await post('/user/oauth/token', 200,
      { form: { username, password, grant_type: 'password', scope: 'read', tenantId: TENANT, ...extra } });
    return r;
  }

  let serial = 0;
  /** A valid new user; `over` replaces fields. */
  function newUser(over = {}) {
    serial += 1;
    return { tenantId: TENANT, type: 'EMPLOYEE', name: 'Asha Devi', userName: `user.${serial}`, roles: [{ code: 'EMPLOYEE' }], ...over };
  }

  before(async () => {
    // ENROL_LOCAL: the `log` SMS provider keeps each code in sms_log, where the OTP test reads it.
    app = await spawnApp(null, { vars: { TWILIO_AUTH_TOKEN: TWILIO_TOKEN, ENROL_LOCAL: '1' } });
    const file = join(mkdtempSync(join(tmpdir(), 'enrol-openapi-')), 'seed.sql');
    const seed = enrol(['seed-sql', '--password', ADMIN_PASSWORD]);
    assert.equal(seed.status, 0, seed.stderr);
    writeFileSync(file, seed.stdout);
    await app.sqlFile(file);
    const served = await app.fetch('/openapi.json');
    assert.equal(served.status, 200);
    doc = await served.json();
    schemas = schemaChecker(doc);
    // Logged in without checking the answer, so that a schema fault fails the tests that check it, not all.
    const res = await app.fetch('/user/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'admin', password: ADMIN_PASSWORD, grant_type: 'password', tenantId: TENANT }),
    });
    assert.equal(res.status, 200);
    admin = (await res.json()).access_token;
  });

  after(() => app?.stop());

  test('the served document is the source file, OpenAPI 3.1.0, and lists exactly the routes the Worker serves', () => {
    assert.deepEqual(doc, SOURCE, 'the Worker serves crates/api/src/openapi.json as built (rebuild with scripts/build.sh)');
    assert.equal(doc.openapi, '3.1.0');
    const documented = operations(doc).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    assert.deepEqual([...documented].sort(), [...ROUTES].sort());
    const router = readFileSync(join(ROOT, 'crates', 'api', 'src', 'lib.rs'), 'utf8');
    const inRouter = new Set([...router.matchAll(/"(\/(?:user[/-][^"]+|healthz|openapi\.json))"/g)].map((m) => m[1]));
    const digit = ROUTES.map((r) => r.split(' ')[1]).filter((p) => !p.startsWith('/v1/') && !p.startsWith('/l/'));
    assert.deepEqual([...inRouter].sort(), [...new Set(digit)].sort(), 'the paths lib.rs routes');
    // enrol's own routes are matched by segments: each documented one has its arm in lib.rs.
    for (const r of ROUTES.filter((x) => x.includes(' /v1/'))) {
      const segments = r.split(' ')[1].slice(4).split('/').map((x) => (x.startsWith('{') ? '\\w+' : `"${x}"`));
      assert.match(router, new RegExp(`\\[${segments.join(', ')}\\]`), `lib.rs routes ${r}`);
    }
  });

  test('every schema compiles under strict ajv 2020-12, every operation documents JSON answers, and tokens are documented', () => {
    for (const name of Object.keys(doc.components.schemas)) schemas.validator(`/components/schemas/${escape(name)}`);
    const ids = new Set();
    for (const { path, method, op } of operations(doc)) {
      assert.ok(op.summary && op.operationId, `${method} ${path} has a summary and an operationId`);
      assert.ok(!ids.has(op.operationId), `operationId ${op.operationId} is unique`);
      ids.add(op.operationId);
      assert.ok(Object.keys(op.responses).length > 0);
      for (const status of Object.keys(op.responses)) {
        assert.match(status, /^[1-5][0-9]{2}$/, `${method} ${path}: explicit statuses only (no default)`);
        const pointer = schemas.responsePointer(`/paths/${escape(path)}/${method}/responses/${status}`);
        if (pointer) schemas.validator(pointer);
      }
      for (const type of Object.keys(op.requestBody?.content ?? {})) {
        schemas.validator(`/paths/${escape(path)}/${method}/requestBody/content/${escape(type)}/schema`);
      }
    }
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, { ...doc.components.securitySchemes.bearerAuth, type: 'http', scheme: 'bearer' });
    assert.deepEqual(doc.security, [{ bearerAuth: [] }], 'a token in a URL ends up in logs: the header (or the body) by default');
    for (const path of ['/user/_details', '/user/_logout']) {
      assert.deepEqual(doc.paths[path].post.security, [{ bearerAuth: [] }, { accessTokenQuery: [] }], `${path} also takes ?access_token=, as DIGIT's clients send it`);
    }
    assert.ok(doc.components.schemas.RequestInfo.properties.authToken, 'RequestInfo.authToken is documented');
    for (const r of ['NotFound', 'MethodNotAllowed']) schemas.validator(schemas.responsePointer(`/components/responses/${r}`));
  });

  test('every documented path and method is served (never 404 or 405) with a documented answer', async () => {
    for (const { path: template, method } of operations(doc)) {
      const M = method.toUpperCase();
      const path = concrete(template);
      if (template === '/l/{code}') await call(M, path, 302);
      else if (template === '/v1/offices') await call(M, path, 200);
      else if (template.startsWith('/v1/')) await call(M, path, 401, M === 'GET' ? {} : { json: {} });
      else if (M === 'GET') await call(M, path, 200);
      else if (path === '/user/oauth/token') await call(M, path, 400, { form: {} });
      else if (OPEN_ROUTES.includes(path)) await call(M, path, 400, { json: {} });
      else await call(M, path, 401, { json: {} });
    }
  });

  test('a method a documented path does not list answers the documented 405, an unknown path the documented 404', async () => {
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const method of ['get', 'post', 'put', 'delete', 'patch', 'head']) {
        if (!item[method]) await call(method.toUpperCase(), concrete(template), 405);
      }
    }
    await call('GET', '/user/no-such-route', 404);
    await call('POST', '/user/users/_delete', 404, { json: {} });
  });

  test('POST /user/oauth/token: both grants answer TokenResponse; each failure is a documented 400, 413 or 415 with OAuth error fields on 400', async () => {
    const first = await login('admin', ADMIN_PASSWORD);
    assert.equal(first.UserRequest.userName, 'admin');
    const renewed = await post('/user/oauth/token', 200, { form: { grant_type: 'refresh_token', refresh_token: first.refresh_token } });
    assert.notEqual(renewed.access_token, first.access_token);

    const failures = [
      [{ grant_type: 'refresh_token', refresh_token: first.refresh_token }, 'InvalidRefreshToken', 'invalid_grant'],
      [{ username: 'admin', password: 'not-the-password', grant_type: 'password', tenantId: TENANT }, 'InvalidCredentials', 'invalid_request'],
      [{ username: 'nobody', password: 'whatever-it-is', grant_type: 'password', tenantId: TENANT }, 'InvalidCredentials', 'invalid_request'],
      [{ username: 'admin', grant_type: 'password', tenantId: TENANT }, 'InvalidRequest', 'invalid_request'],
      [{ username: 'admin', password: ADMIN_PASSWORD, grant_type: 'password', tenantId: TENANT, userType: 'ROBOT' }, 'InvalidRequest', 'invalid_request'],
      [{ username: 'admin', password: ADMIN_PASSWORD }, 'InvalidRequest', 'invalid_request'],
      [{ grant_type: 'client_credentials' }, 'UnsupportedGrantType', 'unsupported_grant_type'],
    ];
    for (const [form, code, error] of failures) {
      const r = await post('/user/oauth/token', 400, { form });
      assert.equal(r.Errors[0].code, code, JSON.stringify(form));
      assert.equal(r.error, error);
      assert.equal(r.error_description, r.Errors[0].message);
    }
    const wrongType = await post('/user/oauth/token', 415, { json: { username: 'admin', password: ADMIN_PASSWORD, grant_type: 'password' } });
    assert.equal(wrongType.Errors[0].code, 'UnsupportedMediaType');
    const big = await post('/user/oauth/token', 413, { body: OVER_1_MIB, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(big.Errors[0].code, 'PayloadTooLarge');
  });

  test('POST /user/_details and /user/_logout: the token works as header, RequestInfo.authToken or query; 400, 401 and 413 as documented', async () => {
    const byHeader = await post('/user/_details', 200, { token: admin });
    assert.equal(byHeader.userName, 'admin');
    await post('/user/_details', 200, { json: { RequestInfo: { authToken: admin, apiId: 'Rainmaker', ver: '.01' } } });
    await post(`/user/_details?access_token=${admin}`, 200);
    await post('/user/_details', 200, { token: admin, body: 'not json', headers: { 'content-type': 'text/plain' } });
    await post('/user/_details', 401);
    await post('/user/_details', 401, { token: 'f'.repeat(64) });
    assert.equal((await post('/user/_details', 400, { token: admin, body: '{"RequestInfo":', headers: { 'content-type': 'application/json' } })).Errors[0].code, 'InvalidJson');
    await post('/user/_details', 413, { token: admin, body: OVER_1_MIB, headers: { 'content-type': 'application/json' } });
    await post('/user/_details', 200, { token: admin, body: '', headers: { 'content-type': 'application/json' } });

    const session = (await login('admin', ADMIN_PASSWORD)).access_token;
    await post('/user/_logout', 400, { body: '{"RequestInfo":', headers: { 'content-type': 'application/json' } });
    await post('/user/_logout', 413, { body: OVER_1_MIB, headers: { 'content-type': 'application/json' } });
    await post('/user/_logout', 401, { json: { RequestInfo: {} } });
    const out = await post('/user/_logout', 200, { json: { RequestInfo: { authToken: session } } });
    assert.equal(out.ResponseInfo.status, 'Logout successfully');
    await post('/user/_details', 401, { token: session });
    await post('/user/_details', 200, { token: admin }); // other sessions go on
  });

  test('POST /user/users/_createnovalidate: a full user is 200; invalid field and unknown tenant 400, no token 401, outside tenant 401, duplicate userName 400', async () => {
    const full = newUser({
      userName: 'ravi.kumar', name: 'Ravi Kumar', salutation: 'Mr', gender: 'male', mobileNumber: '+91 98765 43210',
      emailId: 'ravi@example.in', altContactNumber: '09876543211', pan: 'ABCDE1234F', aadhaarNumber: '123412341234',
      dob: '01-02-1980', fatherOrHusbandName: 'Mohan Kumar', bloodGroup: 'B+', permanentAddress: '12 Canal Road',
      permanentCity: 'Ludhiana', permanentPinCode: '141001', correspondenceAddress: 'PO Box 7', correspondenceCity: 'Ludhiana',
      correspondencePinCode: '141002', locale: 'pa_IN', password: 'a good long password', active: true,
      roles: [{ code: 'GP_ADMIN', name: 'GP administrator' }, { code: 'employee', tenantId: TENANT }],
    });
    const [u] = (await post('/user/users/_createnovalidate', 200, { token: admin, json: { RequestInfo: { apiId: 'Rainmaker' }, user: full } })).user;
    assert.equal(u.mobileNumber, '9876543210');
    assert.equal(u.aadhaarNumber, 'XXXXXXXX1234');
    assert.equal(u.gender, 'MALE');
    assert.equal(u.dob, '01/02/1980');
    // A citizen needs no userName (the mobile number is used) and no roles; the token may be RequestInfo.authToken.
    const [c] = (await post('/user/users/_createnovalidate', 200, { json: { RequestInfo: { authToken: admin }, user: { tenantId: TENANT, type: 'CITIZEN', name: 'Meena', mobileNumber: '7000000001', locale: null, gender: null } } })).user;
    assert.equal(c.userName, '7000000001');
    assert.deepEqual(c.roles.map((r) => r.code), ['CITIZEN']);

    const bad = await post('/user/users/_createnovalidate', 400, { token: admin, json: { user: newUser({ mobileNumber: '12345' }) } });
    assert.equal(bad.Errors[0].code, 'INVALID_MOBILE_NUMBER');
    assert.deepEqual(bad.Errors[0].params, ['user.mobileNumber']);
    assert.equal((await post('/user/users/_createnovalidate', 400, { token: admin, json: { RequestInfo: {} } })).Errors[0].code, 'InvalidUserCreateException');
    assert.equal((await post('/user/users/_createnovalidate', 400, { token: admin, json: { user: newUser({ tenantId: 'pb.demo.nowhere' }) } })).Errors[0].code, 'InvalidTenant');
    assert.equal((await post('/user/users/_createnovalidate', 400, { token: admin, json: { user: newUser({ roles: [{ code: 'EMPLOYEE', tenantId: 'pb.demo.nowhere' }] }) } })).Errors[0].code, 'InvalidTenant');
    assert.equal((await post('/user/users/_createnovalidate', 400, { token: admin, json: { user: { ...newUser(), name: { first: 'A' } } } })).Errors[0].code, 'JsonMappingException');
    await post('/user/users/_createnovalidate', 401, { json: { user: newUser() } });
    await post('/user/users/_createnovalidate', 401, { json: { user: newUser() }, token: 'not-a-token' });
    assert.equal((await post('/user/users/_createnovalidate', 401, { token: admin, json: { user: newUser({ tenantId: 'pb' }) } })).Errors[0].code, 'CustomException');
    const dup = await post('/user/users/_createnovalidate', 400, { token: admin, json: { user: newUser({ userName: 'RAVI.Kumar' }) } });
    assert.equal(dup.Errors[0].code, 'DuplicateUserNameException');
    assert.deepEqual(dup.Errors[0].params, ['user.userName']);
  });

  for (const route of ['/user/users/v110/_create', '/user/users/_create']) {
    test(`POST ${route}: a batch is 200 all or none; empty or repeated 400, no token 401, outside tenant 401, existing userName 400`, async () => {
      const created = await post(route, 200, { token: admin, json: { RequestInfo: {}, Users: [newUser(), newUser({ type: 'SYSTEM', roles: [{ code: 'SUPERUSER' }] })] } });
      assert.equal(created.user.length, 2);
      const taken = created.user[0].userName;
      assert.equal((await post(route, 400, { token: admin, json: { Users: [] } })).Errors[0].code, 'InvalidUserCreateException');
      assert.equal((await post(route, 400, { token: admin, json: { user: newUser() } })).Errors[0].code, 'InvalidUserCreateException');
      const twice = await post(route, 400, { token: admin, json: { Users: [newUser({ userName: 'same.name' }), newUser({ userName: 'Same.Name' })] } });
      assert.deepEqual(twice.Errors[0].params, ['Users[1].userName']);
      await post(route, 401, { json: { Users: [newUser()] } });
      await post(route, 401, { token: admin, json: { Users: [newUser(), newUser({ tenantId: 'pb' })] } });
      const late = newUser();
      const dup = await post(route, 400, { token: admin, json: { Users: [late, newUser({ userName: taken })] } });
      assert.deepEqual(dup.Errors[0].params, ['Users[1].userName']);
      const found = await post('/user/_search', 200, { token: admin, json: { tenantId: TENANT, userName: late.userName } });
      assert.deepEqual(found.user, [], 'nothing of a refused batch is created');
    });
  }

  test('POST /user/_search: 200 for an administrator\'s subtree and for oneself; bad criteria 400, no token 401, outside tenant 401', async () => {
    const all = await post('/user/_search', 200, { token: admin, json: { RequestInfo: { authToken: null }, tenantId: TENANT, pageSize: 100, pageNumber: 0 } });
    assert.ok(all.user.length >= 3);
    const one = await post('/user/_search', 200, {
      token: admin,
      json: { tenantId: TENANT, userName: 'Ravi.Kumar', mobileNumber: '98765-43210', emailId: 'RAVI@example.in', roleCodes: ['GP_ADMIN'], userType: 'employee', active: true, uuid: null, id: null },
    });
    assert.deepEqual(one.user.map((u) => u.userName), ['ravi.kumar']);
    assert.deepEqual((await post('/user/_search', 200, { token: admin, json: { tenantId: TENANT, id: [999999] } })).user, []);
    const [plain] = (await post('/user/users/_createnovalidate', 200, { token: admin, json: { user: newUser({ password: 'a plain long password' }) } })).user;
    const token = (await login(plain.userName, 'a plain long password')).access_token;
    const self = await post('/user/_search', 200, { token, json: { tenantId: 'pb' } });
    assert.deepEqual(self.user.map((u) => u.userName), [plain.userName], 'a non-administrator finds only themselves');

    // A tenant id that is not one is outside every administrator's reach: refused before the fields (401).
    assert.equal((await post('/user/_search', 401, { token: admin, json: { tenantId: 'PB!' } })).Errors[0].code, 'CustomException');
    for (const [q, field] of [[{}, 'tenantId'], [{ tenantId: TENANT, pageSize: 101 }, 'pageSize'],
      [{ tenantId: TENANT, pageNumber: -1 }, 'pageNumber'], [{ tenantId: TENANT, userType: 'ROBOT' }, 'userType']]) {
      const r = await post('/user/_search', 400, { token: admin, json: q });
      assert.deepEqual(r.Errors[0].params, [field]);
    }
    assert.equal((await post('/user/_search', 400, { token: admin, json: { tenantId: TENANT, pageSize: 'five' } })).Errors[0].code, 'JsonMappingException');
    // A string where a number is expected is read as Jackson reads it.
    await post('/user/_search', 200, { token: admin, json: { tenantId: TENANT, pageSize: '5', active: 'true' } });
    assert.equal((await post('/user/_search', 400, { token: admin, json: { tenantId: 'pb.demo.nowhere' } })).Errors[0].code, 'InvalidTenant');
    await post('/user/_search', 401, { json: { tenantId: TENANT } });
    assert.equal((await post('/user/_search', 401, { token: admin, json: { tenantId: 'pb' } })).Errors[0].code, 'CustomException');
  });

  test('POST /user/users/_updatenovalidate: 200 changes a user; no id 400, bad field 400, no token 401, role outside tenant 401, unknown user 400', async () => {
    const [target] = (await post('/user/users/_createnovalidate', 200, { token: admin, json: { user: newUser() } })).user;
    const [changed] = (await post('/user/users/_updatenovalidate', 200, {
      token: admin,
      json: { user: { id: target.id, name: 'Asha Rani', mobileNumber: '8000000001', gender: 'FEMALE', roles: [{ code: 'HRMS_ADMIN' }], active: true, accountLocked: false, userName: 'ignored' } },
    })).user;
    assert.equal(changed.name, 'Asha Rani');
    assert.equal(changed.userName, target.userName);
    assert.deepEqual(changed.roles.map((r) => r.code), ['HRMS_ADMIN']);
    await post('/user/users/_updatenovalidate', 200, { token: admin, json: { user: { uuid: target.uuid, accountLocked: true } } });

    assert.deepEqual((await post('/user/users/_updatenovalidate', 400, { token: admin, json: { user: { name: 'No Id' } } })).Errors[0].params, ['user.id']);
    assert.deepEqual((await post('/user/users/_updatenovalidate', 400, { token: admin, json: { user: { id: target.id, pan: 'abc' } } })).Errors[0].params, ['user.pan']);
    await post('/user/users/_updatenovalidate', 401, { json: { user: { id: target.id } } });
    await post('/user/users/_updatenovalidate', 401, { token: admin, json: { user: { id: target.id, roles: [{ code: 'X', tenantId: 'pb' }] } } });
    assert.equal((await post('/user/users/_updatenovalidate', 400, { token: admin, json: { user: { id: target.id, roles: [{ code: 'X', tenantId: 'pb.demo.nowhere' }] } } })).Errors[0].code, 'InvalidTenant');
    assert.equal((await post('/user/users/_updatenovalidate', 400, { token: admin, json: { user: { id: 999999 } } })).Errors[0].code, 'UserNotFoundException');
  });

  test('POST /user/profile/_update: 200 changes one\'s own profile; bad field 400, no token 401, someone else 400; a non-administrator cannot create (401)', async () => {
    const password = 'my own long password';
    const [me] = (await post('/user/users/_createnovalidate', 200, { token: admin, json: { user: newUser({ password }) } })).user;
    const token = (await login(me.userName, password, { userType: 'EMPLOYEE' })).access_token;
    const [after] = (await post('/user/profile/_update', 200, { token, json: { user: { id: me.id, emailId: 'me@example.in', permanentCity: 'Patiala', userName: 'ignored', roles: [{ code: 'SUPERUSER' }] } } })).user;
    assert.equal(after.emailId, 'me@example.in');
    assert.deepEqual(after.roles.map((r) => r.code), ['EMPLOYEE']);
    assert.deepEqual((await post('/user/profile/_update', 400, { token, json: { user: { dob: '31/02/1990' } } })).Errors[0].params, ['user.dob']);
    await post('/user/profile/_update', 401, { json: { user: {} } });
    assert.equal((await post('/user/profile/_update', 400, { token, json: { user: { id: 1 } } })).Errors[0].code, 'UserProfileUpdateDeniedException');
    assert.equal((await post('/user/users/_createnovalidate', 401, { token, json: { user: newUser() } })).Errors[0].code, 'CustomException');
  });

  test('POST /user/password/_update: 200 changes the password and ends other sessions; wrong existing or weak new password 400, no token 401', async () => {
    const password = 'first long password';
    const [u] = (await post('/user/users/_createnovalidate', 200, { token: admin, json: { user: newUser({ password }) } })).user;
    const one = (await login(u.userName, password)).access_token;
    const two = (await login(u.userName, password)).access_token;
    assert.equal((await post('/user/password/_update', 400, { token: one, json: { existingPassword: 'wrong password!', newPassword: 'second long password' } })).Errors[0].code, 'PasswordMismatchException');
    assert.deepEqual((await post('/user/password/_update', 400, { token: one, json: { existingPassword: password, newPassword: 'short' } })).Errors[0].params, ['newPassword']);
    assert.deepEqual((await post('/user/password/_update', 400, { token: one, json: { existingPassword: password } })).Errors[0].params, ['newPassword']);
    await post('/user/password/_update', 401, { json: { existingPassword: password, newPassword: 'second long password' } });
    await post('/user/password/_update', 200, { json: { RequestInfo: { authToken: one }, existingPassword: password, newPassword: 'second long password' } });
    await post('/user/_details', 200, { token: one });
    await post('/user/_details', 401, { token: two });
    await login(u.userName, 'second long password');
  });

  /** An EMPLOYEE without an administrator's role, logged in. */
  async function clerk() {
    const password = 'a clerk long password';
    const [u] = (await post('/user/users/_createnovalidate', 200, { token: admin, json: { user: newUser({ password }) } })).user;
    return (await login(u.userName, password)).access_token;
  }

  /** A multipart upload body (FormData: fetch adds the boundary and the length). */
  function uploadForm(csv, fields = { tenantId: TENANT }) {
    const f = new FormData();
    f.append('file', new Blob([csv], { type: 'text/csv' }), 'people.csv');
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    return f;
  }

  test('/v1/tenants and /v1/tenant/{tenantId}/upload-config: every documented answer', async () => {
    const tenants = await call('GET', '/v1/tenants', 200, { token: admin });
    assert.deepEqual(tenants.tenants.map((t) => t.id), [TENANT]);
    const other = await clerk();
    await call('GET', '/v1/tenants', 403, { token: other });
    const config = await call('GET', `/v1/tenant/${TENANT}/upload-config`, 200, { token: admin });
    assert.equal(config.maxRows, 1000);
    await call('GET', `/v1/tenant/${TENANT}/upload-config`, 403, { token: other });
    await call('GET', '/v1/tenant/pb/upload-config', 404, { token: admin });
    await call('GET', `/v1/tenant/${TENANT}/upload-config`, 401);
    const put = (expected, opts) => call('PUT', `/v1/tenant/${TENANT}/upload-config`, expected, opts);
    assert.equal((await put(200, { token: admin, json: { maxRows: 2000, grades: ['Class 1', 'Other'] } })).maxRows, 2000);
    assert.deepEqual((await put(400, { token: admin, json: { maxRows: 0 } })).Errors[0].params, ['maxRows']);
    await put(401, { json: { maxRows: 5 } });
    await put(403, { token: other, json: { maxRows: 5 } });
    await call('PUT', '/v1/tenant/pb/upload-config', 404, { token: admin, json: { maxRows: 5 } });
    await put(413, { token: admin, body: OVER_1_MIB, headers: { 'content-type': 'application/json' } });
    await put(415, { token: admin, body: 'maxRows=5', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await put(200, { token: admin, json: { maxRows: 1000 } });
  });

  test('POST /v1/user/upload, GET /v1/upload/status/{processId} and GET /v1/uploads: every documented answer', async () => {
    const up = (expected, opts) => call('POST', '/v1/user/upload', expected, opts);
    const csv = 'firstName,phone\nAsha,9812345670\nRavi,9812345671\n';
    const done = await up(200, { token: admin, body: uploadForm(csv) });
    assert.equal(done.status, 'COMPLETED');
    assert.equal((await up(200, { token: admin, body: uploadForm(csv) })).processId, done.processId, 'answered again');
    const failed = await up(422, { token: admin, body: uploadForm('firstName,phone\nMeena,12345\n') });
    assert.equal(failed.failureResult[0].code, 'invalid_phone');
    // text/csv, with the tenant in the query
    const plain = await call('POST', `/v1/user/upload?tenantId=${TENANT}&fileName=gita.csv`, 200,
      { token: admin, body: 'firstName,phone\nGita,9812345672\n', headers: { 'content-type': 'text/csv' } });
    assert.equal(plain.fileName, 'gita.csv');
    await up(400, { token: admin, body: uploadForm(csv, {}) });
    await up(401, { body: uploadForm(csv) });
    const other = await clerk();
    await up(403, { token: other, body: uploadForm(csv) });
    await up(403, { token: admin, body: uploadForm(csv, { tenantId: 'pb' }) });
    await up(200, { token: admin, body: uploadForm('firstName,phone\nIsha,9812345674\n'), headers: { 'idempotency-key': 'k2' } });
    await up(409, { token: admin, body: uploadForm('firstName,phone\nJai,9812345675\n'), headers: { 'idempotency-key': 'k2' } });
    const chunks = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(csv)); c.close(); } });
    await up(411, { token: admin, body: chunks, headers: { 'content-type': 'text/csv' } });
    const big = `firstName,phone\n${'A,9876543210\n'.repeat(170_000)}`;
    await call('POST', `/v1/user/upload?tenantId=${TENANT}`, 413, { token: admin, body: big, headers: { 'content-type': 'text/csv' } });
    await up(415, { token: admin, json: { tenantId: TENANT } });

    const status = (id, expected, opts) => call('GET', `/v1/upload/status/${id}`, expected, opts);
    assert.equal((await status(done.processId, 200, { token: admin })).counts.created, 2);
    assert.equal((await status(`${failed.processId}?locale=hi_IN`, 200, { token: admin })).status, 'FAILED');
    await status(`${done.processId}?offset=-1`, 400, { token: admin });
    await status(done.processId, 401);
    await status(SAMPLE.processId, 404, { token: admin });
    await status(done.processId, 404, { token: other });

    const list = await call('GET', `/v1/uploads?tenantId=${TENANT}&pageSize=2`, 200, { token: admin });
    assert.equal(list.uploads.length, 2);
    assert.ok(list.total >= 3);
    await call('GET', '/v1/uploads', 400, { token: admin });
    await call('GET', `/v1/uploads?tenantId=${TENANT}`, 401);
    await call('GET', `/v1/uploads?tenantId=${TENANT}`, 403, { token: other });
    await call('GET', '/v1/uploads?tenantId=pb', 404, { token: admin });
  });

  test('POST /v1/user/{uuid}/reissue, the delivery reports and GET /l/{code}: every documented answer', async () => {
    const [withPhone] = (await post('/user/users/_createnovalidate', 200, { token: admin, json: { user: newUser({ mobileNumber: '9876500011' }) } })).user;
    const [noContact] = (await post('/user/users/_createnovalidate', 200, { token: admin, json: { user: newUser() } })).user;
    const re = (uuid, expected, opts) => call('POST', `/v1/user/${uuid}/reissue`, expected, opts);
    assert.equal((await re(withPhone.uuid, 200, { token: admin })).channel, 'sms');
    assert.equal((await re(noContact.uuid, 400, { token: admin })).Errors[0].code, 'NoContact');
    await re(withPhone.uuid, 401);
    await re(withPhone.uuid, 403, { token: await clerk() });
    await re(SAMPLE.uuid, 404, { token: admin });

    const secret = devVars().SMS_DLR_SECRET;
    const msg91 = (s, expected, opts) => call('POST', `/v1/sms/dlr/msg91/${s}`, expected, opts);
    const data = (reports) => ({ data: JSON.stringify(reports) });
    assert.equal((await msg91(secret, 200, { form: data([{ requestId: 'r1', report: [{ status: '5', desc: 'SUBMITTED' }] }]) })).matched, 0);
    await msg91(secret, 400, { form: { other: 'x' } });
    await msg91('not-the-secret', 401, { form: data([]) });
    await msg91(secret, 404, { json: { requestId: 'unknown', status: '1' } });
    await msg91(secret, 413, { body: `data=${'x'.repeat(300_000)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await msg91(secret, 415, { body: 'data', headers: { 'content-type': 'text/plain' } });

    const url = 'http://127.0.0.1:8787/v1/sms/dlr/twilio';
    const sign = (p) => createHmac('sha1', TWILIO_TOKEN).update(url + Object.keys(p).sort().map((k) => k + p[k]).join('')).digest('base64');
    const sent = { MessageSid: 'SM1', MessageStatus: 'sent' };
    await call('POST', '/v1/sms/dlr/twilio', 200, { form: sent, headers: { 'x-twilio-signature': sign(sent) } });
    const delivered = { MessageSid: 'SM-unknown', MessageStatus: 'delivered' };
    await call('POST', '/v1/sms/dlr/twilio', 404, { form: delivered, headers: { 'x-twilio-signature': sign(delivered) } });
    await call('POST', '/v1/sms/dlr/twilio', 401, { form: delivered });

    await call('GET', '/l/AbCdEfGhJk', 302);
  });

  test('/v1/people (and its actions), /v1/onboarding/funnel and /v1/audit: every documented answer', async () => {
    const create = async (mobileNumber) => (await post('/user/users/_createnovalidate', 200, { token: admin, json: { user: newUser({ mobileNumber }) } })).user[0];
    const [p, q] = [await create('9876500021'), await create('9876500022')];
    const other = await clerk();
    const list = (qs, expected, opts) => call('GET', `/v1/people?${qs}`, expected, opts);
    assert.deepEqual((await list(`tenantId=${TENANT}&q=9876500021`, 200, { token: admin })).people.map((x) => x.uuid), [p.uuid]);
    await list(`tenantId=${TENANT}&filter=banana`, 400, { token: admin });
    await list(`tenantId=${TENANT}`, 401);
    await list(`tenantId=${TENANT}`, 403, { token: other });
    await list('tenantId=pb', 404, { token: admin });
    const one = (uuid, expected, opts) => call('GET', `/v1/people/${uuid}`, expected, opts);
    assert.equal((await one(p.uuid, 200, { token: admin })).uuid, p.uuid);
    await one(p.uuid, 401);
    await one(p.uuid, 403, { token: other });
    await one(SAMPLE.uuid, 404, { token: admin });

    const act = (action, expected, opts) => call('POST', `/v1/people/${action}`, expected, opts);
    const byFilter = { filter: { tenantId: TENANT, q: '9876500022' } };
    assert.deepEqual(await act('_deactivate', 200, { token: admin, json: byFilter }), { dryRun: true, count: 1 });
    assert.equal((await act('_deactivate', 200, { token: admin, json: { ...byFilter, confirm: 1 } })).count, 1);
    assert.equal((await act('_activate', 200, { token: admin, json: { tenantId: TENANT, uuids: [q.uuid] } })).count, 1);
    assert.equal((await act('_unlock', 200, { token: admin, json: { tenantId: TENANT, uuids: [q.uuid] } })).count, 0);
    for (const action of ['_reissue', '_deactivate', '_activate', '_unlock']) {
      await act(action, 400, { token: admin, json: { tenantId: TENANT } });
      await act(action, 401, { json: { tenantId: TENANT, uuids: [q.uuid] } });
      await act(action, 403, { token: other, json: { tenantId: TENANT, uuids: [q.uuid] } });
      await act(action, 404, { token: admin, json: { tenantId: TENANT, uuids: [SAMPLE.uuid] } });
      await act(action, 409, { token: admin, json: { ...byFilter, confirm: 5 } });
      await act(action, 413, { token: admin, json: { tenantId: TENANT, uuids: Array.from({ length: 1001 }, (_, i) => `u${i}`) } });
      await act(action, 415, { token: admin, body: 'uuids=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    }

    const patch = (uuid, expected, opts) => call('PATCH', `/v1/people/${uuid}`, expected, opts);
    assert.deepEqual((await patch(p.uuid, 200, { token: admin, json: { emailId: 'asha@example.org', resend: false } })).changed, ['emailId']);
    await patch(p.uuid, 400, { token: admin, json: { mobileNumber: '12345' } });
    await patch(p.uuid, 401, { json: { mobileNumber: '9876500023' } });
    await patch(p.uuid, 403, { token: other, json: { mobileNumber: '9876500023' } });
    await patch(SAMPLE.uuid, 404, { token: admin, json: { mobileNumber: '9876500023' } });
    await patch(q.uuid, 409, { token: admin, json: { mobileNumber: '9876500021' } });
    await patch(p.uuid, 413, { token: admin, body: OVER_1_MIB, headers: { 'content-type': 'application/json' } });
    await patch(p.uuid, 415, { token: admin, body: 'mobileNumber=9876500023', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal((await patch(p.uuid, 200, { token: admin, json: { mobileNumber: '9876500023' } })).resent, true);
    // RESEND_PER_DAY (5): four more re-sends, then every way of re-sending to p is refused.
    for (let i = 0; i < 4; i++) assert.equal((await act('_reissue', 200, { token: admin, json: { tenantId: TENANT, uuids: [p.uuid] } })).count, 1);
    assert.equal((await act('_reissue', 429, { token: admin, json: { tenantId: TENANT, uuids: [p.uuid] } })).Errors[0].code, 'ResendLimit');
    await patch(p.uuid, 429, { token: admin, json: { mobileNumber: '9876500024' } });
    await call('POST', `/v1/user/${p.uuid}/reissue`, 429, { token: admin });

    const funnel = (qs, expected, opts) => call('GET', `/v1/onboarding/funnel?${qs}`, expected, opts);
    assert.ok((await funnel(`tenantId=${TENANT}`, 200, { token: admin })).created >= 2);
    await funnel('', 400, { token: admin });
    await funnel(`tenantId=${TENANT}`, 401);
    await funnel(`tenantId=${TENANT}`, 403, { token: other });
    await funnel('tenantId=pb', 404, { token: admin });
    const audit = (qs, expected, opts) => call('GET', `/v1/audit?${qs}`, expected, opts);
    const entries = (await audit(`tenantId=${TENANT}&action=reissue&limit=2`, 200, { token: admin })).entries;
    assert.deepEqual(entries.map((e) => `${e.action} ${e.outcome}`).slice(0, 2), ['reissue refused', 'reissue ok']);
    await audit(`tenantId=${TENANT}&limit=0`, 400, { token: admin });
    await audit(`tenantId=${TENANT}`, 401);
    await audit(`tenantId=${TENANT}`, 403, { token: other });
    await audit('tenantId=pb', 404, { token: admin });
  });

  /** The code the `log` provider wrote for `mobile` (SMS_PROVIDER=log keeps each message in sms_log). */
  async function codeFor(mobile, after = 0) {
    for (let i = 0; i < 100; i++) {
      const [row] = await app.sql(`SELECT rowid AS n, body FROM sms_log WHERE recipient = '${mobile}' AND rowid > ${after} ORDER BY rowid DESC LIMIT 1`);
      const code = row?.body.match(/^(\d{6}) /)?.[1];
      if (code) return code;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`no code for ${mobile}`);
  }

  test('POST /user-otp/v1/_send, /user/citizen/_create and /user/password/nologin/_update: 200/201, both 400 shapes and 429 as documented', async () => {
    const otp = (mobileNumber, type, extra = {}) => ({ RequestInfo: { apiId: 'mgramseva', msgId: '1|en_IN' }, otp: { mobileNumber, tenantId: TENANT, type, ...extra } });
    const sent = await post('/user-otp/v1/_send', 201, { json: otp('9876511111', 'register') });
    assert.equal(sent.isSuccessful, true);
    const again = await post('/user-otp/v1/_send', 429, { json: otp('9876511111', 'register') });
    assert.equal(again.error.fields[0].code, 'OTP.RESEND_TOO_SOON');
    assert.equal((await post('/user-otp/v1/_send', 400, { json: otp('9876511112', 'banana') })).error.fields[0].code, 'OTP.REQUEST_TYPE_MANDATORY');
    assert.equal((await post('/user-otp/v1/_send', 400, { body: '{"otp":', headers: { 'content-type': 'application/json' } })).Errors[0].code, 'InvalidJson');

    const code = await codeFor('9876511111');
    const user = { name: 'Meena Devi', username: '9876511111', tenantId: TENANT, locale: 'hi_IN' };
    const wrong = String((Number(code) + 1) % 1e6).padStart(6, '0');
    const refused = await post('/user/citizen/_create', 400, { json: { RequestInfo: {}, User: { ...user, otpReference: wrong } } });
    assert.deepEqual(refused.error.fields.map((f) => f.code), ['OTP.VALIDATION_UNSUCCESSFUL', 'OTP.WRONG']);
    const citizen = await post('/user/citizen/_create', 200, { json: { RequestInfo: {}, User: { ...user, otpReference: code, password: 'a citizen password' } } });
    assert.equal(citizen.UserRequest.tenantId, 'pb');
    // The used code again: the code is checked before anything is said about the number.
    assert.equal((await post('/user/citizen/_create', 400, { json: { RequestInfo: {}, User: { ...user, otpReference: code } } })).error.fields[1].code, 'OTP.USED');

    const [employee] = (await post('/user/users/_createnovalidate', 200, { token: admin, json: { user: newUser({ mobileNumber: '9876511113', password: 'first long password' }) } })).user;
    await post('/user-otp/v1/_send', 201, { json: otp('9876511113', 'passwordreset', { userType: 'EMPLOYEE' }) });
    const reset = await codeFor('9876511113');
    const request = { RequestInfo: {}, otpReference: reset, userName: employee.userName, tenantId: TENANT, type: 'EMPLOYEE' };
    assert.deepEqual((await post('/user/password/nologin/_update', 400, { json: { ...request, newPassword: 'short' } })).Errors[0].params, ['newPassword']);
    const done = await post('/user/password/nologin/_update', 200, { json: { ...request, newPassword: 'second long password' } });
    assert.equal(done.responseInfo.status, '200');
    assert.equal((await post('/user/password/nologin/_update', 400, { json: { ...request, newPassword: 'third long password' } })).error.fields[1].code, 'OTP.USED');
    await login(employee.userName, 'second long password');
  });

  test('every JSON route answers the documented 415 for another content type and 413 for a body over 1 MiB', async () => {
    for (const route of JSON_ROUTES) {
      const r = await post(route, 415, { token: admin, body: 'tenantId=pb.demo', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(r.Errors[0].code, 'UnsupportedMediaType');
      await post(route, 415, { token: admin, body: '{}' }); // no content type at all (fetch sends text/plain)
      const big = await post(route, 413, { token: admin, body: OVER_1_MIB, headers: { 'content-type': 'application/json' } });
      assert.equal(big.Errors[0].code, 'PayloadTooLarge');
    }
  });

  test('every status the document gives was seen in a real answer (but 500 and 503, which need a broken server)', () => {
    const missing = [];
    for (const { path, method, op } of operations(doc)) {
      for (const status of Object.keys(op.responses)) {
        if (!UNPROVOKED.has(status) && !seen.has(`${method.toUpperCase()} ${path} ${status}`)) missing.push(`${method.toUpperCase()} ${path} ${status}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
