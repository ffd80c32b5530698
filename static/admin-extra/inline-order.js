"use strict";
// Reorder the rows of an admin table of inlines by dragging them: each row gets a handle,
// and the rows' "position" fields are renumbered 1, 2, 3... in the order shown, so the
// form saves the order the author sees. A row added with "Add another" and filled in is
// numbered after the others when the form is sent. Typing positions still works.
// The list of pages orders the menu the same way: its rows are saved rows, each with
// a "menu_position" box.
(() => {
  const POSITION = 'input[name$="-position"], input[name$="-menu_position"]';
  const LISTED = "#result_list tbody > tr";
  const ROWS = `tbody > tr.form-row:not(.empty-form), ${LISTED}`;
  let dragged = null;

  // A saved row: an inline's existing object, or a row of the list of pages.
  const isSaved = (row) => row.classList.contains("has_original") || row.matches(LISTED);
  // A new row left empty must keep its initial values, or Django would validate it.
  const isFilled = (row) =>
    isSaved(row) ||
    [...row.querySelectorAll("input, select, textarea")].some(
      (field) =>
        !["hidden", "checkbox"].includes(field.type) && !field.matches(POSITION) && field.value,
    );

  const renumber = (table) => {
    let next = 1;
    table.querySelectorAll(ROWS).forEach((row) => {
      const position = row.querySelector(POSITION);
      if (position) position.value = isFilled(row) ? next++ : position.defaultValue;
    });
  };

  const numberNewRows = (table) => {
    const rows = [...table.querySelectorAll(ROWS)];
    const positions = rows.map((row) => +row.querySelector(POSITION)?.value || 0);
    let next = Math.max(0, ...positions) + 1;
    rows.forEach((row) => {
      const position = row.querySelector(POSITION);
      const untouched = position && position.value === position.defaultValue;
      if (untouched && !isSaved(row) && isFilled(row)) {
        position.value = next++;
      }
    });
  };

  const addHandle = (row) => {
    const position = row.querySelector(POSITION);
    if (!position || row.querySelector(".inline-order__handle")) return;
    const handle = document.createElement("span");
    handle.className = "inline-order__handle";
    handle.draggable = true;
    handle.title = "Drag to move this row";
    handle.textContent = "\u2630";
    handle.setAttribute("aria-hidden", "true");
    position.before(handle);
  };

  const setUp = (table) => {
    if (!table.querySelector("tbody")?.querySelector(POSITION)) return;
    table.classList.add("inline-order");
    table.querySelectorAll(ROWS).forEach(addHandle);
    table.addEventListener("dragstart", (event) => {
      if (!event.target.classList?.contains("inline-order__handle")) return;
      dragged = event.target.closest("tr");
      dragged.classList.add("inline-order__dragged");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
      event.dataTransfer.setDragImage(dragged, 16, 16);
    });
    table.addEventListener("dragover", (event) => {
      const over = event.target.closest?.(`tr.form-row, ${LISTED}`);
      if (!dragged || !over || over === dragged || !table.contains(over)) return;
      if (over.classList.contains("empty-form")) return;
      event.preventDefault();
      const box = over.getBoundingClientRect();
      over[event.clientY > box.top + box.height / 2 ? "after" : "before"](dragged);
    });
    table.addEventListener("drop", (event) => event.preventDefault());
    table.addEventListener("dragend", () => {
      if (!dragged) return;
      dragged.classList.remove("inline-order__dragged");
      dragged = null;
      renumber(table);
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".inline-group .tabular table, #result_list").forEach(setUp);
  });
  // Django's inlines announce each row added with "Add another".
  document.addEventListener("formset:added", (event) => addHandle(event.target));
  document.addEventListener(
    "submit",
    (event) => event.target.querySelectorAll("table.inline-order").forEach(numberNewRows),
    true,
  );
})();
