// Frontdesk workspace behaviour: keyboard shortcuts, list cursor and selection, theme,
// composer helpers (@mentions, drag and drop) and focus after HTMX swaps.
// Plain ES2020, no inline handlers (the CSP allows no inline script and no eval).
"use strict";

(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  // Translated on the server (core/context_processors.py); English if missing.
  const strings = JSON.parse((document.getElementById("ui-strings") || {}).textContent || "{}");
  const t = (key, fallback, vars = {}) =>
    (strings[key] || fallback).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
  window.frontdeskText = t;
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  function typingInField(event) {
    const el = event.target;
    return el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  // ---- theme ------------------------------------------------------------------------
  const savedTheme = localStorage.getItem("frontdesk-theme");
  if (savedTheme) document.documentElement.dataset.theme = savedTheme;
  document.addEventListener("click", (event) => {
    if (!event.target.closest("[data-theme-toggle]")) return;
    const dark = matchMedia("(prefers-color-scheme: dark)").matches;
    const current = document.documentElement.dataset.theme;
    const isDark = current === "dark" || (current !== "light" && dark);
    const next = isDark ? "light" : "dark";
    document.documentElement.dataset.theme = next;
    localStorage.setItem("frontdesk-theme", next);
  });

  // ---- list cursor (j/k/o/x) and bulk selection ---------------------------------------
  let cursor = -1;
  function rows() { return $$("[data-ticket-list] tbody tr"); }
  function moveCursor(delta) {
    const all = rows();
    if (!all.length) return;
    cursor = Math.max(0, Math.min(all.length - 1, cursor + delta));
    all.forEach((row, i) => row.classList.toggle("is-cursor", i === cursor));
    const link = $("a.list__subject", all[cursor]);
    if (link) link.focus();
  }
  function cursorRow() { return rows()[cursor]; }

  function updateBulkbar() {
    const form = $("[data-bulk]");
    if (!form) return;
    const checked = $$("input[name=numbers]:checked", form);
    const bar = $("[data-bulkbar]", form);
    bar.hidden = checked.length === 0;
    const count = $("[data-bulk-count]", form);
    if (count) {
      count.textContent = checked.length === 1
        ? t("selected_one", "1 selected")
        : t("selected_many", "{n} selected", { n: checked.length });
    }
    $$("input[name=numbers]", form).forEach((box) => box.closest("tr").classList.toggle("is-selected", box.checked));
  }
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-select-all]")) {
      $$("input[name=numbers]").forEach((box) => { box.checked = event.target.checked; });
    }
    if (event.target.matches("input[name=numbers], [data-select-all]")) updateBulkbar();
  });

  // ---- shortcuts ----------------------------------------------------------------------
  let pendingG = false;
  const keys = {
    j: () => moveCursor(1),
    k: () => moveCursor(-1),
    o: () => { const row = cursorRow(); if (row) location.href = row.dataset.href; },
    Enter: () => { const row = cursorRow(); if (row && document.activeElement === document.body) location.href = row.dataset.href; },
    x: () => { const row = cursorRow(); const box = row && $("input[name=numbers]", row); if (box) { box.checked = !box.checked; updateBulkbar(); } },
    r: () => focusComposer("reply"),
    n: () => focusComposer("note"),
    m: () => { const picker = $("#macro-search"); if (picker) picker.focus(); },
    i: () => { const articles = $("#kb-article-search"); if (articles) articles.focus(); },
    a: () => { const take = $("[data-shortcut=a]"); if (take) take.click(); },
    e: () => { const box = $("details[data-shortcut=e]"); if (box) { box.open = true; $("textarea", box).focus(); } },
    s: () => { const status = $("#ticket-side select[name=status]"); if (status) status.focus(); },
    "/": () => { const search = $("#global-search"); if (search) search.focus(); },
    "?": () => { const dialog = $("#shortcuts"); if (dialog && !dialog.open) dialog.showModal(); },
  };
  function focusComposer(kind) {
    const radio = $(`#composer input[name=kind][value=${kind}]`);
    if (!radio) return;
    radio.checked = true;
    markComposer();
    $("#composer-body").focus();
  }
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && event.target.closest("[data-composer] textarea")) {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typingInField(event)) {
      if (event.key === "Escape" && typingInField(event)) event.target.blur();
      return;
    }
    if (pendingG) {
      pendingG = false;
      if (event.key === "h") { location.href = "/desk/"; event.preventDefault(); }
      if (event.key === "n") { location.href = "/desk/notifications/"; event.preventDefault(); }
      return;
    }
    if (event.key === "g") { pendingG = true; setTimeout(() => { pendingG = false; }, 1000); return; }
    // Enter keeps activating the focused button, link or summary; it opens the list's
    // current row only when nothing else has the focus.
    if (event.key === "Enter" && event.target !== document.body) return;
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-shortcuts-open]")) $("#shortcuts").showModal();
  });

  // ---- composer: note styling, @mentions, drag and drop -----------------------------------
  function markComposer() {
    const composer = $("#composer");
    if (!composer) return;
    const note = $("input[name=kind][value=note]", composer);
    composer.classList.toggle("composer--note", Boolean(note && note.checked));
  }
  document.addEventListener("change", (event) => { if (event.target.matches("#composer input[name=kind]")) markComposer(); });

  let mentionTimer = null;
  document.addEventListener("input", (event) => {
    const area = event.target;
    if (!area.matches("textarea[data-mention-url]")) return;
    const before = area.value.slice(0, area.selectionStart);
    const match = /(?:^|\s)@([\w.+-]{1,50})$/.exec(before);
    const list = $("#mention-list");
    clearTimeout(mentionTimer);
    if (!match) { list.replaceChildren(); return; }
    mentionTimer = setTimeout(async () => {
      const response = await fetch(`${area.dataset.mentionUrl}?q=${encodeURIComponent(match[1])}`, { credentials: "same-origin" });
      if (!response.ok) return;
      list.innerHTML = await response.text();  // server-rendered, escaped by the template
      const first = $("li", list);
      if (first) first.setAttribute("aria-selected", "true");
    }, 150);
  });
  function insertMention(item) {
    const area = $("#composer-body");
    const before = area.value.slice(0, area.selectionStart).replace(/@[\w.+-]*$/, `${item.dataset.mention} `);
    area.value = before + area.value.slice(area.selectionStart);
    area.focus();
    area.selectionStart = area.selectionEnd = before.length;
    $("#mention-list").replaceChildren();
  }
  document.addEventListener("click", (event) => {
    const item = event.target.closest("#mention-list li");
    if (item) insertMention(item);
  });
  document.addEventListener("keydown", (event) => {
    const list = $("#mention-list");
    if (!list || !list.children.length || !event.target.matches("#composer-body")) return;
    const items = $$("li", list);
    const index = items.findIndex((li) => li.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = (index + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
      items.forEach((li, i) => li.setAttribute("aria-selected", String(i === next)));
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      insertMention(items[Math.max(index, 0)]);
    } else if (event.key === "Escape") {
      list.replaceChildren();
    }
  });

  document.addEventListener("dragover", (event) => {
    const zone = event.target.closest("[data-dropzone]");
    if (!zone) return;
    event.preventDefault();
    zone.classList.add("is-dragging");
  });
  document.addEventListener("dragleave", (event) => {
    const zone = event.target.closest("[data-dropzone]");
    if (zone) zone.classList.remove("is-dragging");
  });
  document.addEventListener("drop", (event) => {
    const zone = event.target.closest("[data-dropzone]");
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("is-dragging");
    const input = $("input[type=file]", zone);
    const files = new DataTransfer();
    Array.from(input.files).concat(Array.from(event.dataTransfer.files)).forEach((f) => files.items.add(f));
    input.files = files.files;
  });

  // ---- after HTMX swaps: focus and announcements --------------------------------------
  document.addEventListener("htmx:beforeRequest", () => {
    const errors = $("#error-area");
    if (errors) errors.replaceChildren();
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    markComposer();
    const target = event.detail.target;
    if (target && target.id === "thread") {
      const announcer = $("#announcer");
      if (announcer) announcer.textContent = t("message_sent", "Message sent.");
    }
    const swapped = target && target.isConnected ? target : null;
    const alert = swapped && $("[role=alert]", swapped);
    if (alert) { alert.setAttribute("tabindex", "-1"); alert.focus(); }
    updateBulkbar();
  });
  document.addEventListener("DOMContentLoaded", () => { markComposer(); updateBulkbar(); });
  // Every listener above is attached: say so (browser tests wait for it before typing).
  document.documentElement.dataset.appReady = "true";
})();
