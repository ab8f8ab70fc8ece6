// Portal request form: a conditional field is shown only while the field it depends on
// has the configured value (the server applies the same rule when the form is posted).
(function () {
  "use strict";
  const form = document.querySelector("[data-portal-form]");
  if (!form) return;
  const valueOf = (name) => {
    const input = form.elements.namedItem(name);
    if (!input) return "";
    if (input.type === "checkbox") return input.checked ? "true" : "";
    return String(input.value || "").toLowerCase();
  };
  const update = () => {
    // Dependent fields come after their condition's field, so one pass in order suffices.
    form.querySelectorAll("[data-show-if-field]").forEach((wrapper) => {
      const source = form.querySelector(`#${CSS.escape(wrapper.dataset.showIfField)}`);
      const sourceShown = source && !source.closest("[hidden]");
      wrapper.hidden = !(sourceShown && valueOf(wrapper.dataset.showIfField) === wrapper.dataset.showIfValue);
    });
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
