// The composer's article picker (kb/_picker.html): `i` (app.js) focuses it and lists the
// articles matching the ticket's subject (or what is typed); arrows choose, Enter inserts
// the article's Markdown link at the cursor in the reply. So `i` then Enter links the best
// match in two keystrokes. Plain ES2020, no inline handlers; options are server-rendered.
"use strict";

(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const picker = () => $("[data-kb-picker]");
  const search = () => $("[data-kb-search]");
  const listbox = () => $("#kb-article-options");
  const options = () => $$("li[role=option]:not([aria-disabled=true])", listbox());

  function announce(text) {
    const announcer = $("#announcer");
    if (announcer) announcer.textContent = text;
  }

  let seq = 0;
  let timer = null;
  function load() {
    const root = picker();
    const input = search();
    if (!root || !input) return;
    const mine = ++seq;
    const query = input.value.trim() || root.dataset.defaultQuery || "";
    fetch(`${root.dataset.optionsUrl}?q=${encodeURIComponent(query)}`, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then((response) => response.text())
      .then((html) => {
        if (mine !== seq || document.activeElement !== input) return;
        listbox().innerHTML = html;  // server-rendered, escaped by the template
        listbox().hidden = false;
        input.setAttribute("aria-expanded", "true");
        const found = options();
        setActive(found.length ? 0 : -1);
        announce(`${found.length} ${found.length === 1 ? "article" : "articles"}`);
      });
  }
  function close() {
    const list = listbox();
    if (!list) return;
    list.hidden = true;
    search().setAttribute("aria-expanded", "false");
    search().removeAttribute("aria-activedescendant");
  }
  function activeIndex() { return options().findIndex((li) => li.getAttribute("aria-selected") === "true"); }
  function setActive(index) {
    const all = options();
    all.forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0 && all[index]) {
      search().setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      search().removeAttribute("aria-activedescendant");
    }
  }
  function insert(option) {
    const area = $("#composer-body");
    if (!option || !area) return;
    const link = option.dataset.link;
    const start = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? start;
    const before = area.value.slice(0, start);
    const glue = before && !/\s$/.test(before) ? " " : "";
    area.value = before + glue + link + area.value.slice(end);
    area.selectionStart = area.selectionEnd = (before + glue + link).length;
    area.dispatchEvent(new Event("input", { bubbles: true }));
    close();
    search().value = "";
    announce("Article link inserted.");
    area.focus();
  }

  document.addEventListener("focusin", (event) => { if (event.target.matches("[data-kb-search]")) load(); });
  document.addEventListener("focusout", (event) => {
    if (event.target.matches("[data-kb-search]")) setTimeout(() => { if (document.activeElement !== search()) close(); }, 150);
  });
  document.addEventListener("input", (event) => {
    if (!event.target.matches("[data-kb-search]")) return;
    clearTimeout(timer);
    timer = setTimeout(load, 150);
  });
  document.addEventListener("mousedown", (event) => { if (event.target.closest("#kb-article-options li")) event.preventDefault(); });
  document.addEventListener("click", (event) => {
    const option = event.target.closest("#kb-article-options li[role=option]:not([aria-disabled=true])");
    if (option) insert(option);
  });
  // Capture phase: before app.js's shortcuts and before Enter would submit the composer.
  document.addEventListener("keydown", (event) => {
    if (!event.target.matches("[data-kb-search]")) return;
    const count = options().length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (listbox().hidden) { load(); return; }
      if (count) setActive((activeIndex() + (event.key === "ArrowDown" ? 1 : -1) + count) % count);
    } else if (event.key === "Enter") {
      event.preventDefault();
      event.stopPropagation();
      if (!listbox().hidden && count) insert(options()[Math.max(activeIndex(), 0)]);
      else load();
    } else if (event.key === "Escape" && !listbox().hidden) {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  }, true);
})();
