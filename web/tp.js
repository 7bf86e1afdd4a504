/* Touchpoint tracking snippet, served by `touchpoint serve` at /tp.js.
 * Embed (docs/TRACKING.md):
 *   <script>window.touchpoint={q:[],key:"WRITE_KEY"};</script>
 *   <script async src="https://YOUR-SERVER/tp.js"></script>
 * Sets a first-party anonymous id cookie; sends page views (url, referrer,
 * title; UTM and click ids ride in the url), outbound link clicks, file
 * downloads, scroll depth and time on page; exposes
 * touchpoint.identify/track/page. Calls go to this script's own server. */
(function (w, d) {
  "use strict";
  var cfg = w.touchpoint || {};
  if (cfg.loaded) return;
  var script = d.currentScript || d.querySelector('script[src$="/tp.js"]');
  var base = cfg.endpoint || (script ? script.src.replace(/\/tp\.js(\?.*)?$/, "") : "");
  var key = cfg.key || "";
  var COOKIE = "tp_aid", DAYS = 730;
  var downloads = /\.(pdf|zip|docx?|xlsx?|pptx?|csv|txt|rtf|key|pages|numbers|dmg|exe|msi|mp4|mov|mp3)$/i;

  function uuid() {
    if (w.crypto && w.crypto.randomUUID) return w.crypto.randomUUID();
    var b = new Uint8Array(16);
    w.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function readCookie(name) {
    var m = d.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : null;
  }
  function writeCookie(name, value) {
    var secure = location.protocol === "https:" ? "; Secure" : "";
    d.cookie = name + "=" + encodeURIComponent(value) + "; Max-Age=" + DAYS * 86400 +
      "; Path=/; SameSite=Lax" + secure;
  }
  var anonymousId = readCookie(COOKIE) || uuid();
  writeCookie(COOKIE, anonymousId);   /* refreshed on every page: first-party cookies expire */
  var userId = null;

  function context() {
    return { page: { url: location.href, referrer: d.referrer, title: d.title, path: location.pathname },
             userAgent: navigator.userAgent, library: { name: "touchpoint.js", version: "1" } };
  }
  function send(type, body, beacon) {
    body.type = type;
    body.messageId = uuid();
    body.timestamp = new Date().toISOString();
    body.anonymousId = anonymousId;
    if (userId) body.userId = userId;
    body.context = context();
    var url = base + "/v1/" + type + "?writeKey=" + encodeURIComponent(key);
    var text = JSON.stringify(body);
    /* Leaving the page: a beacon survives the unload; it cannot set headers,
     * hence the key in the query. */
    if (beacon && navigator.sendBeacon &&
        navigator.sendBeacon(url, new Blob([text], { type: "text/plain" }))) return;
    try {
      fetch(url, { method: "POST", body: text, keepalive: true, headers: { "Content-Type": "text/plain" } });
    } catch (e) { /* tracking never breaks the page */ }
  }

  var api = {
    loaded: true,
    anonymousId: function () { return anonymousId; },
    page: function (name, properties) {
      send("page", { name: name || undefined, properties: properties || { url: location.href, title: d.title } });
    },
    track: function (event, properties, beacon) {
      send("track", { event: event, properties: properties || {} }, beacon);
    },
    identify: function (id, traits) {
      if (id && typeof id === "object") { traits = id; id = null; }
      if (id) userId = String(id);
      send("identify", { traits: traits || {} });
    }
  };

  /* Outbound links and downloads, for clicks anywhere on the page. */
  d.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("a[href]") : null;
    if (!a) return;
    var u;
    try { u = new URL(a.href, location.href); } catch (err) { return; }
    if (downloads.test(u.pathname))
      api.track("File Downloaded", { url: u.href, asset: u.pathname.split("/").pop() }, true);
    else if (u.host && u.host !== location.host && /^https?:$/.test(u.protocol))
      api.track("Outbound Link Clicked", { url: u.href }, true);
  }, true);

  /* Forms posted to the server (/v1/forms/NAME) carry the visitor's id and
   * the page, so that the submission joins this browser's history. */
  d.addEventListener("submit", function (e) {
    var f = e.target;
    if (!f || !f.action || f.action.indexOf("/v1/forms/") < 0) return;
    [["anonymousId", anonymousId], ["page_url", location.href]].forEach(function (kv) {
      if (f.elements[kv[0]]) return;
      var input = d.createElement("input");
      input.type = "hidden"; input.name = kv[0]; input.value = kv[1];
      f.appendChild(input);
    });
  }, true);

  /* Scroll depth: 25, 50, 75 and 100 %, once each per page. */
  var marks = [25, 50, 75, 100], reached = 0;
  w.addEventListener("scroll", function () {
    var h = d.documentElement, seen = (w.scrollY + w.innerHeight) / Math.max(h.scrollHeight, 1) * 100;
    while (reached < marks.length && seen >= marks[reached] - 0.5) {
      api.track("Scroll Depth Reached", { percent: marks[reached] });
      reached++;
    }
  }, { passive: true });

  /* Time on page: visible time, sent when the page is hidden or left. */
  var visibleSince = d.visibilityState === "visible" ? Date.now() : 0, visibleMs = 0;
  function flushTime() {
    if (visibleSince) { visibleMs += Date.now() - visibleSince; visibleSince = 0; }
    if (visibleMs >= 1000) {
      api.track("Page Engaged", { seconds: Math.round(visibleMs / 1000), scroll_percent: reached ? marks[reached - 1] : 0 }, true);
      visibleMs = 0;
    }
  }
  d.addEventListener("visibilitychange", function () {
    if (d.visibilityState === "hidden") flushTime(); else visibleSince = Date.now();
  });
  w.addEventListener("pagehide", flushTime);

  /* Calls made before the script loaded: touchpoint.q = [["track", "X", {...}], ...]. */
  var queued = cfg.q || [];
  for (var k in api) cfg[k] = api[k];
  w.touchpoint = cfg;
  if (cfg.autoPage !== false) api.page();
  for (var i = 0; i < queued.length; i++) {
    var c = queued[i];
    if (api[c[0]]) api[c[0]].apply(null, c.slice(1));
  }
})(window, document);
