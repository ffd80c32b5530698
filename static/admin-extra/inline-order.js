"use strict";
// Reorder the rows of an admin table of inlines by dragging them: each row gets a handle,
// and the rows' "position" fields are renumbered 1, 2, 3... in the order shown, so the
// form saves the order the author sees. Typing positions still works without this.
(() => {
  const POSITION = 'input[name$="-position"]';
  const ROWS = "tbody > tr.form-row:not(.empty-form)";
  let dragged = null;

  const renumber = (table) => {
    table.querySelectorAll(ROWS).forEach((row, index) => {
      const position = row.querySelector(POSITION);
      if (position) position.value = index + 1;
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

  const nextPosition = (table) => {
    const numbers = [...table.querySelectorAll(`${ROWS} ${POSITION}`)].map((i) => +i.value || 0);
    return Math.max(0, ...numbers) + 1;
  };

  const setUp = (table) => {
    if (!table.querySelector(`tbody ${POSITION}`)) return;
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
      const over = event.target.closest?.("tr.form-row");
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
    document.querySelectorAll(".inline-group .tabular table").forEach(setUp);
  });
  // Django's inlines announce each row added with "Add another".
  document.addEventListener("formset:added", (event) => {
    const table = event.target.closest("table.inline-order");
    if (!table) return;
    const position = event.target.querySelector(POSITION);
    if (position && !+position.value) position.value = nextPosition(table);
    addHandle(event.target);
  });
})();
