// Behaviour the pages share, kept out of the HTML so that the Content-Security-Policy can
// refuse every inline script: a <select data-autosubmit> sends its form when it changes.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
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
