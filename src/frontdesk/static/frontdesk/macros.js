// The composer's macro picker (macros/_picker.html): a combobox whose listbox the server
// fills with the matching macros, arrow keys and Enter to choose one, a preview of its text
// and changes rendered for the ticket, and "Insert" to put the text into the composer (to
// edit before sending) with the macro's id in the hidden `macro` field, so its changes are
// made when the reply is sent. `m` (app.js) focuses the picker.
// Plain ES2020, no inline handlers, no eval (CSP); fragments are server-rendered and escaped.
"use strict";

(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const t = (key, fallback, vars) => (window.frontdeskText ? window.frontdeskText(key, fallback, vars) : fallback);

  const picker = () => $("[data-macro-picker]");
  const search = () => $("[data-macro-search]");
  const listbox = () => $("#macro-options");
  const options = () => $$("li[role=option]:not([aria-disabled=true])", listbox());

  function announce(text) {
    const announcer = $("#announcer");
    if (announcer) announcer.textContent = text;
  }

  async function fetchFragment(url) {
    // HX-Request: a refusal comes back as the error banner fragment (core/middleware.py).
    const response = await fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } });
    return response.text();
  }

  // ---- the listbox --------------------------------------------------------------------
  let loadTimer = null;
  let loadSeq = 0;
  function load() {
    const root = picker();
    const input = search();
    if (!root || !input) return;
    const seq = ++loadSeq;
    const url = `${root.dataset.optionsUrl}?q=${encodeURIComponent(input.value.trim())}`;
    fetchFragment(url).then((html) => {
      if (seq !== loadSeq || document.activeElement !== input) return;
      listbox().innerHTML = html;  // server-rendered, escaped by the template
      open();
      const found = options();
      setActive(found.length ? 0 : -1);
      announce(found.length === 1 ? t("macros_one", "1 macro") : t("macros_many", "{n} macros", { n: found.length }));
    });
  }
  function open() {
    listbox().hidden = false;
    search().setAttribute("aria-expanded", "true");
  }
  function close() {
    const list = listbox();
    const input = search();
    if (!list || !input) return;
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function isOpen() { const list = listbox(); return Boolean(list && !list.hidden); }
  function activeIndex() { return options().findIndex((li) => li.getAttribute("aria-selected") === "true"); }
  function setActive(index) {
    const all = options();
    all.forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    const input = search();
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  // ---- the preview ----------------------------------------------------------------------
  async function choose(option) {
    const root = picker();
    if (!root || !option) return;
    close();
    const box = $("[data-macro-preview]", root);
    box.innerHTML = await fetchFragment(`${root.dataset.previewUrl}&macro=${encodeURIComponent(option.dataset.macroId)}`);
    const insert = $("[data-macro-insert]", box);
    if (insert) insert.focus();
    else { const alert = $("[role=alert]", box); if (alert) { alert.tabIndex = -1; alert.focus(); } }
  }

  function insertText(preview) {
    const area = $("#composer-body");
    const text = $("template[data-macro-text]", preview).content.textContent;
    if (area && text.trim()) {
      const start = area.selectionStart ?? area.value.length;
      const end = area.selectionEnd ?? start;
      const before = area.value.slice(0, start);
      const glue = before && !before.endsWith("\n") ? "\n\n" : "";
      area.value = before + glue + text + area.value.slice(end);
      area.selectionStart = area.selectionEnd = (before + glue + text).length;
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    $("[data-macro-field]").value = preview.dataset.macroId;
    $$("[data-macro-pending]", preview).forEach((el) => { el.hidden = true; });
    $("[data-macro-chosen]", preview).hidden = false;
    announce(t("macro_inserted", "Macro inserted; its changes are made when you send."));
    if (area) area.focus();
  }

  function clearPreview() {
    const root = picker();
    if (!root) return;
    $("[data-macro-preview]", root).replaceChildren();
    $("[data-macro-field]", root).value = "";
    search().focus();
  }

  // ---- events ---------------------------------------------------------------------------
  document.addEventListener("focusin", (event) => {
    if (event.target.matches("[data-macro-search]")) load();
  });
  document.addEventListener("focusout", (event) => {
    if (event.target.matches("[data-macro-search]")) setTimeout(() => { if (document.activeElement !== search()) close(); }, 150);
  });
  document.addEventListener("input", (event) => {
    if (!event.target.matches("[data-macro-search]")) return;
    clearTimeout(loadTimer);
    loadTimer = setTimeout(load, 150);
  });
  // Keep the focus in the input while an option is clicked.
  document.addEventListener("mousedown", (event) => {
    if (event.target.closest("#macro-options li")) event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    const option = event.target.closest("#macro-options li[role=option]:not([aria-disabled=true])");
    if (option) { choose(option); return; }
    const preview = event.target.closest(".macro-preview");
    if (!preview) return;
    if (event.target.closest("[data-macro-insert]")) insertText(preview);
    else if (event.target.closest("[data-macro-cancel], [data-macro-remove]")) clearPreview();
  });
  // Capture phase: before app.js's shortcuts (which blur a field on Escape) and before the
  // composer form would be submitted by Enter.
  document.addEventListener("keydown", (event) => {
    if (event.target.matches("[data-macro-search]")) {
      const count = options().length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!isOpen()) { load(); return; }
        if (!count) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((activeIndex() + step + count) % count);
      } else if (event.key === "Home" && isOpen() && count) {
        event.preventDefault(); setActive(0);
      } else if (event.key === "End" && isOpen() && count) {
        event.preventDefault(); setActive(count - 1);
      } else if (event.key === "Enter") {
        event.preventDefault();
        event.stopPropagation();
        if (isOpen()) choose(options()[activeIndex()]);
        else load();
      } else if (event.key === "Escape" && isOpen()) {
        event.preventDefault();
        event.stopPropagation();
        close();
      }
      return;
    }
    if (!event.target.closest(".macro-preview")) return;
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      clearPreview();
    } else if (event.key === "Enter" && event.target.closest("button")) {
      // The button's own click; app.js's shortcut for Enter (open the list's row) would
      // otherwise cancel it.
      event.stopPropagation();
    }
  }, true);
})();
