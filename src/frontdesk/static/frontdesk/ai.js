// The ticket page's assistant card (ai/_panel.html): "Insert" puts a suggested answer into
// the composer at the cursor for the agent to edit. Nothing is ever sent from here.
(() => {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-ai-insert]");
    if (!button) return;
    const template = button.parentElement.querySelector("template[data-ai-text]");
    const area = document.getElementById("composer-body");
    if (!template || !area) return;
    const text = template.content.textContent.trim();
    const start = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? start;
    const before = area.value.slice(0, start);
    const glue = before && !before.endsWith("\n") ? "\n\n" : "";
    area.value = before + glue + text + area.value.slice(end);
    area.selectionStart = area.selectionEnd = (before + glue + text).length;
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
  });
})();
