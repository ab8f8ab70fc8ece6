// SLA countdowns: keep every <time data-countdown> badge ("in 25 min", "overdue 3 h") and
// its colour current while a page stays open. Same rules as sla/templatetags/sla_tags.py.
"use strict";

(() => {
  const MINUTE = 60 * 1000;
  const SOON_MINUTES = 60;
  const t = (key, fallback, vars) =>
    window.frontdeskText ? window.frontdeskText(key, fallback, vars) : fallback;

  function amount(minutes) {
    if (minutes < 60) return t("minutes_short", "{n} min", { n: minutes });
    if (minutes < 48 * 60) return t("hours_short", "{n} h", { n: Math.floor(minutes / 60) });
    return t("days_short", "{n} d", { n: Math.floor(minutes / (24 * 60)) });
  }

  function refresh() {
    const now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach((badge) => {
      const left = Date.parse(badge.getAttribute("datetime")) - now;
      if (Number.isNaN(left)) return;
      const minutes = Math.floor(Math.abs(left) / MINUTE);
      const state = left < 0 ? "overdue" : minutes <= SOON_MINUTES ? "soon" : "ok";
      badge.textContent = left < 0
        ? t("overdue_by", "overdue {amount}", { amount: amount(minutes) })
        : t("due_in", "in {amount}", { amount: amount(minutes) });
      badge.classList.remove("due--overdue", "due--soon", "due--ok");
      badge.classList.add(`due--${state}`);
    });
  }

  setInterval(refresh, 30 * 1000);
  document.addEventListener("htmx:afterSettle", refresh);
})();
