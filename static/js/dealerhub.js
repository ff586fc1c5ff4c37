// Behaviour the pages share, kept out of the HTML so that the Content-Security-Policy can
// refuse every inline script: a <select data-autosubmit> sends its form when it changes.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});
