// The outbox: every write the form makes (start a walk, save a draft,
// submit, answer a promise check) goes through a queue kept in
// localStorage, so a phone in a branch basement loses nothing. The queue is
// sent in order when the browser is online, after an 'online' event, and on
// retries with exponential backoff. A submit keeps its submissionId across
// retries (the API is idempotent), and only its clientSentAt changes: the
// server shifts client stamps by serverNow − clientSentAt, so the time the
// request really left the phone keeps a walk queued for hours honest.

const QUEUE_KEY = 'ta.queue';
// Backoff: 1 s doubling to at most a minute, so a phone that comes back
// online is caught quickly and a dead server is not hammered.
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 60000;

export class AuthError extends Error {}

// ApiError is an answer the server gave that a retry will not change.
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.fields = e.fields || [];
  }
}

// RetryError is a failure worth retrying: no network, a timeout, a 5xx.
export class RetryError extends Error {}

// api calls the HTTP API with the bearer token and classifies failures.
export async function api(token, method, path, body) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (err) {
    throw new RetryError(String(err && err.message || err));
  }
  let data = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (res.ok) return data;
  if (res.status === 401) throw new AuthError('unauthorized');
  if (res.status >= 500 || res.status === 408 || res.status === 429) throw new RetryError(`HTTP ${res.status}`);
  throw new ApiError(res.status, data);
}

function load() {
  try {
    const q = JSON.parse(localStorage.getItem(QUEUE_KEY) || '[]');
    return Array.isArray(q) ? q : [];
  } catch {
    return [];
  }
}

function save(q) {
  localStorage.setItem(QUEUE_KEY, JSON.stringify(q));
}

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export { newId as uuid };

// Outbox sends queued writes. send(item) performs one write and returns the
// server's answer; it throws RetryError, AuthError or ApiError.
export class Outbox {
  constructor({ send, onChange, onDone, onRejected, onAuth }) {
    this.send = send;
    this.onChange = onChange || (() => {});
    this.onDone = onDone || (() => {});
    this.onRejected = onRejected || (() => {});
    this.onAuth = onAuth || (() => {});
    this.busy = false;
    this.blockedByAuth = false;
    window.addEventListener('online', () => {
      // Back online: everything is due now, whatever its backoff said.
      save(load().map((it) => ({ ...it, nextAt: 0 })));
      this.flush();
    });
    window.addEventListener('offline', () => this.onChange());
    // A second tab's writes show up here too.
    window.addEventListener('storage', (e) => { if (e.key === QUEUE_KEY) this.onChange(); });
    setInterval(() => this.flush(), 1000);
  }

  items() { return load(); }

  count() { return load().length; }

  // add queues a write. A draft replaces any queued draft of the same
  // assignment (its body is built when it is sent, from the latest state).
  add(item) {
    let q = load();
    if (item.kind === 'draft' && q.some((it) => it.kind === 'draft' && it.assignmentId === item.assignmentId)) {
      return;
    }
    if (item.kind === 'submit') {
      // The submission carries the whole walk: queued drafts are moot.
      q = q.filter((it) => !(it.kind === 'draft' && it.assignmentId === item.assignmentId));
    }
    q.push({ id: newId(), attempts: 0, nextAt: 0, ...item });
    save(q);
    this.onChange();
    this.flush();
  }

  // drop removes queued writes that match pred (a draft made moot).
  drop(pred) {
    const q = load();
    const keep = q.filter((it) => !pred(it));
    if (keep.length !== q.length) {
      save(keep);
      this.onChange();
    }
  }

  resumeAfterSignIn() {
    this.blockedByAuth = false;
    this.flush();
  }

  // flush sends due writes in order, stopping at the first that must wait,
  // so a submit never overtakes the start queued before it.
  async flush() {
    if (this.busy || this.blockedByAuth || !navigator.onLine) return;
    this.busy = true;
    try {
      for (;;) {
        const item = load()[0];
        if (!item || item.nextAt > Date.now() || !navigator.onLine) break;
        let result;
        try {
          result = await this.send(item);
        } catch (err) {
          if (err instanceof RetryError) {
            this.update(item.id, (it) => {
              it.attempts += 1;
              const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (it.attempts - 1));
              it.nextAt = Date.now() + delay * (0.8 + Math.random() * 0.4);
              it.lastError = err.message;
            });
            break;
          }
          if (err instanceof AuthError) {
            this.blockedByAuth = true;
            this.onAuth();
            break;
          }
          this.remove(item.id);
          this.onRejected(item, err);
          continue;
        }
        this.remove(item.id);
        this.onDone(item, result);
      }
    } finally {
      this.busy = false;
      this.onChange();
    }
  }

  update(id, fn) {
    const q = load();
    const it = q.find((x) => x.id === id);
    if (it) {
      fn(it);
      save(q);
      this.onChange();
    }
  }

  remove(id) {
    save(load().filter((x) => x.id !== id));
    this.onChange();
  }
}
