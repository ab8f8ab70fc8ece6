// Live updates for the agent workspace (docs/adr/0006-live-updates.md).
//
// - An element with data-live-url opens an EventSource to it. The server ends each stream
//   after a short while with "retry: 1000"; EventSource reconnects on its own.
// - ticket-changed (by someone else) and list-changed refresh every [data-live-refresh]
//   element by triggering "live-refresh" on it (its hx-trigger).
// - notifications (sent to this user only) refresh every [data-notifications-refresh]
//   element (the header's bell, the notifications list) by triggering
//   "notifications-changed" on it.
// - presence: who else has this ticket open, rendered into #presence; with
//   [data-presence-url] we announce ourselves (viewing / replying / left).
//
// Plain ES2020, no inline script, no eval: it runs under the strict CSP.
(() => {
  "use strict";

  const LIST_DEBOUNCE_MS = 1000;
  const NOTIFICATIONS_DEBOUNCE_MS = 300; // a bulk assignment sends one message per ticket
  const HEARTBEAT_MS = 15000;
  const PRESENCE_SWEEP_MS = 5000;
  const DEFAULT_TTL_SECONDS = 30;
  const CLOSED_RETRY_MS = 30000;

  const body = document.body;
  const myId = body.dataset.userId || "";

  const parse = (text) => {
    try {
      const data = JSON.parse(text);
      return data && typeof data === "object" ? data : null;
    } catch {
      return null;
    }
  };

  const csrfToken = () => {
    const headers = parse(body.getAttribute("hx-headers") || "{}");
    return (headers && headers["X-CSRFToken"]) || "";
  };

  // -- refreshing fragments --------------------------------------------------------------

  const triggerAll = (selector, name) => {
    for (const el of document.querySelectorAll(selector)) {
      if (window.htmx) {
        window.htmx.trigger(el, name);
      } else {
        el.dispatchEvent(new CustomEvent(name, { bubbles: true }));
      }
    }
  };
  const refresh = () => triggerAll("[data-live-refresh]", "live-refresh");
  // Apart from the ticket fragments: a ticket change need not touch the bell, nor the
  // user's notifications the lists.
  const refreshNotifications = () =>
    triggerAll("[data-notifications-refresh]", "notifications-changed");
  let notificationsTimer = null;
  const refreshNotificationsSoon = () => {
    clearTimeout(notificationsTimer);
    notificationsTimer = setTimeout(refreshNotifications, NOTIFICATIONS_DEBOUNCE_MS);
  };

  let listTimer = null;
  const refreshListSoon = () => {
    clearTimeout(listTimer);
    listTimer = setTimeout(refresh, LIST_DEBOUNCE_MS);
  };

  const text = (key, fallback, vars = {}) =>
    window.frontdeskText
      ? window.frontdeskText(key, fallback, vars)
      : fallback.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));

  const announce = (message) => {
    const banner = document.getElementById("live-banner");
    if (banner) {
      banner.textContent = message;
      banner.hidden = false;
    }
    const announcer = document.getElementById("announcer");
    if (announcer) {
      // Clear first so the same words are announced again.
      announcer.textContent = "";
      setTimeout(() => {
        announcer.textContent = message;
      }, 50);
    }
  };

  // -- presence -------------------------------------------------------------------------

  const presenceHost = document.querySelector("[data-presence-url]");
  const presenceUrl = presenceHost ? presenceHost.dataset.presenceUrl : "";
  const others = new Map(); // user_id -> {name, state, expires}
  let myState = "";

  const namesList = (names) => {
    if (names.length <= 1) return names.join("");
    return `${names.slice(0, -1).join(", ")} ${text("and", "and")} ${names[names.length - 1]}`;
  };

  const renderPresence = () => {
    const now = Date.now();
    for (const [id, person] of others) {
      if (person.expires <= now) others.delete(id);
    }
    const target = document.getElementById("presence");
    if (!target) return;
    const people = [...others.values()].sort((a, b) => a.name.localeCompare(b.name));
    const parts = [];
    for (const state of ["replying", "viewing"]) {
      const names = people.filter((p) => p.state === state).map((p) => p.name);
      if (names.length) {
        const key = `${names.length > 1 ? "many" : "one"}_${state}`;
        const english = `{names} ${names.length > 1 ? "are" : "is"} ${state}`;
        parts.push(text(key, english, { names: namesList(names) }));
      }
    }
    const line = parts.join("; ");
    // Only on a change: #presence is a live region, and a rewrite may be read out again.
    if (target.textContent !== line) target.textContent = line;
    target.hidden = line === "";
  };

  const composing = () => {
    const el = document.activeElement;
    return (
      el instanceof HTMLTextAreaElement &&
      el.closest("[data-composer]") !== null &&
      el.value.trim() !== ""
    );
  };

  const sendPresence = (state, { keepalive = false, reply = false } = {}) => {
    if (!presenceUrl) return;
    myState = state;
    const form = new URLSearchParams({ state });
    if (reply) form.set("reply", "1"); // answering a newcomer: not a repeat to drop
    fetch(presenceUrl, {
      method: "POST",
      body: form,
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      keepalive,
    }).catch(() => {});
  };

  const heartbeat = (reply = false) =>
    sendPresence(composing() ? "replying" : "viewing", { reply });

  const stateMayHaveChanged = () => {
    const state = composing() ? "replying" : "viewing";
    if (state !== myState) sendPresence(state);
  };

  const onPresence = (data) => {
    if (data.user_id === undefined || String(data.user_id) === myId) return;
    const id = String(data.user_id);
    if (data.state === "left") {
      others.delete(id);
    } else {
      const newcomer = !others.has(id);
      const ttl = Number(data.ttl) > 0 ? Number(data.ttl) : DEFAULT_TTL_SECONDS;
      others.set(id, {
        name: String(data.name || ""),
        state: data.state === "replying" ? "replying" : "viewing",
        expires: Date.now() + ttl * 1000,
      });
      if (newcomer) heartbeat(true); // so the newcomer learns about us at once
    }
    renderPresence();
  };

  const liveHost = document.querySelector("[data-live-url]");
  const streaming = Boolean(liveHost) && "EventSource" in window;

  if (presenceUrl) {
    // With a stream, the first heartbeat waits for it to open (below), so the answers of
    // those already here reach us.
    if (!streaming) heartbeat();
    setInterval(() => heartbeat(), HEARTBEAT_MS);
    document.addEventListener("focusin", stateMayHaveChanged);
    document.addEventListener("focusout", () => setTimeout(stateMayHaveChanged, 0));
    document.addEventListener("input", stateMayHaveChanged);
    window.addEventListener("pagehide", () => sendPresence("left", { keepalive: true }));
  }
  if (document.getElementById("presence")) setInterval(renderPresence, PRESENCE_SWEEP_MS);

  // -- the event stream -----------------------------------------------------------------

  if (!streaming) return;
  const liveUrl = liveHost.dataset.liveUrl;

  const connect = () => {
    const source = new EventSource(liveUrl);
    // Every (re)connection: we are subscribed now, so announce ourselves; after a
    // reconnection also catch up on whatever changed while we were not listening.
    let opened = false;
    source.addEventListener("open", () => {
      heartbeat();
      if (opened) {
        refresh();
        refreshNotifications();
      }
      opened = true;
    });
    source.addEventListener("ticket-changed", (event) => {
      const data = parse(event.data);
      if (!data || String(data.actor_id) === myId) return;
      refresh();
      announce(data.actor_name ? text("updated_by", "Updated by {name}", { name: data.actor_name }) : text("updated", "Updated"));
    });
    source.addEventListener("list-changed", refreshListSoon);
    source.addEventListener("notifications", refreshNotificationsSoon);
    source.addEventListener("presence", (event) => {
      const data = parse(event.data);
      if (data) onPresence(data);
    });
    source.addEventListener("error", () => {
      // EventSource retries network errors itself; after an HTTP error (a proxy's 502
      // during a restart) it gives up, so try again later.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, CLOSED_RETRY_MS);
    });
    window.addEventListener("pagehide", () => source.close(), { once: true });
  };
  connect();
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) connect();
  });
})();
