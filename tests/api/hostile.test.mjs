// Malformed and hostile requests: SQL injection in every field, bodies too large or of the wrong type, JSON
// of the wrong shape, control and invisible characters, forged and expired tokens, another tenant's ids,
// absurd page sizes, XSS, null bytes, path traversal, wrong methods and unknown routes. Each row asserts the
// status, the error code, that the answer is JSON, and that D1 (users, roles, sessions, failed logins,
// tenants) is exactly as it was. None of these requests may change anything, so the rows share one app.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnApp } from '../helpers.mjs';
import { USERS, assertError, login, newUser, post, raw, rows, seedWorld, sha256, snapshot, token } from './support.mjs';

const SQLI = "x' OR '1'='1'; DROP TABLE users; --";
const XSS = '<script>alert(1)</script>';
const CREATE = '/user/users/_createnovalidate';
const BULK = '/user/users/v110/_create';
const SEARCH = '/user/_search';
const UPDATE = '/user/users/_updatenovalidate';
const PROFILE = '/user/profile/_update';
const PASSWORD_UPDATE = '/user/password/_update';

/** A request with any content type and a raw body (string, bytes or stream). */
const send = (app, path, contentType, body, tok, method = 'POST') => {
  const headers = {};
  if (contentType) headers['content-type'] = contentType;
  if (tok) headers.authorization = `Bearer ${tok}`;
  const init = { method, headers, body };
  if (body instanceof ReadableStream) init.duplex = 'half';
  return raw(app, path, init);
};

