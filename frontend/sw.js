// The service worker of Solidarités (issue 19): the questionnaire opens and works without
// a connection after one visit.
//
// `cargo xtask frontend` writes this file into dist/sw.js, replacing the three values
// below: the build's id, the files fetched at install (the page, the stylesheet, the main
// module and its JS, the questionnaire's modules, the manifest and icons), and every file
// of the build (each file's name carries a hash of its content, so a URL never names two
// versions). One cache per build: a new build installs beside the old one, takes over,
// then deletes it, so a page never mixes the files of two builds.
//
// Never cached: the console's API (/api/v1/admin, /api/v1/auth), anything but GET, and
// every API answer except the public lists below (campaigns and their questionnaires,
// communes): no personal data is kept by this worker.

const BUILD = "__SOLIDARITES_BUILD__";
const PRECACHE = __SOLIDARITES_PRECACHE__;
const FILES = new Set(__SOLIDARITES_FILES__);
/** The URL of this build's main JS: a page naming it belongs to this build. */
const MAIN = "__SOLIDARITES_MAIN__";

const CACHE = `solidarites-${BUILD}`;
/** Key of the page (index.html): every route of the app is this page. */
const SHELL = "/";
/** Public API answers kept for offline use (network first, then the copy kept). */
const API_KEPT = [/^\/api\/v1\/campaigns(\/[^/]+)?$/, /^\/api\/v1\/communes$/];
const COMMUNES = "/api/v1/communes";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload`: from the server, not from the browser's HTTP cache.
      const files = PRECACHE.filter((url) => url !== SHELL);
      await cache.addAll(files.map((url) => new Request(url, { cache: "reload" })));
      const page = await fetch(SHELL, { cache: "reload" });
      if (!page.ok) {
        throw new Error(`${SHELL}: ${page.status}`);
      }
      await cache.put(SHELL, shell(await page.text(), page.headers));
      // The data the questionnaire needs offline; a failure here must not stop the install.
      await Promise.allSettled([keepApi(cache, "/api/v1/campaigns", true), keepApi(cache, COMMUNES, false)]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("solidarites-") && name !== CACHE) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigation(request));
  } else if (url.pathname.startsWith("/api/")) {
    if (url.pathname === COMMUNES && url.search) {
      event.respondWith(communeSearch(request, url));
    } else if (API_KEPT.some((pattern) => pattern.test(url.pathname)) && !url.search) {
      event.respondWith(networkFirst(request, url.pathname === "/api/v1/campaigns"));
    }
  } else if (FILES.has(url.pathname + url.search)) {
    event.respondWith(cacheFirst(request));
  }
});

/** Pages: the network first (always the newest), else the page kept. */
async function navigation(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // Keep it only if it is this build's page (a newer build's page will be kept by the
    // newer worker, with its own files).
    if (response.ok) {
      const text = await response.clone().text();
      if (text.includes(MAIN)) {
        await cache.put(SHELL, shell(text, response.headers));
      }
    }
    return response;
  } catch (error) {
    const kept = await cache.match(SHELL);
    if (kept) {
      return kept;
    }
    throw error;
  }
}

/**
 * The page as kept for every route offline: without the preloads of the route it was
 * asked for (the server marks them `data-route`), which would fetch modules this worker
 * may not have kept.
 */
function shell(text, headers) {
  const kept = new Headers(headers);
  kept.delete("Content-Length");
  kept.delete("ETag");
  // Without the route's preloads and first screen (crates/server/src/first_screen.rs,
  // written last in the body): the page kept serves every route.
  const page = text
    .replace(/<link [^>]*\bdata-route>\s*/g, "")
    .replace(/<div class="premier-ecran">[\s\S]*?<\/div>\n<\/body>/, "</body>");
  return new Response(page, { headers: kept });
}

/** The build's files: the copy kept, else the network (and keep it). */
async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) {
    return kept;
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
}

/** Public API lists: the network first, else the copy kept (with a header saying so). */
async function networkFirst(request, withDetails) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
      if (withDetails) {
        // The open campaigns' questionnaires, for the questionnaire offline.
        keepDetails(cache, response.clone()).catch(() => {});
      }
    }
    return response;
  } catch (error) {
    const kept = await cache.match(request);
    if (kept) {
      return kept;
    }
    throw error;
  }
}

async function keepApi(cache, path, withDetails) {
  const response = await fetch(path, { cache: "no-store" });
  if (response.ok) {
    await cache.put(path, response.clone());
    if (withDetails) {
      await keepDetails(cache, response);
    }
  }
}

async function keepDetails(cache, listResponse) {
  const list = await listResponse.json();
  const ids = (list.campaigns || []).map((c) => c.id);
  await Promise.allSettled(
    ids.map(async (id) => {
      const path = `/api/v1/campaigns/${encodeURIComponent(id)}`;
      const response = await fetch(path, { cache: "no-store" });
      if (response.ok) {
        await cache.put(path, response);
      }
    }),
  );
}

/**
 * `/api/v1/communes?q=…` or `?postal_code=…`: the server when it answers; offline, the
 * same search over the whole list kept (accents and case ignored, as the server does).
 */
async function communeSearch(request, url) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(CACHE);
    const kept = await cache.match(COMMUNES);
    if (!kept) {
      throw error;
    }
    const all = (await kept.json()).communes || [];
    const postal = (url.searchParams.get("postal_code") || "").trim();
    const needle = fold(url.searchParams.get("q") || "");
    const communes = all.filter(
      (c) =>
        (!postal || (c.postal_codes || []).includes(postal)) &&
        (!needle || fold(c.name).includes(needle)),
    );
    return new Response(JSON.stringify({ communes }), {
      headers: { "Content-Type": "application/json" },
    });
  }
}

/** The server's `search::fold`: no accents, lower case, œ/æ spelled out, words of letters
 * and digits separated by one space. */
function fold(text) {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join(" ");
}
