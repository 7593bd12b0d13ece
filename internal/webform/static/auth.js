// Sign-in for the audit form (/) and the lead console (/console/). GET
// /config.json says how: {"mode":"dev"} locally (the pages keep their
// #token= links and the pasted token), or {"mode":"cognito", domain,
// clientId, redirectUri, consoleRedirectUri} in AWS, where the Cognito
// managed login signs people in with the OAuth 2.0 authorization code flow
// and PKCE (RFC 7636, S256). Each page has its own callback URL (the form's
// redirectUri, the console's consoleRedirectUri) and keeps its own tokens.
// The ID token is what the HTTP API's authorizer checks (it alone carries
// custom:staffId and custom:companyId); it is renewed with the refresh
// token RENEW_MARGIN_S before it expires, and sign-out ends the managed
// login's session too (/logout), which returns to the page.
//
//   const session = await startAuth({ page: 'console', onToken: (idToken) => ... });
//   session.mode              'dev' or 'cognito'
//   session.error             null, or { code, detail } when the sign-in that
//                             just came back failed: code 'oauth' (the managed
//                             login answered an error), 'state' (the answer
//                             is not this tab's), 'refused' (the token
//                             endpoint refused the code)
//   session.signedOut         true when the page is back from signing out
//   await session.signIn()    leaves the page for the managed login
//   session.signOut()         forgets the tokens and leaves for /logout
//   await session.token()     the current ID token ('' when signed out)
//   await session.renew()     a new ID token now ('' when it cannot be had):
//                             after a 401, before trying the request again

// RENEW_MARGIN_S: renew 5 minutes before the ID token expires, so a walk
// submitted just then never carries an expired token.
export const RENEW_MARGIN_S = 300;
// RETRY_S: a failed renewal (offline) is tried again this often.
const RETRY_S = 30;
const SCOPES = 'openid email profile';

// keys are the page's storage keys: the form keeps its original ones.
function keys(page) {
  const base = page === 'form' ? 'ta.auth' : `ta.auth.${page}`;
  return {
    tokens: base,
    // The verifier and state live in sessionStorage: only the tab that left
    // for the managed login may redeem the code it brings back.
    pending: `${base}.pending`,
    signedOut: `${base}.signedOut`,
  };
}

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

async function loadConfig() {
  // The form's page asked already (index.html's early script), once, and
  // decoded the answer as it came (null when there was none).
  const early = globalThis.taEarly && globalThis.taEarly.config;
  if (early) {
    globalThis.taEarly.config = null;
    return early;
  }
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (res && res.ok) return await res.json();
  } catch { /* offline: dev mode unless tokens say otherwise */ }
  return null;
}

export async function startAuth({ page = 'form', onToken = () => {} } = {}) {
  const K = keys(page);
  const load = () => { try { return JSON.parse(localStorage.getItem(K.tokens) || 'null'); } catch { return null; } };
  const save = (t) => { if (t) localStorage.setItem(K.tokens, JSON.stringify(t)); else localStorage.removeItem(K.tokens); };

  let cfg = await loadConfig();
  if (!cfg) {
    // Offline at start: a stored Cognito session keeps working until it
    // can be renewed.
    const t = load();
    cfg = t && t.cfg ? t.cfg : { mode: 'dev' };
  }
  if (cfg.mode !== 'cognito') return { mode: 'dev', error: null, signedOut: false, token: async () => '', renew: async () => '' };
  const base = cfg.domain.replace(/\/$/, '');
  const redirectUri = page === 'form' ? cfg.redirectUri : cfg[`${page}RedirectUri`];
  let timer = 0;
  let renewing = null;

  async function tokenRequest(params) {
    const res = await fetch(`${base}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: cfg.clientId, ...params }),
    });
    if (!res.ok) {
      let body = null;
      try { body = await res.json(); } catch { /* not JSON */ }
      const err = new Error((body && body.error) || `token endpoint: HTTP ${res.status}`);
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

  // renew redeems the refresh token; requests that need it at the same time
  // share one renewal.
  function renew() {
    if (!renewing) renewing = doRenew().finally(() => { renewing = null; });
    return renewing;
  }

  async function doRenew() {
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

  let error = null;
  const signedOut = sessionStorage.getItem(K.signedOut) === '1';
  sessionStorage.removeItem(K.signedOut);

  // The managed login came back with ?code=…&state=… (or ?error=…): redeem
  // the code with this tab's verifier.
  const params = new URLSearchParams(location.search);
  if (params.has('code') || params.has('error')) {
    let pending = null;
    try { pending = JSON.parse(sessionStorage.getItem(K.pending) || 'null'); } catch { pending = null; }
    sessionStorage.removeItem(K.pending);
    history.replaceState(null, '', `${location.pathname}${(pending && pending.hash) || ''}`);
    if (params.has('error')) {
      error = { code: 'oauth', detail: params.get('error_description') || params.get('error') };
    } else if (!pending || params.get('state') !== pending.state) {
      error = { code: 'state', detail: '' };
    } else {
      try {
        keep(await tokenRequest({ grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri, code_verifier: pending.verifier }));
      } catch (err) {
        save(null);
        error = { code: 'refused', detail: err.message };
      }
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
    error,
    signedOut,
    async signIn() {
      const { verifier, challenge } = await pkce();
      const state = randomString(16);
      sessionStorage.setItem(K.pending, JSON.stringify({ verifier, state, hash: location.hash }));
      const q = new URLSearchParams({
        response_type: 'code', client_id: cfg.clientId, redirect_uri: redirectUri, scope: SCOPES,
        state, code_challenge: challenge, code_challenge_method: 'S256',
      });
      location.assign(`${base}/oauth2/authorize?${q}`);
    },
    signOut() {
      clearTimeout(timer);
      save(null);
      onToken('');
      sessionStorage.setItem(K.signedOut, '1');
      const q = new URLSearchParams({ client_id: cfg.clientId, logout_uri: redirectUri });
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
    async renew() {
      const r = await renew();
      return r && r.idToken ? r.idToken : '';
    },
  };
}