/** A body of `bytes` bytes streamed in 64 KiB chunks, so that no Content-Length is sent. */
function stream(bytes) {
  let left = bytes;
  return new ReadableStream({
    pull(c) {
      if (left <= 0) return c.close();
      const n = Math.min(left, 65536);
      left -= n;
      c.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
}

/** A search body of exactly `bytes` bytes (the userName pads it). */
function sized(bytes) {
  const head = '{"tenantId":"pb","userName":"';
  return `${head}${'a'.repeat(bytes - head.length - 2)}"}`;
}

// Fields of a new user whose rules leave no room for SQL (free text, such as addresses, is tested apart).
// altContactNumber is free text in DIGIT (a landline too): SQL in it is stored as data, like an address.
// A tenantId out of the caller's reach is refused before the fields (401, as DIGIT's gateway).
const CHECKED_FIELDS = ['type', 'name', 'userName', 'mobileNumber', 'emailId', 'gender', 'dob', 'pan',
  'aadhaarNumber', 'salutation', 'bloodGroup', 'locale', 'permanentPinCode', 'correspondencePinCode',
  'fatherOrHusbandName'];
/** DIGIT's code for a field, where it has one. */
const FIELD_CODE = { mobileNumber: 'INVALID_MOBILE_NUMBER' };

/**
 * The table: [what it proves, request(c) where c = {app, tokens, ids, expired}, status, error code (4xx),
 * check(answer) (2xx)]. A user list answer must be empty: no row may leak.
 */
const none = (r) => assert.deepEqual(r.body.user, [], 'no user leaks');
const CASES = [
  // SQL injection, field by field.
  ...CHECKED_FIELDS.map((f) => [`SQL injection in user.${f} is an invalid field`,
    (c) => post(c.app, CREATE, { user: newUser('sqli.user', 'pb.demo', { [f]: SQLI }) }, c.tokens.gpDemo), 400, FIELD_CODE[f] ?? 'InvalidField',
    (r) => assert.deepEqual(r.body.Errors[0].params, [`user.${f}`])]),
  ['SQL injection in user.tenantId is out of the caller\'s reach',
    (c) => post(c.app, CREATE, { user: newUser('sqli.user', 'pb.demo', { tenantId: SQLI }) }, c.tokens.gpDemo), 401, 'CustomException'],
  ['SQL injection in a role code is an invalid field',
    (c) => post(c.app, CREATE, { user: newUser('sqli.user', 'pb.demo', { roles: [{ code: SQLI }] }) }, c.tokens.gpDemo), 400, 'InvalidField'],
  ['SQL injection in a role tenantId is out of the caller\'s reach',
    (c) => post(c.app, CREATE, { user: newUser('sqli.user', 'pb.demo', { roles: [{ code: 'X', tenantId: SQLI }] }) }, c.tokens.gpDemo), 401, 'CustomException'],
  ['SQL injection in a bulk user\'s userName names Users[1]',
    (c) => post(c.app, BULK, { Users: [newUser('fine.user'), newUser(SQLI)] }, c.tokens.gpDemo), 400, 'InvalidField',
    (r) => assert.deepEqual(r.body.Errors[0].params, ['Users[1].userName'])],
  ['SQL injection in the search tenantId is out of the caller\'s reach', (c) => post(c.app, SEARCH, { tenantId: SQLI }, c.tokens.state), 401, 'CustomException'],
  ['SQL injection in the search userName finds no one', (c) => post(c.app, SEARCH, { tenantId: 'pb', userName: SQLI }, c.tokens.state), 200, null, none],
  ['SQL injection in the search mobileNumber finds no one', (c) => post(c.app, SEARCH, { tenantId: 'pb', mobileNumber: SQLI }, c.tokens.state), 200, null, none],
  ['SQL injection in the search emailId finds no one', (c) => post(c.app, SEARCH, { tenantId: 'pb', emailId: SQLI }, c.tokens.state), 200, null, none],
  ['SQL injection in the search uuid list finds no one', (c) => post(c.app, SEARCH, { tenantId: 'pb', uuid: [SQLI, "') OR 1=1 --"] }, c.tokens.state), 200, null, none],
  ['SQL injection in the search roleCodes finds no one', (c) => post(c.app, SEARCH, { tenantId: 'pb', roleCodes: [SQLI] }, c.tokens.state), 200, null, none],
  ['SQL injection in the search userType is an invalid field', (c) => post(c.app, SEARCH, { tenantId: 'pb', userType: SQLI }, c.tokens.state), 400, 'InvalidUserSearchCriteriaException'],
  ['SQL injection in the login username is an invalid login', (c) => login(c.app, SQLI), 400, 'InvalidCredentials'],
  ['SQL injection in the login tenantId is an invalid login', (c) => login(c.app, 'clerk.demo', SQLI, SQLI), 400, 'InvalidCredentials'],
  ['SQL injection in the login password of an unknown user is an invalid login', (c) => login(c.app, 'nobody', SQLI), 400, 'InvalidCredentials'],
  ['SQL injection in the login userType is an invalid request', (c) => login(c.app, 'clerk.demo', 'x', 'pb.demo', { userType: SQLI }), 400, 'InvalidRequest'],
  ['SQL injection in grant_type is an unsupported grant', (c) => token(c.app, { grant_type: SQLI }), 400, 'UnsupportedGrantType'],
  ['SQL injection in refresh_token is an invalid refresh token', (c) => token(c.app, { grant_type: 'refresh_token', refresh_token: SQLI }), 400, 'InvalidRefreshToken'],
  ['SQL injection as the id of an update is not JSON of the right type', (c) => post(c.app, UPDATE, { user: { id: '1 OR 1=1', name: 'X' } }, c.tokens.gpDemo), 400, 'JsonMappingException'],
  ['SQL injection as the uuid of an update finds no user', (c) => post(c.app, UPDATE, { user: { uuid: SQLI, name: 'Xy' } }, c.tokens.gpDemo), 400, 'UserNotFoundException'],
  // A wrong current password is a failed try at the secret: it counts into the lockout, and changes nothing else.
  ['SQL injection as the existing password is a wrong password', (c) => post(c.app, PASSWORD_UPDATE, { existingPassword: SQLI, newPassword: 'a fresh passphrase' }, c.tokens.clerkDemo), 400, 'PasswordMismatchException', null, 'a counted failure'],
  ['SQL injection as a Bearer token is unauthorized', (c) => post(c.app, SEARCH, { tenantId: 'pb' }, "' OR 1=1 --"), 401, 'Unauthorized'],

  // Sizes and content types.
  ['a 2 MiB JSON body is refused before it is parsed', (c) => post(c.app, CREATE, { user: newUser('big.user', 'pb.demo', { name: 'a'.repeat(2 << 20) }) }, c.tokens.gpDemo), 413, 'PayloadTooLarge'],
  ['a JSON body of exactly 1 MiB is read', (c) => send(c.app, SEARCH, 'application/json', sized(1 << 20), c.tokens.state), 200, null, none],
  ['a JSON body of 1 MiB and one byte is refused', (c) => send(c.app, SEARCH, 'application/json', sized((1 << 20) + 1), c.tokens.state), 413, 'PayloadTooLarge'],
  ['a 2 MiB body streamed without Content-Length is refused', (c) => send(c.app, SEARCH, 'application/json', stream(2 << 20), c.tokens.state), 413, 'PayloadTooLarge'],
  ['a 2 MiB login form is refused', (c) => send(c.app, '/user/oauth/token', 'application/x-www-form-urlencoded', `grant_type=password&username=${'a'.repeat(2 << 20)}`), 413, 'PayloadTooLarge'],
  ['a name of 900 KB in a body under the limit is an invalid field', (c) => post(c.app, CREATE, { user: newUser('long.name', 'pb.demo', { name: 'a'.repeat(900_000) }) }, c.tokens.gpDemo), 400, 'InvalidField'],
  ['JSON sent as text/plain is an unsupported media type', (c) => send(c.app, CREATE, 'text/plain', JSON.stringify({ user: newUser('plain.text') }), c.tokens.gpDemo), 415, 'UnsupportedMediaType'],
  ['a form sent to the JSON search is an unsupported media type', (c) => send(c.app, SEARCH, 'application/x-www-form-urlencoded', 'tenantId=pb', c.tokens.state), 415, 'UnsupportedMediaType'],
  ['multipart sent to the JSON search is an unsupported media type', (c) => send(c.app, SEARCH, 'multipart/form-data; boundary=x', '--x\r\n\r\n--x--', c.tokens.state), 415, 'UnsupportedMediaType'],
  ['a body without a content type is an unsupported media type', (c) => send(c.app, SEARCH, null, new Uint8Array(Buffer.from('{"tenantId":"pb"}')), c.tokens.state), 415, 'UnsupportedMediaType'],
  ['JSON sent to the form login is an unsupported media type', (c) => send(c.app, '/user/oauth/token', 'application/json', JSON.stringify({ username: 'clerk.demo', grant_type: 'password' })), 415, 'UnsupportedMediaType'],

  // JSON of the wrong shape or type.
  ['a JSON array instead of the search object is invalid JSON', (c) => send(c.app, SEARCH, 'application/json', '[{"tenantId":"pb"}]', c.tokens.state), 400, 'JsonMappingException'],
  ['a JSON array as the user is invalid JSON', (c) => post(c.app, CREATE, { user: [newUser('in.array')] }, c.tokens.gpDemo), 400, 'JsonMappingException'],
  ['an object as the bulk Users list is invalid JSON', (c) => post(c.app, BULK, { Users: { 0: newUser('in.object') } }, c.tokens.gpDemo), 400, 'JsonMappingException'],
  ['a null bulk user is invalid JSON', (c) => post(c.app, BULK, { Users: [null] }, c.tokens.gpDemo), 400, 'JsonMappingException'],
  ['a JSON null body is invalid JSON', (c) => send(c.app, SEARCH, 'application/json', 'null', c.tokens.state), 400, 'JsonMappingException'],
  ['an empty JSON body is invalid JSON', (c) => send(c.app, CREATE, 'application/json', '', c.tokens.gpDemo), 400, 'JsonParseException'],
  ['truncated JSON is invalid JSON', (c) => send(c.app, CREATE, 'application/json', '{"user":{"name":', c.tokens.gpDemo), 400, 'JsonParseException'],
  ['JSON with trailing garbage is invalid JSON', (c) => send(c.app, SEARCH, 'application/json', '{"tenantId":"pb"} DROP', c.tokens.state), 400, 'JsonParseException'],
  ['a duplicated JSON key is invalid JSON', (c) => send(c.app, SEARCH, 'application/json', '{"tenantId":"pb.demo","tenantId":"pb.other"}', c.tokens.gpDemo), 400, 'JsonMappingException'],
  ['JSON nested 100,000 deep in an unknown field is skipped without a stack overflow', (c) => send(c.app, SEARCH, 'application/json', `{"tenantId":"pb","userName":"nobody","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, c.tokens.state), 200, null, none],
  ['JSON nested 100,000 deep in a known field is invalid JSON', (c) => send(c.app, CREATE, 'application/json', `{"user":{"roles":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`, c.tokens.gpDemo), 400, 'JsonMappingException'],
  ['a pageSize given as a string is read as a number, as Jackson does', (c) => post(c.app, SEARCH, { tenantId: 'pb', pageSize: '20' }, c.tokens.state), 200, null],
  ['ids given as strings are read as numbers, as Jackson does', (c) => post(c.app, SEARCH, { tenantId: 'pb', id: ['1'] }, c.tokens.state), 200, null],
  ['active given as "yes" is invalid JSON', (c) => post(c.app, SEARCH, { tenantId: 'pb', active: 'yes' }, c.tokens.state), 400, 'JsonMappingException'],
  ['a tenantId given as a number is read as text: a tenant out of reach', (c) => post(c.app, SEARCH, { tenantId: 5 }, c.tokens.state), 401, 'CustomException'],
  ['roles given as a string are invalid JSON', (c) => post(c.app, CREATE, { user: newUser('bad.roles', 'pb.demo', { roles: 'SUPERUSER' }) }, c.tokens.gpDemo), 400, 'JsonMappingException'],
  ['a name given as an object cannot be read', (c) => post(c.app, CREATE, { user: newUser('num.name', 'pb.demo', { name: { first: 'A' } }) }, c.tokens.gpDemo), 400, 'JsonMappingException'],
  ['accountLocked given as "maybe" cannot be read', (c) => post(c.app, UPDATE, { user: { id: c.ids.clerkDemo, accountLocked: 'maybe' } }, c.tokens.gpDemo), 400, 'JsonMappingException'],
  ['RequestInfo.authToken given as a number is read as text: no such token', (c) => post(c.app, SEARCH, { RequestInfo: { authToken: 12345 }, tenantId: 'pb' }), 401, 'Unauthorized'],
  ['invalid UTF-8 in a JSON body is invalid JSON', (c) => send(c.app, CREATE, 'application/json', Buffer.from([...Buffer.from('{"user":{"name":"'), 0xff, 0xfe, ...Buffer.from('"}}')]), c.tokens.gpDemo), 400, 'JsonParseException'],
  ['a lone UTF-16 surrogate escape is invalid JSON', (c) => send(c.app, CREATE, 'application/json', '{"user":{"tenantId":"pb.demo","type":"EMPLOYEE","userName":"lone.s","name":"\\ud800"}}', c.tokens.gpDemo), 400, 'JsonParseException'],

  // Control, invisible and markup characters; null bytes.
  ['a BEL control character in a name is an invalid field', (c) => post(c.app, CREATE, { user: newUser('ctl.name', 'pb.demo', { name: 'Asha\u0007Devi' }) }, c.tokens.gpDemo), 400, 'InvalidField'],
  ['a null byte in a userName is an invalid field', (c) => post(c.app, CREATE, { user: newUser('ab\u0000cd') }, c.tokens.gpDemo), 400, 'InvalidField'],
  ['a null byte in an address is an invalid field', (c) => post(c.app, CREATE, { user: newUser('nul.addr', 'pb.demo', { permanentAddress: 'Main\u0000Road' }) }, c.tokens.gpDemo), 400, 'InvalidField'],
  ['a right-to-left override in a userName is an invalid field', (c) => post(c.app, CREATE, { user: newUser('adm\u202Ein') }, c.tokens.gpDemo), 400, 'InvalidField'],
  ['emoji as a userName are an invalid field', (c) => post(c.app, CREATE, { user: newUser('\u{1F600}\u{1F600}\u{1F600}\u{1F600}') }, c.tokens.gpDemo), 400, 'InvalidField'],
  ['a zero-width space in a mobile number is an invalid field', (c) => post(c.app, CREATE, { user: newUser('zw.mobile', 'pb.demo', { mobileNumber: '98765\u200B43210' }) }, c.tokens.gpDemo), 400, 'INVALID_MOBILE_NUMBER'],
  ['XSS as a name is an invalid field', (c) => post(c.app, CREATE, { user: newUser('xss.name', 'pb.demo', { name: XSS }) }, c.tokens.gpDemo), 400, 'InvalidField'],
  ['XSS as a userName is an invalid field', (c) => post(c.app, CREATE, { user: newUser('<img src=x onerror=alert(1)>') }, c.tokens.gpDemo), 400, 'InvalidField'],
  ['XSS in a search finds no one and comes back as JSON', (c) => post(c.app, SEARCH, { tenantId: 'pb', userName: XSS }, c.tokens.state), 200, null, none],
  ['a null byte in a search userName finds no one', (c) => post(c.app, SEARCH, { tenantId: 'pb', userName: 'clerk.demo\u0000' }, c.tokens.state), 200, null, none],
  ['a null byte in a login username is an invalid login', (c) => login(c.app, 'clerk.demo\u0000'), 400, 'InvalidCredentials'],
  ['a 300-character login username is an invalid login', (c) => login(c.app, 'a'.repeat(300)), 400, 'InvalidCredentials'],

  // Tokens.
  ['a forged token of the right shape is unauthorized', (c) => post(c.app, SEARCH, { tenantId: 'pb' }, 'ab'.repeat(32)), 401, 'Unauthorized'],
  ['a 10 KB garbage token is unauthorized', (c) => post(c.app, SEARCH, { tenantId: 'pb' }, 'x'.repeat(10_000)), 401, 'Unauthorized'],
  ['an expired token is unauthorized', (c) => post(c.app, SEARCH, { tenantId: 'pb' }, c.expired), 401, 'Unauthorized'],
  ['a refresh token used as an access token is unauthorized', (c) => post(c.app, SEARCH, { tenantId: 'pb' }, c.refresh), 401, 'Unauthorized'],
  ['Basic authentication is unauthorized', (c) => raw(c.app, SEARCH, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('sysadmin:demo-Password-1').toString('base64')}` }, body: '{"tenantId":"pb.demo"}' }), 401, 'Unauthorized'],
  ['a token with a null byte is unauthorized', (c) => post(c.app, SEARCH, { tenantId: 'pb', RequestInfo: { authToken: `${c.tokens.state}\u0000` } }), 401, 'Unauthorized'],
  ['an access token used as a refresh token is refused', (c) => token(c.app, { grant_type: 'refresh_token', refresh_token: c.tokens.state }), 400, 'InvalidRefreshToken'],
  ['logging out with a forged token is unauthorized', (c) => post(c.app, '/user/_logout', {}, 'ab'.repeat(32)), 401, 'Unauthorized'],

  // Another tenant's ids.
  ['another tenant\'s user id in an update is "not found"', (c) => post(c.app, UPDATE, { user: { id: c.ids.clerkOther, name: 'Taken Over' } }, c.tokens.gpDemo), 400, 'UserNotFoundException'],
  ['another tenant\'s uuid in an update is "not found"', (c) => post(c.app, UPDATE, { user: { uuid: USERS.clerkOther.uuid, active: false } }, c.tokens.gpDemo), 400, 'UserNotFoundException'],
  ['another tenant\'s user id in a search finds no one', (c) => post(c.app, SEARCH, { tenantId: 'pb.demo', id: [c.ids.clerkOther, c.ids.gpOther] }, c.tokens.gpDemo), 200, null, none],
  ['another user\'s id in one\'s profile update is forbidden', (c) => post(c.app, PROFILE, { user: { id: c.ids.citizenOther, name: 'Taken Over' } }, c.tokens.citizenDemo), 400, 'UserProfileUpdateDeniedException'],
  ['creating a user in another tenant is forbidden', (c) => post(c.app, CREATE, { user: newUser('intruder', 'pb.other') }, c.tokens.gpDemo), 401, 'CustomException'],
  ['an unknown tenant in a search is an invalid tenant', (c) => post(c.app, SEARCH, { tenantId: 'pb.nowhere' }, c.tokens.state), 400, 'InvalidTenant'],
  ['an unknown tenant in a create is an invalid tenant', (c) => post(c.app, CREATE, { user: newUser('nowhere.user', 'pb.nowhere') }, c.tokens.state), 400, 'InvalidTenant'],
  ['a role in an unknown tenant is an invalid tenant', (c) => post(c.app, CREATE, { user: newUser('ghost.role', 'pb.demo', { roles: [{ code: 'X', tenantId: 'pb.demo.ghost' }] }) }, c.tokens.state), 400, 'InvalidTenant'],

  // Page sizes and numbers.
  ['a negative pageSize is an invalid field', (c) => post(c.app, SEARCH, { tenantId: 'pb', pageSize: -1 }, c.tokens.state), 400, 'InvalidUserSearchCriteriaException'],
  ['a pageSize of 0 is an invalid field', (c) => post(c.app, SEARCH, { tenantId: 'pb', pageSize: 0 }, c.tokens.state), 400, 'InvalidUserSearchCriteriaException'],
  ['a pageSize of 101 is an invalid field', (c) => post(c.app, SEARCH, { tenantId: 'pb', pageSize: 101 }, c.tokens.state), 400, 'InvalidUserSearchCriteriaException'],
  ['a pageSize of 2^53+1 is an invalid field', (c) => send(c.app, SEARCH, 'application/json', '{"tenantId":"pb","pageSize":9007199254740993}', c.tokens.state), 400, 'InvalidUserSearchCriteriaException'],
  ['a pageSize beyond 64 bits is invalid JSON', (c) => send(c.app, SEARCH, 'application/json', '{"tenantId":"pb","pageSize":99999999999999999999999}', c.tokens.state), 400, 'JsonMappingException'],
  ['a fractional pageSize is cut to a whole number, as Jackson does', (c) => post(c.app, SEARCH, { tenantId: 'pb', pageSize: 1.5 }, c.tokens.state), 200, null],
  ['a negative pageNumber is an invalid field', (c) => post(c.app, SEARCH, { tenantId: 'pb', pageNumber: -1 }, c.tokens.state), 400, 'InvalidUserSearchCriteriaException'],
  ['a huge pageNumber is an invalid field', (c) => send(c.app, SEARCH, 'application/json', '{"tenantId":"pb","pageNumber":9223372036854775807}', c.tokens.state), 400, 'InvalidUserSearchCriteriaException'],

  // Paths and methods.
  ['percent-encoded ../ segments resolve inside the site, to no route', (c) => raw(c.app, '/user/%2e%2e/%2e%2e/%2e%2e/etc/passwd', { method: 'POST' }), 404, 'NotFound'],
  ['an encoded traversal to /etc/passwd is not found', (c) => raw(c.app, '/user/_search/..%2f..%2f..%2fetc%2fpasswd', { method: 'POST' }), 404, 'NotFound'],
  ['a traversal out of the site is not found', (c) => raw(c.app, '/..%2f..%2fCargo.toml', { method: 'GET' }), 404, 'NotFound'],
  ['a route with a trailing slash is not found', (c) => raw(c.app, '/user/_search/', { method: 'POST' }), 404, 'NotFound'],
  ['a route in capitals is not found', (c) => raw(c.app, '/USER/_SEARCH', { method: 'POST' }), 404, 'NotFound'],
  ['an encoded null byte in a route is not found', (c) => raw(c.app, '/user/_search%00', { method: 'POST' }), 404, 'NotFound'],
  ['GET on the search is not allowed', (c) => raw(c.app, `${SEARCH}?tenantId=pb`, { method: 'GET', headers: { authorization: `Bearer ${c.tokens.state}` } }), 405, 'MethodNotAllowed'],
  ['GET on the login, with credentials in the query, is not allowed', (c) => raw(c.app, '/user/oauth/token?grant_type=password&username=sysadmin&password=demo-Password-1&tenantId=pb.demo', { method: 'GET' }), 405, 'MethodNotAllowed'],
  ['PUT on the create is not allowed', (c) => send(c.app, CREATE, 'application/json', JSON.stringify({ user: newUser('put.user') }), c.tokens.gpDemo, 'PUT'), 405, 'MethodNotAllowed'],
  ['DELETE on the update is not allowed', (c) => raw(c.app, UPDATE, { method: 'DELETE' }), 405, 'MethodNotAllowed'],
  ['PATCH on the password update is not allowed', (c) => send(c.app, PASSWORD_UPDATE, 'application/json', '{}', c.tokens.clerkDemo, 'PATCH'), 405, 'MethodNotAllowed'],
  ['an unknown user route is not found', (c) => post(c.app, '/user/users/_delete', { user: { id: 1 } }, c.tokens.sys), 404, 'NotFound'],
  ['an unknown top-level route is not found', (c) => raw(c.app, '/admin/../../api/v1/users', { method: 'POST' }), 404, 'NotFound'],

  // Missing fields.
  ['a login without grant_type is an invalid request', (c) => token(c.app, { username: 'clerk.demo', password: 'x', tenantId: 'pb.demo' }), 400, 'InvalidRequest'],
  ['a login without a password is an invalid request', (c) => token(c.app, { grant_type: 'password', username: 'clerk.demo', tenantId: 'pb.demo' }), 400, 'InvalidRequest'],
  ['a login without a tenantId is an invalid request', (c) => token(c.app, { grant_type: 'password', username: 'clerk.demo', password: 'x' }), 400, 'InvalidRequest'],
  ['a search without a tenantId is DIGIT\'s invalid criteria', (c) => post(c.app, SEARCH, {}, c.tokens.state), 400, 'InvalidUserSearchCriteriaException'],
  ['a create without a user is DIGIT\'s invalid create', (c) => post(c.app, CREATE, { RequestInfo: {} }, c.tokens.gpDemo), 400, 'InvalidUserCreateException'],
  ['a password update without a new password is DIGIT\'s invalid request', (c) => post(c.app, PASSWORD_UPDATE, { existingPassword: 'demo-Password-1' }, c.tokens.clerkDemo), 400, 'InvalidLoggedInUserUpdatePasswordRequestException'],
];

test(`${CASES.length} malformed or hostile requests each get the right 4xx (or an empty answer) and change nothing in D1`, async (t) => {
  const app = await spawnApp(t);
  const { tokens, ids } = await seedWorld(t, app);
  // An expired session and a refresh token, made before the snapshot.
  const old = (await login(app, 'clerk.demo')).body;
  await rows(app, `UPDATE sessions SET expires_at = 0 WHERE token_hash = '${sha256(old.access_token)}'`);
  const c = { app, tokens, ids, expired: old.access_token, refresh: old.refresh_token };
  let before = await snapshot(app);
  for (const [what, request, status, code, check, counted] of CASES) {
    await t.test(what, async () => {
      const r = await request(c);
      const after = await snapshot(app);
      const was = before;
      before = after; // a row that fails by changing D1 must not fail the rows after it
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/, `${what}: the answer is JSON`);
      if (status >= 400) assertError(r, status, code, what);
      else assert.equal(r.status, status, `${what}: ${r.raw.slice(0, 300)}`);
      await check?.(r);
      if (counted) {
        const added = after.login_failures.filter((f) => !was.login_failures.some((w) => JSON.stringify(w) === JSON.stringify(f)));
        assert.equal(added.length, 1, `${what}: one failed try is counted`);
        assert.deepEqual({ ...after, login_failures: was.login_failures }, was, `${what}: D1 changed beyond the count`);
      } else {
        assert.deepEqual(after, was, `${what}: D1 changed`);
      }
    });
  }
});

test('SQL injection and XSS in free-text fields are stored and answered verbatim as JSON data, and every table survives', async (t) => {
  const app = await spawnApp(t);
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const user = newUser('free.text', 'pb.demo', {
    password: SQLI, permanentAddress: SQLI, permanentCity: XSS, correspondenceAddress: "Robert'); DROP TABLE user_roles;--",
    correspondenceCity: '"; DELETE FROM sessions; --', roles: [{ code: 'EMPLOYEE', name: XSS }],
  });
  const r = await post(app, CREATE, { user }, tokens.gpDemo);
  assert.equal(r.status, 200, r.raw);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const [u] = r.body.user;
  assert.equal(u.permanentAddress, SQLI);
  assert.equal(u.permanentCity, XSS);
  assert.equal(u.roles[0].name, XSS);
  const [row] = await rows(app, "SELECT permanent_address, permanent_city, correspondence_address, correspondence_city FROM users WHERE user_name = 'free.text'");
  assert.deepEqual(row, { permanent_address: SQLI, permanent_city: XSS, correspondence_address: user.correspondenceAddress,
    correspondence_city: user.correspondenceCity });
  const counts = await rows(app, `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM user_roles) AS roles,
    (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM tenants) AS tenants`);
  assert.deepEqual(counts, [{ users: 11, roles: 11, sessions: 2, tenants: 4 }]);
  assert.equal((await login(app, 'free.text', SQLI)).status, 200, 'a password with SQL in it works as a password');
});
