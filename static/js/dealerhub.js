// Behaviour the pages share, kept out of the HTML so that the Content-Security-Policy can
// refuse every inline script: a <select data-autosubmit> sends its form when it changes, and a
// header checkbox <input data-tick-all="name"> ticks or clears the boxes of that name in its table.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});

// A final action (issue, revoke, remove, cancel, mark sold) asks once before it is sent: a form
// with data-confirm opens a <dialog> with its question, and only "confirm" sends it, marked as
// confirmed. Without a script the server asks the same question on a page of its own.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (form.querySelector("input[name='confirmed']")) return;
  event.preventDefault();
  const submitter = event.submitter;
  const dialog = document.createElement("dialog");
  dialog.className = "confirm-dialog";
  dialog.setAttribute("role", "alertdialog");
  dialog.setAttribute("aria-labelledby", "confirm-dialog-question");
  dialog.setAttribute("aria-describedby", "confirm-dialog-detail");
  const question = document.createElement("h2");
  question.id = "confirm-dialog-question";
  question.textContent = form.dataset.confirm;
  const detail = document.createElement("p");
  detail.id = "confirm-dialog-detail";
  detail.textContent = form.dataset.confirmDetail || "";
  const yes = document.createElement("button");
  yes.type = "button";
  yes.className = "danger";
  yes.textContent = form.dataset.confirmYes;
  const no = document.createElement("button");
  no.type = "button";
  no.className = "secondary";
  no.textContent = form.dataset.confirmNo;
  const actions = document.createElement("div");
  actions.className = "confirm-actions";
  actions.append(yes, no);
  dialog.append(question, detail, actions);
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  no.addEventListener("click", close);
  dialog.addEventListener("cancel", () => dialog.remove());
  yes.addEventListener("click", () => {
    const hidden = (name, value) => {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.append(input);
    };
    // form.submit() sends no submitter: the pressed button's name and value go along here.
    if (submitter && submitter.name) hidden(submitter.name, submitter.value);
    hidden("confirmed", "yes");
    close();
    HTMLFormElement.prototype.submit.call(form);
  });
  document.body.append(dialog);
  dialog.showModal();
  no.focus();
});

// A refused form answers at its own anchor, and browsers skip autofocus on a page opened at an
// anchor (and scroll to it once the page has loaded): the cursor goes to the first refused
// field after that.
window.addEventListener("load", () => {
  const field = document.querySelector("[autofocus]");
  if (field && document.activeElement !== field) field.focus();
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
// On a phone a table shows one card per row, and each cell its column's name from a
// data-label attribute; a template may set it, otherwise it is copied from the header here,
// so that every table, and rows that htmx swaps in later, read the same way.
function labelTableCells(root) {
  root.querySelectorAll("table.grid, table.table").forEach((table) => {
    const headerRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headerRow) return;
    const names = [];
    for (const cell of headerRow.cells) {
      const name = cell.textContent.replace(/[▲▼]/g, "").replace(/\s+/g, " ").trim();
      for (let span = 0; span < cell.colSpan; span += 1) names.push(name);
    }
    for (const body of [...table.tBodies, table.tFoot].filter(Boolean)) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && names[column] && cell.colSpan === 1) {
            cell.setAttribute("data-label", names[column]);
          }
          column += cell.colSpan;
        }
      }
    }
  });
}
document.addEventListener("DOMContentLoaded", () => labelTableCells(document));
document.addEventListener("htmx:afterSettle", () => labelTableCells(document));

// A browser without ::details-content cannot show a folded <details class="fold-narrow"> on a
// wide screen from CSS alone; open it there instead.
if (!(window.CSS && CSS.supports && CSS.supports("selector(::details-content)"))) {
  document.addEventListener("DOMContentLoaded", () => {
    if (window.matchMedia("(min-width: 641px)").matches) {
      document.querySelectorAll("details.fold-narrow").forEach((fold) => { fold.open = true; });
    }
  });
}

// A <button data-copy="id"> copies the value of the field with that id (an offer's link), and
// says so on the button; without a script the field is there to select and copy by hand.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  event.preventDefault();
  field.select();
  const done = () => { button.textContent = button.dataset.copied || button.textContent; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => document.execCommand("copy") && done());
  } else if (document.execCommand("copy")) {
    done();
  }
});
