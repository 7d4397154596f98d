// A stand-in for the SMS and email providers, on 127.0.0.1: it speaks MSG91's Flow API, Twilio's Messages API
// and SendGrid's mail/send, checks their authentication as they do, records what it received, and can be
// told to misbehave: refuse, be down (reset every connection), answer 429 or 500, or be slow; recipients it
// is told to spare are accepted whatever it does to the others (unless it is down).

import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';

export const MSG91_KEY = 'test-msg91-authkey';
export const TWILIO_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TWILIO_TOKEN = 'test-twilio-auth-token';
export const SENDGRID_KEY = 'SG.test-sendgrid-key';

/**
 * Starts the server; stops when `t` ends. Returns { url, received, mode, vars(provider) }.
 * mode(m, { spare }): 'ok' | 'refuse' | 'down' | 'every-other-429' | 'fail-first-500' | 'always-500' | 'slow' |
 * 'bad-auth'; `spare` lists recipients (as the provider reads them, e.g. MSG91's '919876540003') that are
 * accepted in every mode but 'down'.
 */
export async function providerServer(t) {
  const received = []; // every request that was answered 2xx by the provider: { provider, to, body, fields }
  const attempts = []; // every request, whatever the answer
  let mode = 'ok';
  let spared = new Set();
  let count = 0;
  const seen = new Map(); // recipient -> requests so far (for fail-first-500)
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { raw += c; });
    req.on('end', () => handle(req, res, raw));
  });

  function reply(res, status, body) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  function handle(req, res, raw) {
    count += 1;
    if (mode === 'down') { req.socket.destroy(); return; }
    const path = req.url.split('?')[0];
    let provider; let to; let fields;
    if (req.method === 'POST' && /^\/api\/v5\/flow\/?$/.test(path)) {
      provider = 'msg91';
      if (req.headers.authkey !== MSG91_KEY) return reply(res, 401, { type: 'error', message: 'AuthenticationFailure', code: '401' });
      try { fields = JSON.parse(raw); } catch { return reply(res, 400, { type: 'error', message: 'invalid JSON' }); }
      if (!fields.template_id || !Array.isArray(fields.recipients) || fields.recipients.length !== 1) {
        return reply(res, 200, { type: 'error', message: 'template_id and one recipient are required', code: '101' });
      }
      to = fields.recipients[0].mobiles;
    } else if (req.method === 'POST' && path === `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`) {
      provider = 'twilio';
      const auth = `Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString('base64')}`;
      if (req.headers.authorization !== auth) return reply(res, 401, { code: 20003, message: 'Authentication Error', status: 401 });
      fields = Object.fromEntries(new URLSearchParams(raw));
      if (!fields.To || !(fields.From || fields.MessagingServiceSid) || !fields.Body) {
        return reply(res, 400, { code: 21604, message: 'To, From and Body are required', status: 400 });
      }
      to = fields.To;
    } else if (req.method === 'POST' && path === '/v3/mail/send') {
      provider = 'sendgrid';
      if (req.headers.authorization !== `Bearer ${SENDGRID_KEY}`) return reply(res, 401, { errors: [{ message: 'unauthorized' }] });
      try { fields = JSON.parse(raw); } catch { return reply(res, 400, { errors: [{ message: 'invalid JSON' }] }); }
      to = fields.personalizations?.[0]?.to?.[0]?.email;
    } else {
      return reply(res, 404, { message: 'no such route' });
    }
    attempts.push({ provider, to, fields, at: Date.now() });
    const n = (seen.get(to) ?? 0) + 1;
    seen.set(to, n);
    if (spared.has(to)) return accept();
    if (mode === 'refuse') {
      if (provider === 'msg91') return reply(res, 200, { type: 'error', message: 'Invalid mobile number', code: '202' });
      if (provider === 'twilio') return reply(res, 400, { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 });
      return reply(res, 400, { errors: [{ message: 'invalid email' }] });
    }
    if (mode === 'every-other-429' && count % 2 === 0) return reply(res, 429, { code: 20429, message: 'Too Many Requests', status: 429 });
    if (mode === 'fail-first-500' && n === 1) return reply(res, 500, { message: 'internal error' });
    if (mode === 'always-500') return reply(res, 500, { message: 'internal error' });
    if (mode === 'slow') return setTimeout(accept, 1500);
    return accept();

    function accept() {
      received.push({ provider, to, fields, at: Date.now() });
      if (provider === 'msg91') return reply(res, 200, { type: 'success', message: randomBytes(12).toString('hex') });
      if (provider === 'twilio') return reply(res, 201, { sid: `SM${randomBytes(16).toString('hex')}`, status: 'queued', to, error_code: null });
      res.writeHead(202, { 'x-message-id': randomBytes(8).toString('hex') });
      return res.end();
    }
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  t.after(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  return {
    url,
    received,
    attempts,
    mode: (m, { spare = [] } = {}) => { mode = m; spared = new Set(spare); },
    /** Requests that reached the server, answered or not (a `down` server resets them all). */
    hits: () => count,
    /** Forgets what was received (between benchmark runs). */
    reset: () => { received.length = 0; attempts.length = 0; seen.clear(); count = 0; },
    /** The Worker's vars that send every message here through `provider` (msg91 or twilio), with fast retries. */
    vars(provider = 'msg91', extra = {}) {
      return {
        SMS_PROVIDER: provider,
        MSG91_API_URL: `${url}/api/v5/flow`, MSG91_AUTH_KEY: MSG91_KEY,
        TWILIO_API_URL: url, TWILIO_ACCOUNT_SID: TWILIO_SID, TWILIO_AUTH_TOKEN: TWILIO_TOKEN, TWILIO_FROM: 'ENROLX',
        EMAIL_PROVIDER: 'sendgrid', SENDGRID_API_URL: url, SENDGRID_API_KEY: SENDGRID_KEY,
        SMS_RETRY_BASE_SECONDS: '1', SMS_RETRY_MAX_SECONDS: '2', SMS_TIMEOUT_MS: '8000', SMS_LEASE_SECONDS: '15',
        ...extra,
      };
    },
  };
}

/** Polls `check` (async, returns truthy when done) every 200 ms for at most `ms`; returns its last value. */
export async function until(check, ms = 30_000, what = 'the condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
