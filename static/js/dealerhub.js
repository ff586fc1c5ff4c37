// Behaviour the pages share, kept out of the HTML so that the Content-Security-Policy can
// refuse every inline script: a <select data-autosubmit> sends its form when it changes, and a
// header checkbox <input data-tick-all="name"> ticks or clears the boxes of that name in its table.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.tickAll) {
    return;
  }
  const table = box.closest("table");
  for (const each of table.querySelectorAll(`input[type="checkbox"][name="${box.dataset.tickAll}"]`)) {
    each.checked = box.checked;
  }
});
