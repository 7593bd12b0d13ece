// Sign-in for the audit form and the lead console. GET /config.json says
// how: {"mode":"dev"} locally (the page keeps its #token= links and the
// pasted token), or {"mode":"cognito", domain, clientId, redirectUri} in
// AWS, where the Cognito managed login signs people in with the OAuth 2.0
// authorization code flow and PKCE (RFC 7636, S256). The ID token is what
// the HTTP API's authorizer checks; it is renewed with the refresh token
// RENEW_MARGIN_S before it expires, and sign-out ends the managed login's
// session too (/logout).
//
//   const session = await startAuth({ onToken: (idToken) => ... });
//   session.mode              'dev' or 'cognito'
//   await session.signIn()    leaves the page for the managed login
//   session.signOut()         forgets the tokens and leaves for /logout
//   await session.token()     the current ID token ('' when signed out)

const TOKENS_KEY = 'ta.auth';
// The verifier and state live in sessionStorage: only the tab that left
// for the managed login may redeem the code it brings back.
const PENDING_KEY = 'ta.auth.pending';
// RENEW_MARGIN_S: renew 5 minutes before the ID token expires, so a walk
// submitted just then never carries an expired token.
export const RENEW_MARGIN_S = 300;
// RETRY_S: a failed renewal (offline) is tried again this often.
const RETRY_S = 30;
const SCOPES = 'openid email profile';

function b64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(n) {
  return b64url(crypto.getRandomValues(new Uint8Array(n)));
}

// pkce makes a code verifier (43 characters of 32 random bytes) and its
// S256 challenge.
export async function pkce() {
  const verifier = randomString(32);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: b64url(new Uint8Array(digest)) };
}

function load() {
  try { return JSON.parse(localStorage.getItem(TOKENS_KEY) || 'null'); } catch { return null; }
}

function save(t) {
  if (t) localStorage.setItem(TOKENS_KEY, JSON.stringify(t));
  else localStorage.removeItem(TOKENS_KEY);
}

async function loadConfig() {
  // The form's page asked already (index.html's early script): once.
  const early = globalThis.taEarly && globalThis.taEarly.config;
  if (early) globalThis.taEarly.config = null;
  try {
    const res = await (early || fetch('/config.json', { cache: 'no-store' }));
    if (res && res.ok) return await res.json();
  } catch { /* offline: dev mode unless tokens say otherwise */ }
  return null;
}

export async function startAuth({ onToken = () => {} } = {}) {
  let cfg = await loadConfig();
  if (!cfg) {
    // Offline at start: a stored Cognito session keeps working until it
    // can be renewed.
    const t = load();
    cfg = t && t.cfg ? t.cfg : { mode: 'dev' };
  }
  if (cfg.mode !== 'cognito') return { mode: 'dev', token: async () => '' };
  const base = cfg.domain.replace(/\/$/, '');
  let timer = 0;

  async function tokenRequest(params) {
    const res = await fetch(`${base}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: cfg.clientId, ...params }),
    });
    if (!res.ok) {
      const err = new Error(`token endpoint: HTTP ${res.status}`);
      err.status = res.status;
      throw err;
    }
    return res.json();
  }

  function keep(r, refreshToken) {
    const t = {
      cfg,
      idToken: r.id_token,
      accessToken: r.access_token,
      refreshToken: r.refresh_token || refreshToken,
      expiresAt: Date.now() + (r.expires_in || 3600) * 1000,
    };
    save(t);
    onToken(t.idToken);
    schedule(t);
    return t;
  }

  function schedule(t) {
    clearTimeout(timer);
    if (!t || !t.refreshToken) return;
    const wait = Math.max(0, t.expiresAt - RENEW_MARGIN_S * 1000 - Date.now());
    timer = setTimeout(renew, wait);
  }

  async function renew() {
    const t = load();
    if (!t || !t.refreshToken) return null;
    try {
      return keep(await tokenRequest({ grant_type: 'refresh_token', refresh_token: t.refreshToken }), t.refreshToken);
    } catch (err) {
      if (err.status === 400 || err.status === 401) {
        // The refresh token was revoked or expired: sign in again.
        save(null);
        onToken('');
        return null;
      }
      clearTimeout(timer);
      timer = setTimeout(renew, RETRY_S * 1000);
      return t;
    }
  }

  // The managed login came back with ?code=…&state=…: redeem the code with
  // this tab's verifier.
  const params = new URLSearchParams(location.search);
  if (params.has('code') || params.has('error')) {
    let pending = null;
    try { pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null'); } catch { pending = null; }
    sessionStorage.removeItem(PENDING_KEY);
    history.replaceState(null, '', `${location.pathname}${(pending && pending.hash) || ''}`);
    if (pending && params.get('state') === pending.state && params.has('code')) {
      try {
        keep(await tokenRequest({ grant_type: 'authorization_code', code: params.get('code'), redirect_uri: cfg.redirectUri, code_verifier: pending.verifier }));
      } catch { save(null); }
    }
  }

  let current = load();
  if (current && current.cfg && current.cfg.clientId !== cfg.clientId) current = null;
  if (current) {
    if (current.expiresAt - RENEW_MARGIN_S * 1000 <= Date.now()) current = await renew();
    else schedule(current);
  }
  if (current) onToken(current.idToken);

  return {
    mode: 'cognito',
    async signIn() {
      const { verifier, challenge } = await pkce();
      const state = randomString(16);
      sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, hash: location.hash }));
      const q = new URLSearchParams({
        response_type: 'code', client_id: cfg.clientId, redirect_uri: cfg.redirectUri, scope: SCOPES,
        state, code_challenge: challenge, code_challenge_method: 'S256',
      });
      location.assign(`${base}/oauth2/authorize?${q}`);
    },
    signOut() {
      clearTimeout(timer);
      save(null);
      onToken('');
      const q = new URLSearchParams({ client_id: cfg.clientId, logout_uri: cfg.redirectUri });
      location.assign(`${base}/logout?${q}`);
    },
    async token() {
      const t = load();
      if (!t) return '';
      if (t.expiresAt - RENEW_MARGIN_S * 1000 <= Date.now()) {
        const r = await renew();
        return r ? r.idToken : '';
      }
      return t.idToken;
    },
  };
}
