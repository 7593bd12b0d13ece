// The service worker keeps the form's shell so it opens with no network (a
// branch basement, a train). It never touches /api/: the page queues its
// writes itself (outbox.js) and reads fall back to the page's saved copies.
// The form's page is served from the cache at once and fetched again in
// the background (stale-while-revalidate): an installed form shows its list
// a round trip sooner, and the same on a train as in the office. When the
// page fetched differs from the one shown, the page is told (a
// 'ta-new-version' message) and offers to reload: a deploy shows on the
// next load, or at once for whoever taps Reload. Other shell files are
// fetched network-first.

const CACHE = 'touchaudit-shell-v2';
const SHELL = ['./', 'index.html', 'app.js', 'auth.js', 'i18n.js', 'outbox.js', 'db.js', 'evidence.js', 'style.css', 'manifest.webmanifest', 'icons/icon.svg', 'icons/icon-192.png', 'icons/icon-512.png'];
// NETWORK_TIMEOUT_MS: a "lie-fi" connection falls back to the cache quickly.
const NETWORK_TIMEOUT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('touchaudit-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (req.mode === 'navigate' && (url.pathname === '/' || url.pathname === '/index.html')) {
    event.respondWith(cacheFirst(event, req));
    return;
  }
  event.respondWith(networkFirst(req));
});

// cacheFirst answers with the shell's page when the cache has it, and keeps
// fetching the page in the background; with nothing cached it waits for the
// network.
async function cacheFirst(event, req) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match('./');
  if (!hit) return networkFirst(req);
  event.waitUntil(revalidate(cache, hit, event.resultingClientId));
  return hit;
}

// revalidate fetches the page, keeps it for the next load, and tells the
// open pages when it is not the one they show: the page being opened too,
// which on a quick network may not be running yet (clients.get waits for
// it; its messages wait for its handler).
async function revalidate(cache, shown, clientId) {
  let res;
  try {
    res = await fetch('./', { cache: 'no-cache' });
  } catch {
    return; // offline: the cached page stays
  }
  if (!res.ok) return;
  const changed = await differs(shown, res.clone());
  await cache.put('./', res);
  if (!changed) return;
  const opening = clientId ? await self.clients.get(clientId) : null;
  const told = new Set();
  for (const c of [opening, ...await self.clients.matchAll({ type: 'window' })]) {
    if (!c || told.has(c.id)) continue;
    told.add(c.id);
    c.postMessage({ type: 'ta-new-version' });
  }
}

// differs compares two versions of the page by ETag, or by their text when
// either has none.
async function differs(a, b) {
  const ea = a.headers.get('ETag');
  const eb = b.headers.get('ETag');
  if (ea && eb) return ea !== eb;
  return (await a.clone().text()) !== (await b.text());
}

async function networkFirst(req) {
  const cache = await caches.open(CACHE);
  try {
    const res = await withTimeout(fetch(req), NETWORK_TIMEOUT_MS);
    if (res.ok) cache.put(req, res.clone());
    return res;
  } catch (err) {
    const hit = await cache.match(req, { ignoreSearch: true });
    if (hit) return hit;
    if (req.mode === 'navigate') {
      const shell = await cache.match('./');
      if (shell) return shell;
    }
    throw err;
  }
}

function withTimeout(p, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('network timeout')), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}
